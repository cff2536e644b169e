"""The published data set is what TRL's SFTTrainer reads: a real SFTTrainer with the embedded model's
tokenizer and chat template (SmolLM2-135M, converted folder from the user cache) prepares it (chat
template, tokenization, truncation) and its collator's first batch gives a finite loss on a
one-layer model of the same architecture (the weights play no part in whether the data is
accepted). No optimizer step: it proves nothing more about the data. The data comes from the
scripted model (documented fake)."""

from __future__ import annotations

import pytest

from training.data.pipeline import build


@pytest.mark.slow
def test_trl_sft_trainer_accepts_the_published_dataset(recipe, make_ctx, scripted, settings, tmp_path):
    import torch
    from datasets import load_from_disk
    from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer
    from trl import SFTConfig, SFTTrainer

    from psycollm.models import hf_source

    recipe.mix.validation_fraction = 0.2
    out = build(make_ctx(recipe, scripted))
    ds = load_from_disk(str(out))

    folder = hf_source("smollm2-135m", settings)
    tokenizer = AutoTokenizer.from_pretrained(folder)
    # The model's tokenizer and chat template decide what TRL makes of the data; the weights do not.
    # A one-layer model of the same architecture keeps the forward pass instant.
    config = AutoConfig.from_pretrained(folder)
    config.update({"num_hidden_layers": 1, "hidden_size": 64, "intermediate_size": 128, "num_attention_heads": 2,
                   "num_key_value_heads": 1, "head_dim": 32})
    model = AutoModelForCausalLM.from_config(config)
    args = SFTConfig(output_dir=str(tmp_path / "sft"), max_steps=1, per_device_train_batch_size=2,
                     per_device_eval_batch_size=2, max_length=256, report_to=[], save_strategy="no",
                     use_cpu=True, dataloader_num_workers=0, gradient_checkpointing=False)
    trainer = SFTTrainer(model=model, args=args, train_dataset=ds["train"], eval_dataset=ds["validation"],
                         processing_class=tokenizer)
    prepared = trainer.train_dataset
    assert len(prepared) == len(ds["train"]) and "input_ids" in prepared.column_names
    # The chat template rendered the system prompt and the turns: the first example decodes to its text.
    text = tokenizer.decode(prepared[0]["input_ids"])
    first = ds["train"][0]["messages"]
    assert first[1]["content"][:30] in text
    assert len(trainer.eval_dataset) == len(ds["validation"])
    batch = next(iter(trainer.get_train_dataloader()))
    assert batch["input_ids"].shape[0] == 2 and (batch["labels"] != -100).any()
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # on a loaded 2-core machine, 2 spinning threads are 7x slower than one
    try:
        with torch.no_grad():
            loss = model(**{k: v for k, v in batch.items() if k in ("input_ids", "attention_mask", "labels")}).loss
    finally:
        torch.set_num_threads(threads)
    assert torch.isfinite(loss) and loss.item() > 0
