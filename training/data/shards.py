"""Per-stage outputs written atomically shard by shard, so a killed run resumes where it stopped.

    <work_dir>/<stage>/manifest.json            fingerprint of the recipe sections the stage depends on
    <work_dir>/<stage>/shard-00000.jsonl        kept records (the chat messages + audit trail)
    <work_dir>/<stage>/shard-00000.rejected.jsonl   dropped items with the reason (and the judgment)
    <work_dir>/<stage>/shard-00000.stats.json   counters; written last, so its presence marks the shard done
    <work_dir>/<stage>/stage.json               stage-level counters (loading, decontamination), at the end

Every file is written to a temporary name and renamed (`os.replace` is atomic on POSIX). When the
fingerprint changes (another seed, limit or stage setting) the old shards are discarded; the LLM
cache still makes re-running them free where the prompts did not change.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from psycollm.atomic_io import atomic_write_text


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> None:
    atomic_write_text(path, "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in rows))


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


class StageStore:
    def __init__(self, work_dir: Path, stage: str, fingerprint: str) -> None:
        self.stage = stage
        self.dir = Path(work_dir) / stage
        self.fingerprint = fingerprint
        self.dir.mkdir(parents=True, exist_ok=True)
        manifest = self.dir / "manifest.json"
        current = json.loads(manifest.read_text(encoding="utf-8")) if manifest.exists() else {}
        if current.get("fingerprint") != fingerprint:
            for old in self.dir.glob("shard-*"):
                old.unlink()
            (self.dir / "stage.json").unlink(missing_ok=True)
            atomic_write_text(manifest, json.dumps({"stage": stage, "fingerprint": fingerprint}, indent=2))

    def _path(self, index: int, suffix: str) -> Path:
        return self.dir / f"shard-{index:05d}{suffix}"

    def is_done(self, index: int) -> bool:
        return self._path(index, ".stats.json").exists()

    def write_shard(self, index: int, records: list[dict[str, Any]], rejected: list[dict[str, Any]],
                    stats: Counter[str] | dict[str, int]) -> None:
        write_jsonl(self._path(index, ".jsonl"), records)
        write_jsonl(self._path(index, ".rejected.jsonl"), rejected)
        atomic_write_text(self._path(index, ".stats.json"), json.dumps(dict(stats), indent=2, sort_keys=True))

    def write_stage_stats(self, stats: dict[str, Any]) -> None:
        atomic_write_text(self.dir / "stage.json", json.dumps(stats, indent=2, sort_keys=True, ensure_ascii=False))

    def shard_indices(self) -> list[int]:
        return sorted(int(p.name[6:11]) for p in self.dir.glob("shard-*.stats.json"))

    def records(self) -> Iterator[dict[str, Any]]:
        for i in self.shard_indices():
            yield from read_jsonl(self._path(i, ".jsonl"))

    def rejected(self) -> Iterator[dict[str, Any]]:
        for i in self.shard_indices():
            yield from read_jsonl(self._path(i, ".rejected.jsonl"))

    def shard_stats(self) -> Counter[str]:
        total: Counter[str] = Counter()
        for i in self.shard_indices():
            total.update(json.loads(self._path(i, ".stats.json").read_text(encoding="utf-8")))
        return total

    def stage_stats(self) -> dict[str, Any]:
        path = self.dir / "stage.json"
        return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def read_stage(work_dir: Path, stage: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """A finished stage's records and statistics, without touching its manifest (for the mix stage)."""
    folder = Path(work_dir) / stage
    if not (folder / "stage.json").exists():
        return [], {}
    store = StageStore.__new__(StageStore)
    store.stage, store.dir, store.fingerprint = stage, folder, ""
    stats = store.stage_stats()
    stats["shards"] = dict(store.shard_stats())
    return list(store.records()), stats
