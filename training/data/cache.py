"""On-disk cache of LLM calls: a killed pipeline run resumes without paying for a call twice.

The key hashes everything that decides a reply: the model name, the prompt template's identity
(name, version, text hash), the rendered messages (hence the inputs) and the sampling parameters
(including the per-attempt seed). Keying by model is the lesson of lm-evaluation-harness#4063,
where a cache shared across models returned one model's answers for another.

Stored in SQLite (stdlib): one file, atomic commits, safe to read while a run is writing, and a
killed process loses at most the uncommitted batch. Malformed replies are cached too, so a resumed
run replays the same retries instead of paying for them again.

    cache = CallCache(path)
    key = call_key(model, template.identity, messages, params)
    cache.get(key) or cache.put_many({key: reply})
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from psycollm.backends.base import GenerationParams, Message


def call_key(model: str, template: Mapping[str, str], messages: Sequence[Message], params: GenerationParams) -> str:
    payload = {"model": model, "template": dict(template), "messages": [dict(m) for m in messages],
               "params": params.cache_key()}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


class CallCache:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(self.path), timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS calls (key TEXT PRIMARY KEY, model TEXT, template TEXT, "
                         "reply TEXT NOT NULL, created REAL)")
        self._db.commit()

    def get_many(self, keys: Sequence[str]) -> dict[str, str]:
        out: dict[str, str] = {}
        # SQLite limits bound parameters per statement; 500 is well under every build's limit.
        for i in range(0, len(keys), 500):
            chunk = list(keys[i:i + 500])
            marks = ",".join("?" * len(chunk))
            for key, reply in self._db.execute(f"SELECT key, reply FROM calls WHERE key IN ({marks})", chunk):
                out[key] = reply
        return out

    def get(self, key: str) -> str | None:
        return self.get_many([key]).get(key)

    def put_many(self, entries: Mapping[str, tuple[str, str, str]]) -> None:
        """entries: key -> (model, template name, reply); committed at once."""
        now = time.time()
        self._db.executemany("INSERT OR REPLACE INTO calls VALUES (?, ?, ?, ?, ?)",
                             [(k, m, t, r, now) for k, (m, t, r) in entries.items()])
        self._db.commit()

    def __len__(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM calls").fetchone()[0])

    def close(self) -> None:
        self._db.close()
