"""What `training.sft` and `training.dpo` share: data, export and registration fields, and recipes.

A run is described by three dataclasses (trl style): TRL's own ``SFTConfig``/``DPOConfig``
(optimizer, schedule, precision, DeepSpeed, ...), TRL's ``ModelConfig`` (model, dtype, LoRA/QLoRA)
and ours (``SFTScriptArguments``/``DPOScriptArguments``, built on ``ScriptArguments`` below). A
recipe is a YAML file whose keys are field names of the three; flags override it:

    psycollm train sft --recipe smollm2-135m-cpu --learning_rate 1e-5
    psycollm train recipes                       # what ships in training/recipes/

Recipes are looked up by name in ``training/recipes/`` (``NAME.yaml`` for SFT, ``NAME-dpo.yaml``
for DPO) or given as a path.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from psycollm.errors import ConfigError

RECIPES_DIR = Path(__file__).resolve().parent / "recipes"
# Files in recipes/ that are not training recipes (the data pipeline's recipe lives there too).
NOT_TRAINING_RECIPES = {"data"}


@dataclass
class ScriptArguments:
    """Data, export and registration: the fields TRL's configs do not have."""

    dataset_path: str = field(default="", metadata={
        "help": "Training data: a folder written by `psycollm data build` (datasets.load_from_disk), a JSONL/JSON "
                "file, or a hub data set id (where a hub is reachable)."})
    dataset_train_split: str = field(default="train", metadata={"help": "Split to train on (data set folders)."})
    dataset_test_split: str = field(default="validation", metadata={
        "help": "Split to evaluate on when eval_strategy is not 'no' (data set folders); missing = no eval "
                "unless eval_fraction is set."})
    eval_fraction: float = field(default=0.0, metadata={
        "help": "Hold out this share of the training examples for evaluation when the data has no eval split."})
    max_train_samples: int | None = field(default=None, metadata={
        "help": "Train on at most this many examples (a seeded random subset); None = all."})
    max_eval_samples: int | None = field(default=None, metadata={"help": "Evaluate on at most this many examples."})
    settings_file: str = field(default="", metadata={
        "help": "psycollm TOML settings (cache and data folders, model registry); '' = PSYCOLLM_CONFIG / defaults."})
    merge_lora: bool = field(default=True, metadata={
        "help": "After LoRA training, merge the adapter into the base and save a full model in <output_dir>/model."})
    register_as: str = field(default="", metadata={
        "help": "Register <output_dir>/model under this name, so `app.py --model NAME` and `psycollm serve "
                "--model NAME` use it ('' = do not register)."})
    export_gguf: bool = field(default=False, metadata={
        "help": "Also write <output_dir>/model/model.<gguf_outtype>.gguf with llama.cpp's converter (skipped, with "
                "the reason in the report, when the converter is absent: `psycollm train get-gguf-converter`)."})
    gguf_outtype: str = field(default="f16", metadata={"help": "GGUF weight type: f32, f16, bf16, q8_0."})
    llama_cpp_dir: str = field(default="", metadata={
        "help": "Folder holding llama.cpp's convert_hf_to_gguf.py ('' = $LLAMA_CPP_DIR, then the user cache)."})
    write_report: bool = field(default=True, metadata={
        "help": "Write <output_dir>/report/: loss and learning-rate PNGs, metrics, the exact config, versions."})


def list_recipes() -> dict[str, Path]:
    """Recipe name -> file, for the recipes shipped in training/recipes/."""
    return {p.stem: p for p in sorted(RECIPES_DIR.glob("*.yaml")) if p.stem not in NOT_TRAINING_RECIPES}


def recipe_summary(path: Path) -> str:
    """The recipe's first comment line (its one-line description)."""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            return line.lstrip("# ").strip()
        if line.strip():
            break
    return ""


def resolve_recipe(name_or_path: str, algorithm: str) -> Path:
    """A recipe file from a name (``smollm2-135m-cpu``) or a path; raises ConfigError listing the known ones."""
    path = Path(name_or_path).expanduser()
    if path.suffix in (".yaml", ".yml") or path.is_file():
        if not path.is_file():
            raise ConfigError(f"Recipe file not found: {path}")
        return path
    recipes = list_recipes()
    candidates = [f"{name_or_path}-dpo", name_or_path] if algorithm == "dpo" else [name_or_path]
    for candidate in candidates:
        if candidate in recipes:
            return recipes[candidate]
    known = ", ".join(n for n in recipes if n.endswith("-dpo") == (algorithm == "dpo"))
    raise ConfigError(f"No {algorithm} recipe named '{name_or_path}'. Known: {known} (or give a YAML path).")


def expand_recipe_flag(argv: list[str], algorithm: str) -> list[str]:
    """Turn ``--recipe NAME`` (or ``--recipe=NAME``, or a ``--config`` with a bare name) into TRL's
    ``--config PATH``."""
    out: list[str] = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg in ("--recipe", "--config"):
            if i + 1 >= len(argv):
                raise ConfigError(f"{arg} needs a recipe name or a YAML path.")
            out += ["--config", str(resolve_recipe(argv[i + 1], algorithm))]
            i += 2
            continue
        if arg.startswith(("--recipe=", "--config=")):
            out += ["--config", str(resolve_recipe(arg.split("=", 1)[1], algorithm))]
        else:
            out.append(arg)
        i += 1
    if out.count("--config") > 1:
        raise ConfigError("Give one recipe (--recipe NAME or --config PATH), not several.")
    return out


def check_recipe_keys(path: str, dataclass_types: tuple[Any, ...]) -> None:
    """Refuse a recipe with keys no dataclass has (a typo would otherwise be silently ignored or fail
    late), suggesting the closest field name."""
    import dataclasses
    import difflib

    import yaml

    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ConfigError(f"Recipe {path} is not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"Recipe {path} must be a YAML mapping of field names to values.")
    known = {f.name for cls in dataclass_types for f in dataclasses.fields(cls)} | {"env"}
    unknown = [k for k in data if k not in known]
    if unknown:
        hints = []
        for key in unknown:
            close = difflib.get_close_matches(str(key), known, n=1)
            hints.append(f"{key}" + (f" (did you mean {close[0]}?)" if close else ""))
        raise ConfigError(f"Recipe {path} has unknown key(s): {', '.join(hints)}. Keys are field names of "
                          f"{', '.join(c.__name__ for c in dataclass_types)}.")


def parse_recipe_args(parser: Any, argv: list[str], algorithm: str) -> tuple[Any, ...]:
    """Parse ``--recipe``/``--config`` plus flag overrides with a TrlParser; ConfigError on bad values."""
    args = expand_recipe_flag(list(argv), algorithm)
    if "--config" in args:
        check_recipe_keys(args[args.index("--config") + 1], tuple(parser.dataclass_types))
    try:
        return tuple(parser.parse_args_and_config(args))
    except ValueError as exc:  # TRL/transformers post-init checks
        message = str(exc)
        if "bf16" in message and "gpu" in message.lower():
            message += (" This recipe is meant for GPUs; here run a CPU recipe (psycollm train recipes) or pass "
                        "--bf16 false.")
        raise ConfigError(message) from None
