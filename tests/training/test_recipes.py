"""Recipes and the `psycollm train` command line: parsing, overrides, lookup, launch commands.

Real TRL parsers (TrlParser over SFTConfig/DPOConfig/ModelConfig and our dataclasses); no model.
GPU recipes are parsed with ``--use_cpu true`` because transformers refuses bf16 on a machine
without a GPU otherwise (that refusal is tested too).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from psycollm.errors import ConfigError
from training import dpo, sft
from training.cli import launch_command, main, resolve_accelerate_config
from training.script_config import RECIPES_DIR, expand_recipe_flag, list_recipes, resolve_recipe

SFT_RECIPES = [n for n in list_recipes() if not n.endswith("-dpo")]
DPO_RECIPES = [n for n in list_recipes() if n.endswith("-dpo")]
GPU = ["--use_cpu", "true"]


def test_the_issue_recipes_ship() -> None:
    assert {"psycollm-qwen1.5-14b-full", "qwen2.5-7b-lora", "smollm2-135m-cpu"} <= set(SFT_RECIPES)
    assert "smollm2-135m-cpu-dpo" in DPO_RECIPES
    assert "data" not in list_recipes()  # the data pipeline's recipe is not a training recipe


@pytest.mark.parametrize("name", SFT_RECIPES)
def test_every_sft_recipe_parses_and_flags_override_it(name: str) -> None:
    script, training, model = sft.parse_args(["--recipe", name, "--learning_rate", "3e-6", "--seed", "7", *GPU])
    assert training.learning_rate == 3e-6 and training.seed == 7
    assert training.assistant_only_loss, "the loss must be on assistant turns only"
    assert model.model_name_or_path and training.output_dir.startswith("runs/")


@pytest.mark.parametrize("name", DPO_RECIPES)
def test_every_dpo_recipe_parses(name: str) -> None:
    script, training, model = dpo.parse_args(["--recipe", name, "--beta", "0.2", *GPU])
    assert training.beta == 0.2
    assert script.pair_sources == ["ab", "rubric"]


def test_recipe_values_reach_the_dataclasses() -> None:
    script, training, model = sft.parse_args(["--recipe", "psycollm-qwen1.5-14b-full", *GPU])
    assert model.model_name_or_path == "Qwen/Qwen1.5-14B-Chat" and model.dtype == "bfloat16"
    assert not model.use_peft and training.bf16 and training.gradient_checkpointing
    assert (training.learning_rate, training.num_train_epochs, training.max_length) == (1e-5, 3, 2048)
    script, training, model = sft.parse_args(["--recipe", "qwen2.5-7b-lora", *GPU])
    assert model.use_peft and model.lora_r == 16 and script.merge_lora
    script, training, model = sft.parse_args(["--recipe", "smollm2-135m-cpu"])
    assert model.model_name_or_path == "smollm2-135m" and not training.bf16 and script.register_as


def test_dpo_finds_the_dpo_variant_of_a_recipe_name() -> None:
    assert resolve_recipe("smollm2-135m-cpu", "dpo").name == "smollm2-135m-cpu-dpo.yaml"
    assert resolve_recipe("smollm2-135m-cpu", "sft").name == "smollm2-135m-cpu.yaml"
    assert resolve_recipe(str(RECIPES_DIR / "qwen2.5-7b-lora.yaml"), "sft").name == "qwen2.5-7b-lora.yaml"


def test_unknown_recipe_lists_the_known_ones() -> None:
    with pytest.raises(ConfigError, match="smollm2-135m-cpu"):
        resolve_recipe("nope", "sft")
    with pytest.raises(ConfigError, match="not found"):
        resolve_recipe("missing.yaml", "sft")


def test_recipe_flag_forms() -> None:
    path = str(RECIPES_DIR / "smollm2-135m-cpu.yaml")
    assert expand_recipe_flag(["--recipe", "smollm2-135m-cpu", "--seed", "1"], "sft") == ["--config", path, "--seed", "1"]
    assert expand_recipe_flag(["--recipe=smollm2-135m-cpu"], "sft") == ["--config", path]
    assert expand_recipe_flag(["--config", path], "sft") == ["--config", path]
    with pytest.raises(ConfigError, match="one recipe"):
        expand_recipe_flag(["--recipe", "smollm2-135m-cpu", "--config", path], "sft")


def test_unknown_recipe_key_is_a_config_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("model_name_or_path: smollm2-135m\nlearning_rat: 1e-5\n")
    with pytest.raises(ConfigError, match="learning_rat"):
        sft.parse_args(["--config", str(bad)])


def test_an_sft_recipe_is_refused_by_dpo(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="assistant_only_loss|training_chat_template"):
        dpo.parse_args(["--config", str(RECIPES_DIR / "smollm2-135m-cpu.yaml")])


def test_gpu_recipe_on_cpu_says_what_to_do() -> None:
    with pytest.raises(ConfigError, match="CPU recipe"):
        sft.parse_args(["--recipe", "psycollm-qwen1.5-14b-full"])


def test_launch_command_wraps_the_same_script() -> None:
    config = resolve_accelerate_config("zero3")
    cmd = launch_command("sft", config, ["--recipe", "psycollm-qwen1.5-14b-full"], num_processes=4)
    assert cmd[1:3] == ["-m", "accelerate.commands.launch"]
    assert cmd[cmd.index("--config_file") + 1] == str(config)
    assert cmd[cmd.index("--num_processes") + 1] == "4"
    assert cmd[-4:] == ["-m", "training.sft", "--recipe", "psycollm-qwen1.5-14b-full"]
    with pytest.raises(ConfigError, match="zero3"):
        resolve_accelerate_config("zero9")


def test_train_cli_lists_recipes_and_prints_launch(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["recipes"]) == 0
    out = capsys.readouterr().out
    assert "smollm2-135m-cpu " in out and "psycollm-qwen1.5-14b-full" in out
    assert main(["sft", "--recipe", "smollm2-135m-cpu", "--launch", "cpu_zero3", "--print-command"]) == 0
    assert "accelerate.commands.launch" in capsys.readouterr().out
    assert main(["bogus"]) == 2


def test_psycollm_train_help_is_instant_and_lists_commands() -> None:
    proc = subprocess.run([sys.executable, "-m", "psycollm.cli", "train", "--help"], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0
    assert "sft" in proc.stdout and "dpo" in proc.stdout and "export" in proc.stdout
    # `train --help` must not pay for torch/trl (heavy imports live inside the commands).
    probe = ("import sys, training.cli, training.script_config, training.train_data; "
             "print(any(m in sys.modules for m in ('torch', 'trl', 'deepspeed', 'peft')))")
    assert subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True).stdout.strip() == "False"


@pytest.mark.parametrize("module", [sft, dpo])
def test_help_lists_every_field(module) -> None:
    """--help renders (a stray % in a help text breaks argparse) and shows our fields next to TRL's."""
    text = module.make_parser().format_help()
    for name in ("--dataset_path", "--register_as", "--export_gguf", "--learning_rate", "--use_peft"):
        assert name in text
