"""`psycollm data`: build the training data set, stage by stage or end to end.

    psycollm data build --config training/recipes/data.yaml --limit 20     # all four stages, quick run
    psycollm data single|multi|knowledge|mix --config training/recipes/data.yaml
    psycollm data build --config training/recipes/data.yaml --backend openai \\
        --base-url http://gpu-node:8000/v1 --model Qwen/Qwen2.5-72B-Instruct --set backend.max_concurrency=64
    psycollm data fields                                                    # every recipe key with its help
    psycollm data templates                                                 # prompt templates and versions

``--config`` is the data recipe (YAML, keys = `training.data.recipe.DataRecipe` fields);
``--settings`` is a psycollm settings file (TOML). Re-running a command resumes: finished shards are
skipped and every LLM call already made comes from the cache.
"""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import sys
from typing import Any

from psycollm.config import add_settings_arguments, load_settings

STAGE_COMMANDS = {
    "single": ("single_turn",), "single_turn": ("single_turn",),
    "multi": ("multi_turn",), "multi_turn": ("multi_turn",),
    "knowledge": ("knowledge",),
    "mix": ("mix",), "publish": ("mix",),
    "build": ("single_turn", "multi_turn", "knowledge", "mix"),
}


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="psycollm data", conflict_handler="resolve",
        description="Build the SFT data set: single-turn QA, three-step multi-turn dialogues, knowledge QA, "
                    "then mix and publish a Hugging Face DatasetDict with its card.")
    parser.add_argument("command", choices=[*STAGE_COMMANDS, "fields", "templates"],
                        help="build = every stage in order; single, multi, knowledge, mix = one stage; "
                             "fields = the recipe keys; templates = the prompt templates.")
    add_settings_arguments(parser)
    # --config is the data recipe here (as in `psycollm train`); the settings file moves to --settings.
    parser.add_argument("--config", metavar="RECIPE.yaml", help="Data recipe (YAML), e.g. training/recipes/data.yaml.")
    parser.add_argument("--settings", metavar="FILE", help="psycollm settings file (TOML).")
    parser.add_argument("--limit", type=int, help="At most N input items per source and stage (quick runs).")
    parser.add_argument("--seed", type=int, help="Seed of every choice and of sampling.")
    parser.add_argument("--output", help="Folder of the published DatasetDict.")
    parser.add_argument("--work-dir", help="Folder of stage outputs and the LLM cache.")
    parser.add_argument("--override", action="append", default=[], metavar="KEY=VALUE",
                        help="Any recipe field, e.g. --override multi_turn.support_threshold=0.9 (repeatable).")
    parser.add_argument("--fresh", action="store_true",
                        help="Discard the selected stages' finished shards first (the LLM cache is kept).")
    parser.add_argument("--no-progress", action="store_true", help="No progress bars.")
    return parser


def settings_for(args: argparse.Namespace, recipe_settings: dict[str, Any]) -> Any:
    """defaults < settings file < env < the recipe's ``settings`` < command-line settings flags."""
    overrides: dict[str, Any] = {}
    for key, value in recipe_settings.items():  # dotted keys, or nested sections {backend: {kind: ...}}
        if isinstance(value, dict):
            overrides.update({f"{key}.{k}": v for k, v in value.items()})
        else:
            overrides[key] = value
    for key, value in vars(args).items():
        if key.startswith("setting__") and value is not None:
            overrides[key[len("setting__"):].replace("__", ".")] = value
    for item in args.set_values or []:
        key, sep, value = item.partition("=")
        if not sep:
            from psycollm.errors import ConfigError

            raise ConfigError(f"--set expects SECTION.FIELD=VALUE, got {item!r}")
        overrides[key.strip()] = value
    return load_settings(args.settings, overrides)


def main(argv: list[str]) -> int:
    args = make_parser().parse_args(argv)
    from training.data.recipe import check_recipe, describe, load_recipe

    if args.command == "fields":
        for key, default, help_text in describe():
            print(f"{key} = {json.dumps(default, ensure_ascii=False)}\n    {help_text}")
        return 0
    if args.command == "templates":
        from training.data.templates import all_templates

        for t in all_templates():
            print(f"{t.name:<16} {t.lang}  version {t.version:<4} sha {t.sha}  {t.description}")
        return 0

    recipe = load_recipe(args.config, args.override)
    # The shortcuts are typed already: set them directly (a path is never re-parsed as YAML).
    for key in ("limit", "seed", "output", "work_dir"):
        if getattr(args, key) is not None:
            setattr(recipe, key, getattr(args, key))
    if args.no_progress:
        recipe.progress = False
    check_recipe(recipe)
    settings = settings_for(args, recipe.settings)
    from psycollm.cli import setup_logging

    setup_logging(settings.log_level)
    from training.data.pipeline import Context, build

    ctx = Context(recipe, settings)
    stages = STAGE_COMMANDS[args.command]
    if args.fresh:
        for stage in stages:
            if stage != "mix":
                shutil.rmtree(ctx.work_dir / stage, ignore_errors=True)
    try:
        out = build(ctx, stages)
    finally:
        ctx.close()
    print(summary(ctx, out), file=sys.stdout)
    return 0


def summary(ctx: Any, out: Any) -> str:
    from training.data.shards import read_stage

    lines = [f"work dir: {ctx.work_dir}"]
    for stage in ("single_turn", "multi_turn", "knowledge"):
        records, stats = read_stage(ctx.work_dir, stage)
        if not stats or not stats.get("enabled", True):
            continue
        dropped = stats.get("dropped", {})
        llm = stats.get("llm", {})
        lines.append(f"{stage:<12} kept {len(records):>6}   dropped {sum(dropped.values()):>6} "
                     f"{json.dumps(dropped, ensure_ascii=False)}"
                     + (f"   llm calls {llm.get('calls', 0)} (cached {llm.get('cache_hits', 0)}, "
                        f"backend {llm.get('backend_calls', 0)})" if llm else ""))
    if out is not None:
        stats = json.loads((out / "stats.json").read_text(encoding="utf-8"))
        lines.append(f"published {out}: {stats['records']} (duplicates removed {stats['duplicates']['total']})")
    return "\n".join(lines)


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    raise SystemExit(main(sys.argv[1:]))
