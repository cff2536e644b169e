"""What every training run does around the trainer: settings, model, and what happens after.

``training.sft`` and ``training.dpo`` build their trainer; everything before it (settings, the
model named by registry name, folder or hub id, model loading kwargs) and after it (saving on every
rank, LoRA merge, GGUF, registration, the report, on the main rank) lives here, once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from psycollm.errors import ConfigError, PsycollmError

log = logging.getLogger(__name__)


@dataclass
class RunResult:
    """Where a run put things, and its final metrics."""

    output_dir: Path
    model_dir: Path | None
    adapter_dir: Path | None = None
    gguf: Path | None = None
    registered_as: str = ""
    metrics: dict[str, Any] = field(default_factory=dict)


@dataclass
class TrainerSetup:
    """A trainer ready to run, with what the steps after training need."""

    trainer: Any
    settings: Any
    source: str  # what from_pretrained loaded the base from
    n_train: int
    n_eval: int
    inference_template: str | None = None  # restored on the tokenizer before saving


def load_run_settings(script_args: Any) -> Any:
    from psycollm.config import load_settings

    return load_settings(script_args.settings_file or None)


def resolve_model(model_args: Any, settings: Any) -> str:
    """A registry name (``smollm2-135m``, a registered fine-tune), a folder, or a hub id -> what
    from_pretrained loads."""
    from psycollm.models import hf_source

    if not model_args.model_name_or_path:
        raise ConfigError("No model: set model_name_or_path (a registry name such as smollm2-135m, a folder, "
                          "or a hub id).")
    return hf_source(model_args.model_name_or_path, settings)


def model_init_kwargs(training_args: Any, model_args: Any) -> dict[str, Any]:
    kwargs = dict(revision=model_args.model_revision, trust_remote_code=training_args.trust_remote_code,
                  attn_implementation=model_args.attn_implementation, dtype=model_args.dtype)
    if training_args.model_init_kwargs:
        kwargs.update(training_args.model_init_kwargs)
    if model_args.load_in_4bit or model_args.load_in_8bit:
        from trl import get_kbit_device_map

        kwargs["device_map"] = get_kbit_device_map()
    return kwargs


def disable_eval(training_args: Any, reason: str) -> None:
    from transformers.trainer_utils import IntervalStrategy

    if training_args.eval_strategy != IntervalStrategy.NO:
        log.warning("evaluation turned off: %s", reason)
    training_args.eval_strategy = IntervalStrategy.NO
    training_args.do_eval = False
    training_args.eval_on_start = False
    training_args.load_best_model_at_end = False


def run_and_finish(setup: TrainerSetup, script_args: Any, model_args: Any, kind: str) -> RunResult:
    """Train, then save (every rank: ZeRO-3 gathers weights), merge, GGUF, register and report (main rank)."""
    trainer = setup.trainer
    trainer.train(resume_from_checkpoint=trainer.args.resume_from_checkpoint)
    if setup.inference_template is not None:
        # A generation-marker template served training only; the model keeps the one it shipped with.
        trainer.processing_class.chat_template = setup.inference_template
    result = finish_run(trainer, script_args, trainer.args, model_args, setup.settings, setup.source, kind,
                        setup.n_train, setup.n_eval)
    trainer.accelerator.end_training()
    return result


def finish_run(trainer: Any, script_args: Any, training_args: Any, model_args: Any, settings: Any,
               base_source: str, kind: str, n_train: int, n_eval: int) -> RunResult:
    """Save (every rank: ZeRO-3 gathers weights), then merge, report, GGUF and register (main rank)."""
    from training import export
    from training.report import peak_rss_mb, write_report

    out = Path(training_args.output_dir)
    is_lora = bool(model_args.use_peft)
    adapter_dir = out / "adapter" if is_lora else None
    model_dir: Path | None = out / "model"
    trainer.save_model(str(adapter_dir if is_lora else model_dir))
    result = RunResult(output_dir=out, model_dir=None, adapter_dir=adapter_dir)
    if not trainer.accelerator.is_main_process:
        trainer.accelerator.wait_for_everyone()
        return result
    accelerator = trainer.accelerator
    notes: dict[str, Any] = {"algorithm": kind, "train_examples": n_train, "eval_examples": n_eval,
                             "base_model": model_args.model_name_or_path, "base_source": base_source,
                             "lora": is_lora, "distributed": str(accelerator.distributed_type.value),
                             "num_processes": accelerator.num_processes, "device": str(accelerator.device),
                             "peak_rss_mb_final": round(peak_rss_mb(), 1)}
    ds_plugin = getattr(accelerator.state, "deepspeed_plugin", None)
    if ds_plugin is not None:
        notes["deepspeed_zero_stage"] = ds_plugin.zero_stage
    if is_lora:
        if script_args.merge_lora:
            export.merge_adapter(adapter_dir, model_dir, base=base_source, dtype=model_args.dtype or "auto")
        else:
            model_dir = None
            notes["merged"] = "no (merge_lora: false)"
    result.model_dir = model_dir
    if script_args.export_gguf and model_dir is not None:
        converter, why = export.find_gguf_converter(settings, script_args.llama_cpp_dir)
        if converter is None:
            notes["gguf"] = f"skipped: {why}"
            log.warning("GGUF export skipped: %s", why)
        else:
            try:
                result.gguf = export.export_gguf(model_dir, converter, script_args.gguf_outtype)
                notes["gguf"] = str(result.gguf)
            except PsycollmError as exc:
                notes["gguf"] = f"failed: {exc}"
                log.error("GGUF export failed: %s", exc)
    if script_args.register_as and model_dir is not None:
        export.register(settings, script_args.register_as, model_dir, base=model_args.model_name_or_path)
        result.registered_as = script_args.register_as
        notes["registered_as"] = script_args.register_as
    if script_args.write_report:
        result.metrics = write_report(out / "report", trainer.state.log_history,
                                      {"script": script_args, "training": training_args, "model": model_args},
                                      extra=notes, title=f"{kind.upper()} run: {out.name}")
    else:
        from training.report import summarize

        result.metrics = {**summarize(trainer.state.log_history), **notes}
    trainer.accelerator.wait_for_everyone()
    return result


def print_result(result: RunResult) -> None:
    m = result.metrics
    lines = [f"output: {result.output_dir}"]
    if result.model_dir:
        lines.append(f"model: {result.model_dir}")
    if result.adapter_dir:
        lines.append(f"adapter: {result.adapter_dir}")
    if result.gguf:
        lines.append(f"gguf: {result.gguf}")
    elif "gguf" in m:
        lines.append(f"gguf: {m['gguf']}")
    if result.registered_as:
        lines.append(f"registered as: {result.registered_as}  (app.py --backend transformers --model "
                     f"{result.registered_as})")
    shown = ("global_step", "train_loss_first", "train_loss_last", "eval_loss_first", "eval_loss_last",
             "s_per_step_steady", "cpu_s_per_step_steady", "peak_rss_mb", "rewards_accuracies_last",
             "rewards_margins_last")
    lines += [f"{k}: {m[k]}" for k in shown if k in m]
    if (result.output_dir / "report" / "README.md").exists():
        lines.append(f"report: {result.output_dir / 'report' / 'README.md'}")
    print("\n".join(lines))
