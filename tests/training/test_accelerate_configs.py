"""The accelerate/DeepSpeed configs, checked by the parsers that will read them on a cluster.

Each YAML goes through `accelerate launch`'s own validation, the environment it hands to the
training processes, accelerate's DeepSpeedPlugin, transformers' Trainer-side filling of "auto"
values from a real recipe, and finally DeepSpeed's config parser. No GPU is needed; world size is 1
here, so the batch arithmetic is checked per process.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from training.cli import ACCELERATE_CONFIGS

CONFIGS = sorted(p.stem for p in ACCELERATE_CONFIGS.glob("*.yaml"))


def deepspeed_config_for(name: str, recipe_flags: list[str], monkeypatch: pytest.MonkeyPatch) -> tuple[dict, object]:
    from accelerate.commands.launch import _validate_launch_command, launch_command_parser
    from accelerate.utils import DeepSpeedPlugin
    from accelerate.utils.launch import prepare_deepspeed_cmd_env
    from transformers.integrations.deepspeed import HfTrainerDeepSpeedConfig

    from training import sft

    args = launch_command_parser().parse_args(["--config_file", str(ACCELERATE_CONFIGS / f"{name}.yaml"),
                                               "-m", "training.sft"])
    args, defaults, mp_from_config = _validate_launch_command(args)
    assert args.use_deepspeed, f"{name} does not select DeepSpeed"
    # What `accelerate launch` does before handing over to the DeepSpeed launcher.
    fields = list(defaults.deepspeed_config) + (["mixed_precision"] if mp_from_config else [])
    args.deepspeed_fields_from_accelerate_config = ",".join(fields)
    _, env = prepare_deepspeed_cmd_env(args)
    for key, value in env.items():
        if key.startswith("ACCELERATE_"):
            monkeypatch.setenv(key, value)
    plugin = DeepSpeedPlugin()
    plugin.set_mixed_precision(env.get("ACCELERATE_MIXED_PRECISION", "no"))
    _, training_args, _ = sft.parse_args(recipe_flags)
    hf_config = HfTrainerDeepSpeedConfig(plugin.deepspeed_config)
    hf_config.trainer_config_process(training_args)
    return json.loads(json.dumps(hf_config.config)), args


def test_the_issue_configs_ship() -> None:
    assert {"zero2", "zero3", "zero3_multinode"} <= set(CONFIGS)


@pytest.mark.parametrize("name", CONFIGS)
def test_config_parses_all_the_way_to_deepspeed(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from deepspeed.runtime.config import DeepSpeedConfig

    recipe = ["--recipe", "psycollm-qwen1.5-14b-full", "--use_cpu", "true"]
    if name.startswith("cpu"):
        recipe = ["--recipe", "smollm2-135m-cpu"]
    config, launch_args = deepspeed_config_for(name, recipe, monkeypatch)
    ds = DeepSpeedConfig(config)
    stage = 2 if "zero2" in name else 3
    assert ds.zero_optimization_stage == stage
    if stage == 3:
        # Without it <output_dir>/model would hold only this rank's shard.
        assert ds.zero_config.gather_16bit_weights_on_model_save
    if name.startswith("cpu"):
        assert launch_args.num_processes == 1 and not ds.bfloat16_config.enabled
    else:
        assert ds.bfloat16_config.enabled, "the GPU recipes train in bf16"
        assert launch_args.num_processes == 8 * launch_args.num_machines
        # per-process batch arithmetic from the recipe: 1 sequence x 16 accumulation steps
        assert (ds.train_micro_batch_size_per_gpu, ds.gradient_accumulation_steps) == (1, 16)
    if "offload" in name:
        assert ds.zero_config.offload_optimizer.device == "cpu"


def test_multinode_config_takes_the_rank_from_the_command_line() -> None:
    from accelerate.commands.launch import _validate_launch_command, launch_command_parser

    args = launch_command_parser().parse_args([
        "--config_file", str(ACCELERATE_CONFIGS / "zero3_multinode.yaml"), "--machine_rank", "1",
        "--main_process_ip", "10.1.2.3", "-m", "training.sft"])
    args, _, _ = _validate_launch_command(args)
    assert (args.num_machines, args.num_processes, args.machine_rank, args.main_process_ip) == (2, 16, 1, "10.1.2.3")


def test_configs_are_documented() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "training.md")
    text = doc.read_text(encoding="utf-8") if doc.exists() else ""
    for name in ("zero3.yaml", "zero3_multinode.yaml", "--machine_rank"):
        assert name in text, f"docs/training.md does not explain {name}"
    assert os.path.exists(ACCELERATE_CONFIGS / "zero2.yaml")
