"""From a training run to a model the app serves: merge LoRA, register by name, optional GGUF.

    psycollm train export --adapter runs/x/adapter --output runs/x/model --register my-model
    psycollm train export --model runs/x/model --register my-model --gguf
    psycollm train get-gguf-converter      # llama.cpp's convert_hf_to_gguf.py into the user cache

A merged model is a plain transformers folder (safetensors, tokenizer, the model's own chat
template), so ``app.py --backend transformers --model NAME``, ``psycollm serve --model NAME``
(vLLM) and any Hugging Face tool load it. With a GGUF next to the weights the llama.cpp backend
(``--backend llamacpp --model NAME``) uses it too. Every folder is written to a temp directory and
renamed into place, so an interrupted export never leaves a half-written model behind.
"""

from __future__ import annotations

import importlib.metadata
import logging
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from psycollm.config import Settings
from psycollm.errors import ConfigError, ModelNotFound

log = logging.getLogger(__name__)

CONVERTER = "convert_hf_to_gguf.py"
GGUF_OUTTYPES = ("f32", "f16", "bf16", "q8_0")


def _replace_dir(tmp: Path, target: Path) -> None:
    if target.exists():
        shutil.rmtree(target)
    os.replace(tmp, target)


def merge_adapter(adapter_dir: str | os.PathLike[str], output_dir: str | os.PathLike[str],
                  base: str | None = None, dtype: str = "auto") -> Path:
    """Merge a LoRA adapter into its base model and save a full model folder (safetensors + tokenizer)."""
    import torch
    from peft import PeftConfig, PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer

    adapter = Path(adapter_dir)
    if not (adapter / "adapter_config.json").exists():
        raise ModelNotFound(f"{adapter} is not a LoRA adapter folder (no adapter_config.json).")
    base = base or PeftConfig.from_pretrained(str(adapter)).base_model_name_or_path
    torch_dtype = dtype if dtype == "auto" else getattr(torch, dtype)
    model = AutoModelForCausalLM.from_pretrained(base, dtype=torch_dtype)
    model = PeftModel.from_pretrained(model, str(adapter)).merge_and_unload()
    tokenizer_source = adapter if (adapter / "tokenizer_config.json").exists() else Path(base)
    tokenizer = AutoTokenizer.from_pretrained(str(tokenizer_source))
    out = Path(output_dir)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        model.save_pretrained(tmp)
        tokenizer.save_pretrained(tmp)
        _replace_dir(tmp, out)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    log.info("merged %s into %s -> %s", adapter, base, out)
    return out


# ---------------------------------------------------------------------------------------------------
# GGUF


def converter_dir(settings: Settings) -> Path:
    return settings.cache_path / "llama.cpp"


def find_gguf_converter(settings: Settings, llama_cpp_dir: str = "") -> tuple[Path | None, str]:
    """(path to convert_hf_to_gguf.py, "") or (None, why it is not available)."""
    candidates = [Path(p).expanduser() for p in (llama_cpp_dir, os.environ.get("LLAMA_CPP_DIR", "")) if p]
    candidates.append(converter_dir(settings))
    for folder in candidates:
        script = folder / CONVERTER
        if script.is_file():
            return script, ""
    on_path = shutil.which(CONVERTER)
    if on_path:
        return Path(on_path), ""
    looked = ", ".join(str(c) for c in candidates)
    return None, (f"llama.cpp's {CONVERTER} was not found (looked in {looked} and on PATH); "
                  "run `psycollm train get-gguf-converter` or set LLAMA_CPP_DIR to a llama.cpp checkout")


def export_gguf(model_dir: str | os.PathLike[str], converter: Path, outtype: str = "f16",
                outfile: str | os.PathLike[str] | None = None) -> Path:
    """Convert a transformers folder to GGUF with llama.cpp's own converter (run as a subprocess)."""
    if outtype not in GGUF_OUTTYPES:
        raise ConfigError(f"gguf_outtype '{outtype}' is not one of {', '.join(GGUF_OUTTYPES)}.")
    model = Path(model_dir)
    target = Path(outfile) if outfile else model / f"model.{outtype}.gguf"
    tmp = target.with_name(f".{target.name}.tmp")
    cmd = [sys.executable, str(converter), str(model), "--outfile", str(tmp), "--outtype", outtype]
    log.info("GGUF: %s", " ".join(cmd))
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0 or not tmp.exists():
        tmp.unlink(missing_ok=True)
        tail = "\n".join((proc.stderr or proc.stdout).strip().splitlines()[-15:])
        raise ConfigError(f"llama.cpp's converter failed on {model} (exit {proc.returncode}):\n{tail}")
    os.replace(tmp, target)
    return target


def fetch_gguf_converter(settings: Settings, version: str = "") -> Path:
    """Put llama.cpp's converter into the user cache, from the llama-cpp-python source package on PyPI.

    The converter is a script of the llama.cpp repository, not an installable package; the
    llama-cpp-python sdist vendors the same llama.cpp the app's backend runs, so taking it from there
    (with pip, the registry's ordinary client) keeps the GGUF format and the runtime in step.
    """
    if not version:
        try:
            version = importlib.metadata.version("llama-cpp-python")
        except importlib.metadata.PackageNotFoundError:
            version = ""
    spec = f"llama-cpp-python=={version}" if version else "llama-cpp-python"
    target = converter_dir(settings)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="llama-cpp-sdist-") as tmp:
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:", "--dest", tmp, spec]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            raise ConfigError(f"Could not download the {spec} source package: {proc.stderr.strip()[-500:]}")
        archive = next(Path(tmp).glob("*.tar.gz"), None)
        if archive is None:
            raise ConfigError(f"pip downloaded no source archive of {spec}.")
        staging = Path(tempfile.mkdtemp(prefix=".llama.cpp-", dir=target.parent))
        try:
            with tarfile.open(archive) as tar:
                wanted = ("vendor/llama.cpp/" + CONVERTER, "vendor/llama.cpp/conversion/", "vendor/llama.cpp/gguf-py/")
                members = []
                for member in tar.getmembers():
                    rel = member.name.split("/", 1)[-1]
                    if (member.isfile() or member.isdir()) and rel.startswith(wanted):
                        member.name = rel[len("vendor/llama.cpp/"):]
                        members.append(member)
                tar.extractall(staging, members=members, filter="data")
            if not (staging / CONVERTER).is_file():
                raise ConfigError(f"{archive.name} holds no {CONVERTER}.")
            (staging / "SOURCE").write_text(f"{archive.name}\n", encoding="utf-8")
            _replace_dir(staging, target)
        finally:
            if staging.exists():
                shutil.rmtree(staging, ignore_errors=True)
    return target / CONVERTER


# ---------------------------------------------------------------------------------------------------
# Registration


def register(settings: Settings, name: str, model_dir: str | os.PathLike[str], base: str = "",
             description: str = "") -> str:
    """Register a model folder under ``name`` in the user's registry; returns the registry file."""
    from psycollm.models import lookup, register_model

    base_spec = lookup(base, settings) if base else None
    chinese = base_spec.chinese if base_spec is not None else True
    folder = Path(model_dir).resolve()
    ggufs = sorted(folder.glob("*.gguf"))
    text = description or (f"fine-tuned from {base or 'a base model'} by psycollm train; folder {folder}"
                           + (f"; GGUF {ggufs[0].name}" if ggufs else ""))
    register_model(settings, name, folder, description=text, chinese=chinese,
                   context_window=base_spec.context_window if base_spec is not None else 0)
    return str(settings.data_path / "models.json")
