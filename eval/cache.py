"""Response cache for evaluation runs: a killed run resumes, a different model never reuses answers.

    cache = ResponseCache(settings.cache_path / "eval" / "responses.sqlite")
    key = cache_key(fingerprint, "pceb-mcq-v1-zh", params.cache_key(), item_id, messages)
    cache.get(key) or cache.put(key, response, seconds=0.8, model=fingerprint["id"], item_id=item_id)

The key is a sha256 over (model fingerprint, prompt template version, sampling parameters, item id,
and the prompt itself), the lesson of lm-evaluation-harness#4063 (a cache not keyed by model). The
fingerprint names the weights, not just the model's name:

- GGUF file (llama.cpp): sha256 of the file (memoized by path, size and mtime);
- local folder (transformers): sha256 of config.json plus the names, sizes and mtimes of the weight
  files; a hub id: the id (add ``--model-revision`` to pin a revision);
- OpenAI-compatible server: served model name + base URL; servers do not expose a weights hash, so
  tag a changed deployment with ``--model-revision``.

SQLite (stdlib) because every chunk is committed atomically: a SIGKILL loses at most the chunk in
flight, and concurrent readers (a report while a run is going) are safe.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from psycollm.config import Settings


def _sha256_json(obj: Any) -> str:
    return hashlib.sha256(json.dumps(obj, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


def cache_key(fingerprint: dict[str, Any], template_version: str, params: dict[str, Any], item_id: str,
              messages: Sequence[dict[str, str]] | str) -> str:
    """sha256 over everything that changes a response."""
    return _sha256_json({"model": fingerprint.get("id"), "template": template_version, "params": params,
                         "item": item_id, "prompt": _sha256_json(messages)})


class ResponseCache:
    """key -> response (+ seconds it took), in one SQLite file. Thread-safe."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path).expanduser()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(self.path), check_same_thread=False, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS responses (key TEXT PRIMARY KEY, model TEXT, item_id TEXT, "
            "response TEXT NOT NULL, seconds REAL, created REAL)")
        self._db.commit()

    def get(self, key: str) -> tuple[str, float] | None:
        with self._lock:
            row = self._db.execute("SELECT response, seconds FROM responses WHERE key = ?", (key,)).fetchone()
        return (row[0], float(row[1] or 0.0)) if row else None

    def put_many(self, rows: Sequence[tuple[str, str, str, str, float]]) -> None:
        """Rows of (key, model id, item id, response, seconds), committed together."""
        now = time.time()
        with self._lock:
            self._db.executemany("INSERT OR REPLACE INTO responses VALUES (?, ?, ?, ?, ?, ?)",
                                 [(k, m, i, r, s, now) for k, m, i, r, s in rows])
            self._db.commit()

    def put(self, key: str, response: str, *, seconds: float = 0.0, model: str = "", item_id: str = "") -> None:
        self.put_many([(key, model, item_id, response, seconds)])

    def __len__(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM responses").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._db.close()


class NullCache:
    """``--no-cache``: remembers nothing."""

    path = None

    def get(self, key: str) -> tuple[str, float] | None:
        return None

    def put_many(self, rows: Sequence[tuple[str, str, str, str, float]]) -> None:
        pass

    def close(self) -> None:
        pass


# ---------------------------------------------------------------------------------------------------
# Model fingerprints

_WEIGHT_SUFFIXES = (".safetensors", ".bin", ".gguf", ".pt", ".pth")


def file_sha256(path: Path, memo_dir: Path | None = None) -> str:
    """sha256 of a (possibly multi-GB) file, memoized by (path, size, mtime) so it is read once."""
    st = path.stat()
    memo_key = f"{path.resolve()}|{st.st_size}|{st.st_mtime_ns}"
    memo_file = memo_dir / "file_hashes.json" if memo_dir else None
    memo: dict[str, str] = {}
    if memo_file and memo_file.exists():
        try:
            memo = json.loads(memo_file.read_text(encoding="utf-8"))
        except ValueError:
            memo = {}
        if memo_key in memo:
            return memo[memo_key]
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    digest = h.hexdigest()
    if memo_file:
        memo[memo_key] = digest
        memo_file.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".hashes-", dir=memo_file.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(memo, out)
        os.replace(tmp, memo_file)
    return digest


def folder_fingerprint(folder: Path) -> str:
    """config.json bytes + weight files' names, sizes and mtimes: cheap, and changes with the weights."""
    h = hashlib.sha256()
    cfg = folder / "config.json"
    if cfg.exists():
        h.update(cfg.read_bytes())
    for p in sorted(folder.iterdir()):
        if p.is_file() and p.name.endswith(_WEIGHT_SUFFIXES):
            st = p.stat()
            h.update(f"{p.name}|{st.st_size}|{st.st_mtime_ns}".encode())
    return h.hexdigest()


def model_fingerprint(settings: Settings, backend: Any, revision: str = "") -> dict[str, Any]:
    """What identifies the model behind ``backend``: name, kind, a weights hash where one exists.

    ``id`` is what cache keys use. Never raises for an unknown backend: it falls back to the name.
    """
    kind = settings.backend.kind.strip().lower()
    name = getattr(backend, "model_name", settings.backend.model) or settings.backend.model
    info: dict[str, Any] = {"name": name, "kind": kind, "setting": settings.backend.model}
    memo = settings.cache_path / "eval"
    try:
        if kind == "llamacpp":
            from psycollm.models import resolve_gguf

            path = getattr(backend, "path", None) or resolve_gguf(settings.backend.model, settings)
            info["weights"] = str(path)
            info["sha256"] = file_sha256(Path(path), memo)
        elif kind in ("transformers", "local"):
            source = getattr(backend, "source", None)
            if source is None:
                from psycollm.models import hf_source

                source = hf_source(settings.backend.model, settings)
            info["weights"] = str(source)
            if Path(str(source)).is_dir():
                info["folder_hash"] = folder_fingerprint(Path(str(source)))
        elif kind in ("openai", "vllm", "openai_compat"):
            info["base_url"] = settings.backend.base_url
    except Exception as exc:  # a fingerprint must never stop an evaluation; record why it is partial
        info["fingerprint_error"] = f"{type(exc).__name__}: {exc}"
    if revision:
        info["revision"] = revision
    # The weights' hash names the model wherever the file lives; the path only matters without one.
    skip = {"setting", "fingerprint_error"} | ({"weights"} if "sha256" in info or "folder_hash" in info else set())
    digest_src = {k: v for k, v in info.items() if k not in skip}
    info["id"] = f"{name}@{_sha256_json(digest_src)[:16]}"
    return info
