"""Supervised fine-tuning with TRL's SFTTrainer: full, LoRA or QLoRA, on one CPU or many GPUs.

Run as (the same script everywhere; only the launcher changes):

    psycollm train sft --recipe smollm2-135m-cpu                       # CPU, minutes
    psycollm train sft --recipe smollm2-135m-cpu --learning_rate 1e-5 --max_steps 20
    accelerate launch --config_file training/accelerate_configs/zero3.yaml \\
        -m training.sft --recipe psycollm-qwen1.5-14b-full              # 8 GPUs, DeepSpeed ZeRO-3

The data is the ``messages`` data set of ``psycollm data build`` (or a JSONL file of
``{"messages": [...]}``). The loss is on assistant turns only (``assistant_only_loss``), through a
chat template with ``{% generation %}`` markers (see ``training/assistant_mask.py``). Results go to
``<output_dir>``: ``model/`` (full weights; LoRA merged), ``adapter/`` (LoRA only) and ``report/``
(loss and learning-rate curves, metrics, the exact config, package versions); with
``register_as`` the model is registered so ``app.py --model NAME`` serves it.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence
from typing import Any

from psycollm.errors import PsycollmError
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


def make_parser(prog: str = "psycollm train sft") -> Any:
    from trl import ModelConfig, SFTConfig, TrlParser

    from training.sft_config import SFTScriptArguments

    return TrlParser((SFTScriptArguments, SFTConfig, ModelConfig), prog=prog,
                     description="Supervised fine-tuning (TRL SFTTrainer). A recipe (--recipe NAME or --config "
                     "PATH) sets the fields below; flags override it.")


def parse_args(argv: Sequence[str], prog: str = "psycollm train sft") -> tuple[Any, Any, Any]:
    """(script_args, training_args, model_args) from argv with ``--recipe``; ConfigError on bad fields."""
    return parse_recipe_args(make_parser(prog), list(argv), "sft")


# ---------------------------------------------------------------------------------------------------
# SFT


def default_dataset_path(settings: Any) -> str:
    """Where `psycollm data build` publishes the data set with its default recipe, if it is there."""
    from training.data.recipe import DataRecipe

    folder = settings.data_path / "datasets" / DataRecipe().mix.name
    if not folder.is_dir():
        from psycollm.errors import DatasetInvalid

        raise DatasetInvalid(f"No training data: set dataset_path, or build the data set first with "
                             f"`psycollm data build --config training/recipes/data.yaml` (it goes to {folder}).")
    log.info("dataset_path not set: using the data pipeline's output %s", folder)
    return str(folder)


def build_trainer(script_args: Any, training_args: Any, model_args: Any) -> TrainerSetup:
    """The SFTTrainer of a run: data validated, model resolved, training chat template in place."""
    from transformers import AutoTokenizer
    from transformers.trainer_utils import IntervalStrategy
    from trl import SFTTrainer, get_peft_config, get_quantization_config

    from training.assistant_mask import training_chat_template
    from training.report import make_resource_callback
    from training.train_data import load_sft_splits

    settings = load_run_settings(script_args)
    if not script_args.dataset_path:
        script_args.dataset_path = default_dataset_path(settings)
    want_eval = training_args.eval_strategy != IntervalStrategy.NO
    train_ds, eval_ds = load_sft_splits(script_args, training_args.seed, want_eval)
    if eval_ds is None:
        disable_eval(training_args, f"{script_args.dataset_path} has no '{script_args.dataset_test_split}' split "
                     "and eval_fraction is 0")

    source = resolve_model(model_args, settings)
    tokenizer = AutoTokenizer.from_pretrained(source, revision=model_args.model_revision,
                                              trust_remote_code=training_args.trust_remote_code)
    inference_template = tokenizer.chat_template
    if training_args.assistant_only_loss:
        tokenizer.chat_template = training_chat_template(tokenizer, script_args.training_chat_template)

    training_args.model_init_kwargs = model_init_kwargs(training_args, model_args)
    trainer = SFTTrainer(
        model=source,
        args=training_args,
        train_dataset=train_ds,
        eval_dataset=eval_ds,
        processing_class=tokenizer,
        peft_config=get_peft_config(model_args),
        quantization_config=get_quantization_config(model_args),
        callbacks=[make_resource_callback()],
    )
    return TrainerSetup(trainer, settings, source, len(train_ds), len(eval_ds) if eval_ds is not None else 0,
                        inference_template=inference_template)


def train(script_args: Any, training_args: Any, model_args: Any) -> RunResult:
    """One SFT run from the three parsed dataclasses."""
    return run_and_finish(build_trainer(script_args, training_args, model_args), script_args, model_args, "sft")


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
        print(f"training.sft: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(_entry())

