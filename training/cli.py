"""`psycollm train`: fine-tune from a recipe, export, list recipes.

    psycollm train recipes                                        # the recipes in training/recipes/
    psycollm train sft --recipe smollm2-135m-cpu --dataset_path data/sft --learning_rate 1e-5
    psycollm train dpo --recipe smollm2-135m-cpu --dataset_path prefs.jsonl
    psycollm train sft --recipe psycollm-qwen1.5-14b-full --launch zero3 --dataset_path data/sft
    psycollm train export --adapter runs/x/adapter --output runs/x/model --register my-model [--gguf]
    psycollm train get-gguf-converter                             # llama.cpp's converter, for --gguf

``sft``/``dpo`` take every field of their dataclasses as a flag (``psycollm train sft --help``).
``--launch CONFIG`` runs the same command under ``accelerate launch --config_file
training/accelerate_configs/CONFIG.yaml`` (multi-GPU, DeepSpeed); without it, one process runs here.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from psycollm.config import load_settings
from psycollm.errors import ConfigError

ACCELERATE_CONFIGS = Path(__file__).resolve().parent / "accelerate_configs"
COMMANDS = {
    "sft": "Supervised fine-tuning (TRL SFTTrainer) from a recipe.",
    "dpo": "Preference tuning (TRL DPOTrainer) on pairs from `psycollm export preferences`.",
    "export": "Merge a LoRA adapter, register a model by name, write a GGUF.",
    "recipes": "List the shipped recipes.",
    "get-gguf-converter": "Put llama.cpp's convert_hf_to_gguf.py into the user cache (from PyPI's sdist).",
}


def _usage() -> str:
    width = max(len(n) for n in COMMANDS)
    lines = ["usage: psycollm train <command> [options]   (psycollm train <command> --help)", "", "commands:"]
    lines += [f"  {n:<{width}}  {h}" for n, h in COMMANDS.items()]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        print(_usage())
        return 0
    command, rest = argv[0], argv[1:]
    if command in ("sft", "dpo"):
        return train_main(command, rest)
    if command == "export":
        return export_main(rest)
    if command == "recipes":
        return recipes_main(rest)
    if command == "get-gguf-converter":
        return converter_main(rest)
    print(f"psycollm train: unknown command '{command}'.\n\n{_usage()}", file=sys.stderr)
    return 2


# ---------------------------------------------------------------------------------------------------
# sft / dpo


def resolve_accelerate_config(name_or_path: str) -> Path:
    path = Path(name_or_path).expanduser()
    if path.is_file():
        return path
    candidate = ACCELERATE_CONFIGS / f"{name_or_path}.yaml"
    if candidate.is_file():
        return candidate
    known = ", ".join(p.stem for p in sorted(ACCELERATE_CONFIGS.glob("*.yaml")))
    raise ConfigError(f"No accelerate config '{name_or_path}'. Known: {known} (or give a YAML path).")


def launch_command(algorithm: str, config: Path, rest: list[str], num_processes: int | None = None) -> list[str]:
    """The `accelerate launch` command line that runs training.<algorithm> with ``rest``."""
    cmd = [sys.executable, "-m", "accelerate.commands.launch", "--config_file", str(config)]
    if num_processes:
        cmd += ["--num_processes", str(num_processes)]
    return cmd + ["-m", f"training.{algorithm}", *rest]


def train_main(algorithm: str, argv: list[str]) -> int:
    launcher = argparse.ArgumentParser(add_help=False)
    launcher.add_argument("--launch", metavar="CONFIG")
    launcher.add_argument("--num-processes", type=int)
    launcher.add_argument("--print-command", action="store_true")
    opts, rest = launcher.parse_known_args(argv)
    if opts.launch:
        cmd = launch_command(algorithm, resolve_accelerate_config(opts.launch), rest, opts.num_processes)
        if opts.print_command:
            print(" ".join(cmd))
            return 0
        # Run from the repository root so `-m training.<algorithm>` resolves in every process.
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(
            p for p in (str(Path(__file__).resolve().parent.parent), os.environ.get("PYTHONPATH", "")) if p)}
        return subprocess.call(cmd, env=env)
    if opts.print_command or opts.num_processes:
        raise ConfigError("--print-command and --num-processes go with --launch CONFIG.")
    if algorithm == "sft":
        from training.sft import main as run
    else:
        from training.dpo import main as run
    return run(rest)


# ---------------------------------------------------------------------------------------------------
# export, recipes, converter


def export_main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="psycollm train export",
        description="Turn a training result into a model the app serves: merge a LoRA adapter into its base "
        "(--adapter), and/or register a model folder by name (--register) and write a GGUF (--gguf).")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--adapter", help="LoRA adapter folder (<output_dir>/adapter) to merge.")
    source.add_argument("--model", help="A full model folder (<output_dir>/model) to register / convert as is.")
    parser.add_argument("--base", help="Base model of the adapter: registry name, folder or hub id "
                        "(default: the one recorded in the adapter).")
    parser.add_argument("--output", help="Where the merged model goes (with --adapter; default: <adapter>/../model).")
    parser.add_argument("--dtype", default="auto", help="Weights dtype of the merged model (auto, float32, bfloat16).")
    parser.add_argument("--register", metavar="NAME", help="Register the model under NAME (app.py --model NAME).")
    parser.add_argument("--gguf", action="store_true", help="Also write model.<outtype>.gguf in the model folder.")
    parser.add_argument("--gguf-outtype", default="f16", help="GGUF weights: f32, f16, bf16, q8_0.")
    parser.add_argument("--llama-cpp-dir", default="", help="Folder with llama.cpp's convert_hf_to_gguf.py.")
    parser.add_argument("--settings", help="psycollm TOML settings file (model registry location).")
    args = parser.parse_args(argv)
    settings = load_settings(args.settings)

    from psycollm.models import hf_source
    from training import export

    if args.adapter:
        adapter = Path(args.adapter)
        output = Path(args.output) if args.output else adapter.resolve().parent / "model"
        base = hf_source(args.base, settings) if args.base else None
        model_dir = export.merge_adapter(adapter, output, base=base, dtype=args.dtype)
        print(f"merged: {model_dir}")
    else:
        model_dir = Path(args.model)
        if not (model_dir / "config.json").exists():
            raise ConfigError(f"{model_dir} is not a model folder (no config.json).")
    if args.gguf:
        converter, why = export.find_gguf_converter(settings, args.llama_cpp_dir)
        if converter is None:
            print(f"gguf: skipped: {why}")
        else:
            print(f"gguf: {export.export_gguf(model_dir, converter, args.gguf_outtype)}")
    if args.register:
        registry = export.register(settings, args.register, model_dir, base=args.base or "")
        print(f"registered '{args.register}' in {registry}: app.py --backend transformers --model {args.register}")
    return 0


def recipes_main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="psycollm train recipes", description="List the shipped recipes.")
    parser.parse_args(argv)
    from training.script_config import list_recipes, recipe_summary

    recipes = list_recipes()
    width = max(len(n) for n in recipes)
    for name, path in recipes.items():
        kind = "dpo" if name.endswith("-dpo") else "sft"
        print(f"{name:<{width}}  {kind}  {recipe_summary(path)}")
    return 0


def converter_main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="psycollm train get-gguf-converter",
                                     description="Download the llama-cpp-python source package (pip) and keep "
                                     "llama.cpp's GGUF converter from it in the user cache.")
    parser.add_argument("--version", default="", help="llama-cpp-python version (default: the installed one).")
    parser.add_argument("--settings", help="psycollm TOML settings file (cache location).")
    args = parser.parse_args(argv)
    from training.export import fetch_gguf_converter

    print(f"converter: {fetch_gguf_converter(load_settings(args.settings), args.version)}")
    return 0
