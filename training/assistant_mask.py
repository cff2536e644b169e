"""Loss on assistant turns only: a chat template with `{% generation %}` markers for the model.

TRL's ``assistant_only_loss=True`` asks the tokenizer for ``return_assistant_tokens_mask``, which
only works when the chat template wraps what the assistant writes in ``{% generation %}`` ...
``{% endgeneration %}``. Few shipped templates do. TRL 1.x carries patched templates for the
families it knows (Qwen2.5, Qwen3, Llama 3, ...; ``trl.chat_template_utils.get_training_chat_template``)
but not for plain ChatML with a default system prompt, which is what SmolLM2-Instruct (our
embedded model) and Qwen1.5-Chat (the paper's base) ship. For those we build the ChatML template
below with the model's own default system prompt and accept it only if it renders byte-for-byte
what the original renders on a set of probe conversations, so training sees exactly the text the
model sees at inference.

    from training.assistant_mask import training_chat_template
    tokenizer.chat_template = training_chat_template(tokenizer)          # "auto"

The template is only used for training; the saved model keeps its original template (llama.cpp's
Jinja has no ``generation`` tag).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from psycollm.errors import ConfigError

IM_START, IM_END = "<|im_start|>", "<|im_end|>"

# The assistant's end-of-turn token is inside the generation block: the model must learn to stop.
_CHATML_TRAINING = (
    "{%- for message in messages %}"
    "{%- if loop.first and messages[0]['role'] != 'system' %}__DEFAULT_SYSTEM__{%- endif %}"
    "{%- if message['role'] == 'assistant' %}"
    "{{- '<|im_start|>assistant\\n' }}"
    "{%- generation %}{{- message['content'] + '<|im_end|>' }}{%- endgeneration %}"
    "{{- '\\n' }}"
    "{%- else %}"
    "{{- '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}"
    "{%- endif %}"
    "{%- endfor %}"
    "{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}{%- endif %}"
)

# Conversations on which a training template must render exactly like the original one.
PROBES: list[tuple[list[dict[str, str]], bool]] = [
    ([{"role": "user", "content": "I can't sleep before exams."},
      {"role": "assistant", "content": "That sounds exhausting. What goes through your mind at night?"}], False),
    ([{"role": "system", "content": "你是一名心理咨询师。"},
      {"role": "user", "content": "我最近总是很焦虑。"},
      {"role": "assistant", "content": "能多说一些吗？"},
      {"role": "user", "content": "考试快到了。"},
      {"role": "assistant", "content": "听起来压力很大。"}], False),
    ([{"role": "user", "content": "Hello"}], True),
    ([{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}], True),
]


def has_generation_markers(template: str | None) -> bool:
    from trl.chat_template_utils import has_generation_markers as trl_has

    return bool(template) and trl_has(template)


def chatml_training_template(default_system: str | None) -> str:
    """The ChatML template with generation markers; ``default_system`` is inserted when a
    conversation has no system message (None: insert nothing)."""
    if default_system is None:
        block = ""
    else:
        # json.dumps gives a quoted, escaped string literal that Jinja reads back unchanged.
        literal = json.dumps(IM_START + "system\n" + default_system + IM_END + "\n", ensure_ascii=False)
        block = "{{- " + literal + " }}"
    return _CHATML_TRAINING.replace("__DEFAULT_SYSTEM__", block)


def _render(tokenizer: Any, messages: list[dict[str, str]], add_generation_prompt: bool,
            template: str | None = None) -> str:
    return tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=add_generation_prompt,
                                         chat_template=template)


def renders_like_original(tokenizer: Any, template: str) -> bool:
    """True when ``template`` renders every probe conversation exactly like the tokenizer's own."""
    try:
        return all(_render(tokenizer, m, g) == _render(tokenizer, m, g, template) for m, g in PROBES)
    except Exception:  # a template that cannot render a probe is not equivalent
        return False


def _chatml_default_system(tokenizer: Any) -> str | None:
    """The system prompt the template inserts when there is none, or None; raises ValueError if
    the template is not ChatML."""
    text = _render(tokenizer, [{"role": "user", "content": "x"}], False)
    head, sep, _ = text.partition(IM_START + "user\n")
    if not sep:
        raise ValueError("not a ChatML template")
    if head == "":
        return None
    prefix, suffix = IM_START + "system\n", IM_END + "\n"
    if head.startswith(prefix) and head.endswith(suffix):
        return head[len(prefix):-len(suffix)]
    raise ValueError("unrecognised text before the first user turn")


def training_chat_template(tokenizer: Any, choice: str = "auto") -> str:
    """The chat template to train with under ``assistant_only_loss``.

    ``choice``: "auto" (the model's own template if it has generation markers, else TRL's patched
    template for known families, else our verified ChatML template) or a path to a .jinja file.
    Raises ConfigError saying what to do when no template fits.
    """
    if choice and choice != "auto":
        path = Path(choice).expanduser()
        if not path.is_file():
            raise ConfigError(f"training_chat_template: {path} is not a file (give a .jinja file or 'auto').")
        template = path.read_text(encoding="utf-8")
        if not has_generation_markers(template):
            raise ConfigError(f"training_chat_template: {path} has no {{% generation %}} markers, so the loss "
                              "could not be limited to assistant turns.")
        return template

    original = tokenizer.chat_template
    if isinstance(original, dict):
        original = original.get("default")
    if not original:
        raise ConfigError("The tokenizer has no chat template. Give one with training_chat_template: PATH.jinja "
                          "(with {% generation %} markers) or set assistant_only_loss: false.")
    if has_generation_markers(original):
        return original

    from trl.chat_template_utils import get_training_chat_template

    try:
        patched = get_training_chat_template(tokenizer)
    except ValueError:
        patched = None
    if patched:
        return patched

    try:
        candidate = chatml_training_template(_chatml_default_system(tokenizer))
    except ValueError:
        candidate = None
    if candidate and renders_like_original(tokenizer, candidate):
        return candidate
    raise ConfigError(
        "The model's chat template has no {% generation %} markers and is not one TRL or psycollm can patch, "
        "so assistant-only loss cannot be computed. Give a template with markers "
        "(training_chat_template: PATH.jinja) or train on whole conversations (assistant_only_loss: false).")


def assistant_token_mask(tokenizer: Any, messages: list[dict[str, str]], template: str) -> tuple[list[int], list[int]]:
    """(input_ids, assistant_mask) of a conversation, as TRL computes them for the loss."""
    out = tokenizer.apply_chat_template(messages, tokenize=True, return_dict=True, chat_template=template,
                                        return_assistant_tokens_mask=True)
    return list(out["input_ids"]), list(out["assistant_masks"])
