"""Real training runs on the embedded model (SmolLM2-135M, CPU), a few optimizer steps each.

Full SFT through `psycollm train sft`, LoRA SFT with the merge checked against the adapter model,
DPO (and ORPO) on the fixture preference pairs, the exported model answering through the app's backends, and
GGUF export when llama.cpp's converter is in the user cache. Everything real; tiny data and
64-token sequences keep each run to seconds.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def _load_settings():
    from psycollm.config import load_settings

    return load_settings()  # PSYCOLLM_DATA_DIR points at the test's private data dir (registry_env)


def test_full_sft_lowers_the_loss_and_the_app_serves_the_result(
        smollm2_folder: Path, conversations_file: Path, tmp_path: Path, registry_env: Path,
        tiny_run_flags) -> None:
    from safetensors.torch import load_file

    from psycollm.backends import GenerationParams, make_backend
    from training.cli import main

    out = tmp_path / "sft"
    # Two conversations in one batch of two: every step sees the same batch, so the loss must fall.
    code = main(["sft", "--recipe", "smollm2-135m-cpu", "--dataset_path", str(conversations_file),
                 "--max_train_samples", "2", *tiny_run_flags(out, steps=2), "--register_as", "test-sft"])
    assert code == 0
    history = json.loads((out / "report" / "log_history.json").read_text())
    losses = [h["loss"] for h in history if "loss" in h]
    assert len(losses) == 2 and losses[-1] < losses[0]
    metrics = json.loads((out / "report" / "metrics.json").read_text())
    assert metrics["global_step"] == 2 and metrics["train_examples"] == 2 and metrics["peak_rss_mb"] > 100
    for name in ("README.md", "loss.png", "learning_rate.png", "config.yaml", "versions.json"):
        assert (out / "report" / name).stat().st_size > 0, name
    assert "learning_rate: 0.0001" in (out / "report" / "config.yaml").read_text()
    assert json.loads((out / "report" / "versions.json").read_text())["trl"] != "not installed"

    model_dir = out / "model"
    assert (model_dir / "model.safetensors").exists() and not (out / "adapter").exists()
    tuned = load_file(str(model_dir / "model.safetensors"))
    base = load_file(str(next(smollm2_folder.glob("*.safetensors"))))
    key = "model.layers.0.self_attn.q_proj.weight"
    assert not (tuned[key] == base[key]).all(), "full fine-tuning changed no weight"
    saved_template = (model_dir / "chat_template.jinja").read_text()
    assert saved_template == (smollm2_folder / "chat_template.jinja").read_text(), "the training template leaked"

    settings = _load_settings()
    settings.backend.kind, settings.backend.model = "transformers", "test-sft"
    backend = make_backend(settings)
    try:
        assert backend.model_name == "test-sft"
        reply = backend.generate_batch([[{"role": "user", "content": "I feel stressed about work."}]],
                                       GenerationParams(max_new_tokens=8, temperature=0.0))[0]
        assert reply.strip()
    finally:
        backend.close()


def test_lora_merge_gives_the_adapter_models_outputs(
        smollm2_folder: Path, conversations_file: Path, tmp_path: Path, registry_env: Path,
        tiny_run_flags) -> None:
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from training import sft

    out = tmp_path / "lora"
    result = sft.train(*sft.parse_args([
        "--recipe", "smollm2-135m-cpu", "--dataset_path", str(conversations_file),
        *tiny_run_flags(out, steps=1), "--learning_rate", "1e-3", "--use_peft", "true", "--lora_r", "8",
        "--lora_alpha", "16", "--lora_target_modules", "q_proj", "v_proj", "--register_as", ""]))
    assert result.adapter_dir == out / "adapter" and (out / "adapter" / "adapter_config.json").exists()
    assert result.model_dir == out / "model" and (out / "model" / "config.json").exists()
    assert not (out / "model" / "adapter_config.json").exists(), "the merged folder must be a plain model"

    tokenizer = AutoTokenizer.from_pretrained(str(out / "model"))
    inputs = tokenizer.apply_chat_template([{"role": "user", "content": "I can't sleep before exams."}],
                                           add_generation_prompt=True, return_tensors="pt", return_dict=True)
    base = AutoModelForCausalLM.from_pretrained(str(smollm2_folder), dtype=torch.float32)
    with torch.no_grad():
        base_logits = base(**inputs).logits
        adapted = PeftModel.from_pretrained(base, str(out / "adapter")).eval()
        adapter_logits = adapted(**inputs).logits
        merged = AutoModelForCausalLM.from_pretrained(str(out / "model"), dtype=torch.float32).eval()
        merged_logits = merged(**inputs).logits
    assert (adapter_logits - base_logits).abs().max() > 1e-2, "the adapter learned nothing: the test proves nothing"
    # Same function up to float32 rounding of W + BA (logits are ~10-30 in size), same greedy tokens.
    torch.testing.assert_close(merged_logits, adapter_logits, rtol=1e-4, atol=1e-3)
    assert merged_logits.argmax(-1).tolist() == adapter_logits.argmax(-1).tolist()


def test_dpo_on_exported_pairs(smollm2_folder: Path, preferences_file: Path, tmp_path: Path,
                               registry_env: Path) -> None:
    from psycollm.models import lookup
    from training.cli import main

    out = tmp_path / "dpo"
    code = main(["dpo", "--recipe", "smollm2-135m-cpu", "--dataset_path", str(preferences_file),
                 "--max_length", "96", "--output_dir", str(out), "--max_steps", "1", "--register_as", "test-dpo"])
    assert code == 0
    history = json.loads((out / "report" / "log_history.json").read_text())
    steps = [h for h in history if "loss" in h]
    assert len(steps) == 1 and "rewards/margins" in steps[0] and "rewards/accuracies" in steps[0]
    assert (out / "adapter" / "adapter_config.json").exists() and (out / "model" / "config.json").exists()
    metrics = json.loads((out / "report" / "metrics.json").read_text())
    assert metrics["algorithm"] == "dpo" and metrics["train_examples"] == 8 and metrics["lora"] is True
    spec = lookup("test-dpo", _load_settings())
    assert spec is not None and Path(spec.path) == (out / "model").resolve() and spec.chinese is False


def test_dpo_refuses_a_malformed_pairs_file_before_loading_a_model(tmp_path: Path, registry_env: Path) -> None:
    from psycollm.errors import DatasetInvalid
    from training import dpo

    bad = tmp_path / "prefs.jsonl"
    bad.write_text(json.dumps({"prompt": [{"role": "user", "content": "Hi"}], "chosen": "yes",
                               "rejected": [{"role": "assistant", "content": "no"}]}) + "\n")
    with pytest.raises(DatasetInvalid, match="line 1: 'chosen'"):
        dpo.build_trainer(*dpo.parse_args(["--recipe", "smollm2-135m-cpu", "--dataset_path", str(bad),
                                           "--model_name_or_path", "no-such-model"]))


def test_orpo_runs_through_the_same_script(smollm2_folder: Path, preferences_file: Path, tmp_path: Path,
                                           registry_env: Path) -> None:
    from training import dpo

    out = tmp_path / "orpo"
    result = dpo.train(*dpo.parse_args([
        "--recipe", "smollm2-135m-cpu", "--algorithm", "orpo", "--dataset_path", str(preferences_file),
        "--max_length", "96", "--output_dir", str(out), "--max_steps", "1", "--register_as", "",
        "--merge_lora", "false"]))
    assert result.metrics["algorithm"] == "orpo" and result.metrics["global_step"] == 1
    assert result.model_dir is None and (out / "adapter" / "adapter_config.json").exists()


def test_gguf_export_serves_through_llama_cpp(smollm2_folder: Path, tmp_path: Path, registry_env: Path) -> None:
    from psycollm.backends import GenerationParams, make_backend
    from training import export

    settings = _load_settings()
    converter, why = export.find_gguf_converter(settings)
    if converter is None:
        pytest.skip(f"GGUF export: {why}")
    model_dir = tmp_path / "model"
    model_dir.mkdir()
    for file in smollm2_folder.iterdir():  # the converted embedded model, linked rather than copied
        (model_dir / file.name).symlink_to(file)
    gguf = export.export_gguf(model_dir, converter, "f16")
    assert gguf == model_dir / "model.f16.gguf" and gguf.stat().st_size > 100_000_000
    export.register(settings, "test-gguf", model_dir, base="smollm2-135m")
    settings.backend.kind, settings.backend.model = "llamacpp", "test-gguf"
    backend = make_backend(settings)
    try:
        reply = backend.generate_batch([[{"role": "user", "content": "Say hello."}]],
                                       GenerationParams(max_new_tokens=8, temperature=0.0))[0]
        assert reply.strip()
    finally:
        backend.close()
