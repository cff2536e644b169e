"""What every stage shares (recipe, settings, folders, the lazily built backend and call runner) and
`build`, which runs the four stages in order.

    ctx = Context(recipe, settings)              # the backend is created on first use only
    build(ctx)                                   # single -> multi -> knowledge -> mix; returns the output folder
    ctx.close()

Tests hand in a backend (`Context(recipe, settings, backend=ScriptedBackend(...))`); the CLI lets
`psycollm.backends.make_backend(settings)` choose it from the settings.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from psycollm.backends.base import ChatBackend
from psycollm.config import Settings
from training.data.cache import CallCache
from training.data.recipe import DataRecipe
from training.data.runner import CallRunner, derive_seed
from training.data.shards import StageStore

log = logging.getLogger(__name__)
T = TypeVar("T")

STAGES = ("single_turn", "multi_turn", "knowledge", "mix")


class Context:
    def __init__(self, recipe: DataRecipe, settings: Settings, backend: ChatBackend | None = None) -> None:
        self.recipe = recipe
        self.settings = settings
        self.output = recipe.output_path(settings)
        self.work_dir = recipe.work_path(settings)
        self.work_dir.mkdir(parents=True, exist_ok=True)
        self._backend = backend
        self._owns_backend = backend is None
        self._runner: CallRunner | None = None
        self._cache: CallCache | None = None

    @property
    def backend(self) -> ChatBackend:
        if self._backend is None:
            from psycollm.backends import make_backend

            log.info("loading the %s backend (%s)", self.settings.backend.kind, self.settings.backend.model)
            self._backend = make_backend(self.settings)
        return self._backend

    @property
    def runner(self) -> CallRunner:
        if self._runner is None:
            if self.recipe.llm.cache:
                self._cache = CallCache(self.work_dir / "llm_cache.sqlite")
            self._runner = CallRunner(self.backend, self._cache, self.recipe.llm, seed=self.recipe.seed,
                                      progress=self.recipe.progress)
        return self._runner

    def llm_counter(self) -> Counter[str]:
        return Counter(self._runner.stats) if self._runner is not None else Counter()

    def close(self) -> None:
        if self._cache is not None:
            self._cache.close()
            self._cache = None
        if self._backend is not None and self._owns_backend:
            self._backend.close()
            self._backend = None
        self._runner = None


def select(items: list[dict[str, Any]], recipe: DataRecipe, salt: str) -> list[dict[str, Any]]:
    """A seeded, stable order (by id hash: adding items never reshuffles the others), cut to ``limit``."""
    ordered = sorted(items, key=lambda it: (derive_seed(recipe.seed, salt, it["id"]), it["id"]))
    return ordered[:recipe.limit] if recipe.limit else ordered


def shards(items: list[T], size: int) -> Iterator[tuple[int, list[T]]]:
    for index, start in enumerate(range(0, len(items), size)):
        yield index, items[start:start + size]


ShardFn = Callable[["Context", list[dict[str, Any]]], tuple[list[dict], list[dict], Counter[str]]]


def run_shards(ctx: Context, store: StageStore, items: list[dict[str, Any]], process: ShardFn) -> Counter[str]:
    """Process every shard not yet done (atomically written), then return the counters of all shards.

    A shard's LLM counters (calls, cache hits, malformed replies by reason) are stored with it as
    ``llm:<name>``, so a stage's totals stay right across resumed runs.
    """
    for index, shard in shards(items, ctx.recipe.shard_size):
        if store.is_done(index):
            continue
        before = ctx.llm_counter()
        records, rejected, stats = process(ctx, shard)
        after = ctx.llm_counter()
        stats.update({f"llm:{k}": after[k] - before[k] for k in after if after[k] - before[k]})
        store.write_shard(index, records, rejected, stats)
    return store.shard_stats()


def prefixed(totals: Counter[str] | dict[str, int], prefix: str) -> dict[str, int]:
    return {k[len(prefix):]: v for k, v in sorted(totals.items()) if k.startswith(prefix)}


def count(values: Iterable[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for v in values:
        out[v] = out.get(v, 0) + 1
    return out


def build(ctx: Context, stages: Iterable[str] = STAGES) -> Path | None:
    """Run the named stages in pipeline order; returns the published folder when ``mix`` ran."""
    from training.data import knowledge_qa, multi_turn, publish, single_turn

    wanted = set(stages)
    out = None
    if "single_turn" in wanted:
        single_turn.run(ctx)
    if "multi_turn" in wanted:
        multi_turn.run(ctx)
    if "knowledge" in wanted:
        knowledge_qa.run(ctx)
    if "mix" in wanted:
        out = publish.run(ctx)
    return out
