"""Loss on assistant turns only: the training chat template and the labels TRL builds from it.

Real SmolLM2 tokenizer and TRL's own collator; the Qwen templates are the real template texts
(Qwen1.5-Chat's ChatML, TRL's copy of Qwen2.5's) set on that tokenizer, since no hub is reachable.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from psycollm.errors import ConfigError
from training.assistant_mask import (
    PROBES,
    assistant_token_mask,
    renders_like_original,
    training_chat_template,
)

# Qwen1.5-14B-Chat's chat template (the paper's base model), as shipped in its tokenizer_config.json.
QWEN15_TEMPLATE = (
    "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}"
    "{{ '<|im_start|>system\\nYou are a helpful assistant<|im_end|>\\n' }}{% endif %}"
    "{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}")

CONVERSATION = [
    {"role": "system", "content": "You are a supportive counselor."},
    {"role": "user", "content": "I feel stressed about work."},
    {"role": "assistant", "content": "That sounds hard. What weighs on you most?"},
    {"role": "user", "content": "Deadlines."},
    {"role": "assistant", "content": "Let's break one deadline into small steps."},
]


@pytest.fixture
def tokenizer(smollm2_folder: Path):
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(str(smollm2_folder))


def test_smollm2_gets_a_chatml_template_that_renders_like_its_own(tokenizer) -> None:
    template = training_chat_template(tokenizer)
    assert "{%- generation %}" in template and template != tokenizer.chat_template
    assert "You are a helpful AI assistant named SmolLM" in template  # its default system prompt, kept
    assert renders_like_original(tokenizer, template)
    for messages, add_prompt in PROBES:
        assert tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=add_prompt) == \
            tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=add_prompt,
                                          chat_template=template)


def test_sft_trainer_labels_exactly_the_assistant_turns(tokenizer, smollm2_folder: Path, tmp_path: Path,
                                                        registry_env: Path) -> None:
    """The labels of a tokenized example, as the SFTTrainer of `psycollm train sft` builds them."""
    import json

    from training import sft

    data = tmp_path / "one.jsonl"
    data.write_text(json.dumps({"messages": CONVERSATION}) + "\n")
    setup = sft.build_trainer(*sft.parse_args([
        "--recipe", "smollm2-135m-cpu", "--dataset_path", str(data), "--model_name_or_path", str(smollm2_folder),
        "--output_dir", str(tmp_path / "run"), "--eval_strategy", "no", "--eval_on_start", "false"]))
    example = setup.trainer.train_dataset[0]
    input_ids, labels = example["input_ids"], example["labels"]
    trained = [t for t, label in zip(input_ids, labels, strict=True) if label != -100]
    assert tokenizer.decode(trained) == (
        "That sounds hard. What weighs on you most?<|im_end|>Let's break one deadline into small steps.<|im_end|>")
    ignored = tokenizer.decode([t for t, label in zip(input_ids, labels, strict=True) if label == -100])
    for turn in CONVERSATION:
        if turn["role"] != "assistant":
            assert turn["content"] in ignored  # system and user text are never trained on
    assert "<|im_start|>assistant\n" in ignored  # nor the assistant header, which the prompt supplies
    # and the input is exactly what the model sees at inference (its own template)
    assert tokenizer.decode(input_ids) == tokenizer.apply_chat_template(CONVERSATION, tokenize=False)
    assert setup.inference_template == tokenizer.chat_template


def test_assistant_token_mask_matches_the_trainer(tokenizer) -> None:
    input_ids, mask = assistant_token_mask(tokenizer, CONVERSATION, training_chat_template(tokenizer))
    assert len(input_ids) == len(mask) and 0 < sum(mask) < len(mask)


def test_the_end_of_turn_token_is_trained(tokenizer) -> None:
    from trl.chat_template_utils import is_chat_template_stop_token_trained

    assert is_chat_template_stop_token_trained(tokenizer, chat_template=training_chat_template(tokenizer))


def test_qwen15_chatml_is_patched_with_its_own_default_system(tokenizer) -> None:
    tokenizer.chat_template = QWEN15_TEMPLATE
    template = training_chat_template(tokenizer)
    assert "You are a helpful assistant<|im_end|>" in template
    assert renders_like_original(tokenizer, template)


def test_templates_trl_knows_come_from_trl(tokenizer) -> None:
    from trl.chat_template_utils import qwen2_5_chat_template, qwen2_5_training_chat_template

    tokenizer.chat_template = qwen2_5_chat_template
    assert training_chat_template(tokenizer) == qwen2_5_training_chat_template


def test_a_template_that_has_markers_is_kept(tokenizer) -> None:
    tokenizer.chat_template = training_chat_template(tokenizer)
    assert training_chat_template(tokenizer) == tokenizer.chat_template


def test_unknown_template_is_refused_with_what_to_do(tokenizer) -> None:
    tokenizer.chat_template = ("{% for m in messages %}{% if m['role'] == 'user' %}[INST] {{ m['content'] }} [/INST]"
                               "{% else %}{{ m['content'] }}</s>{% endif %}{% endfor %}")
    with pytest.raises(ConfigError, match="assistant_only_loss: false"):
        training_chat_template(tokenizer)


def test_explicit_template_file(tokenizer, tmp_path: Path) -> None:
    plain = tmp_path / "plain.jinja"
    plain.write_text(QWEN15_TEMPLATE)
    with pytest.raises(ConfigError, match="no \\{% generation %\\} markers"):
        training_chat_template(tokenizer, str(plain))
    marked = tmp_path / "marked.jinja"
    marked.write_text(training_chat_template(tokenizer))
    assert training_chat_template(tokenizer, str(marked)) == marked.read_text()
    with pytest.raises(ConfigError, match="not a file"):
        training_chat_template(tokenizer, str(tmp_path / "missing.jinja"))
