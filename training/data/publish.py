"""Stage 4: mix the stages, deduplicate, split, and publish a Hugging Face DatasetDict with its card.

    psycollm data mix --config training/recipes/data.yaml

Output folder (``--output``, default ``<data_dir>/datasets/<mix.name>``), readable two ways:

    datasets.load_from_disk(out)                     # dataset_dict.json + train/ + validation/ (Arrow)
    datasets.load_dataset(str(out))                  # README.md's configs -> data/*.parquet (hub layout)

Columns: ``messages`` (list of {role, content}: the chat format TRL's SFTTrainer reads), ``id``,
``stage``, ``source``, ``license``, ``lang``, ``n_turns`` and ``audit`` (JSON text: judgments,
attempts, template versions). The card (README.md) lists sources, licenses, counts, every filter
with its count, and length histograms (figures/*.png); ``stats.json`` holds the same numbers and
``dropped_duplicates.jsonl`` every duplicate removed. The folder is built next to the target and
swapped in with a rename, so readers never see half a data set.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from psycollm.atomic_io import atomic_write_text
from psycollm.errors import DatasetInvalid
from psycollm.prompts import SYSTEM_PROMPTS
from training.data.card import render_card, write_figures
from training.data.dedup import deduplicate
from training.data.pipeline import Context, count
from training.data.runner import derive_seed
from training.data.shards import read_stage, write_jsonl
from training.data.templates import all_templates
from training.data.validate import InvalidRecord, check_record

log = logging.getLogger(__name__)
MARKER = "psycollm_data.json"  # marks a folder this stage wrote (and may replace)


def features() -> Any:
    from datasets import Features, List, Value

    return Features({
        "id": Value("string"), "stage": Value("string"), "source": Value("string"), "license": Value("string"),
        "lang": Value("string"), "n_turns": Value("int32"),
        "messages": List({"role": Value("string"), "content": Value("string")}),
        "audit": Value("string"),
    })


def gather(ctx: Context) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    records: list[dict[str, Any]] = []
    stage_stats: dict[str, Any] = {}
    for stage in ("single_turn", "multi_turn", "knowledge"):
        recs, stats = read_stage(ctx.work_dir, stage)
        stage_stats[stage] = stats
        records.extend(recs)
    if not records:
        raise DatasetInvalid(f"No stage output under {ctx.work_dir}: run `psycollm data build` (or the "
                             "single/multi/knowledge stages) first.")
    for rec in records:
        try:
            check_record(rec)
        except InvalidRecord as exc:
            raise DatasetInvalid(f"{ctx.work_dir}: {exc}. Re-run that stage with --fresh.") from None
    return records, stage_stats


def split_of(record_id: str, seed: int, fraction: float) -> str:
    return "validation" if derive_seed(seed, "split", record_id) % 10_000 < fraction * 10_000 else "train"


def to_row(rec: dict[str, Any], system_prompt: bool) -> dict[str, Any]:
    messages = [{"role": m["role"], "content": m["content"]} for m in rec["messages"]]
    if system_prompt:
        messages = [{"role": "system", "content": SYSTEM_PROMPTS[rec["lang"]]}, *messages]
    return {"id": rec["id"], "stage": rec["stage"], "source": rec["source"], "license": rec["license"],
            "lang": rec["lang"], "n_turns": sum(m["role"] == "assistant" for m in messages), "messages": messages,
            "audit": json.dumps(rec.get("audit", {}), ensure_ascii=False, sort_keys=True)}


def run(ctx: Context) -> Path:
    from datasets import Dataset, DatasetDict
    from datasets.utils.logging import disable_progress_bar

    disable_progress_bar()  # a few small writes: the bars would only clutter the pipeline's output

    recipe, cfg = ctx.recipe, ctx.recipe.mix
    records, stage_stats = gather(ctx)
    priority = {s: i for i, s in enumerate(cfg.stage_priority)}
    records.sort(key=lambda r: (priority.get(r["stage"], 99), r["id"]))
    ids = count(r["id"] for r in records)
    clashes = [i for i, n in ids.items() if n > 1]
    if clashes:
        raise DatasetInvalid(f"Record ids are not unique across stages: {clashes[:5]}")
    kept, dropped = deduplicate(records, threshold=cfg.near_dup_threshold, num_perm=cfg.num_perm,
                                shingle_chars=cfg.shingle_chars, seed=recipe.seed)
    log.info("mix: %d records, %d duplicates removed", len(kept), len(dropped))

    splits: dict[str, list[dict[str, Any]]] = {"train": [], "validation": []}
    for rec in kept:
        splits[split_of(rec["id"], recipe.seed, cfg.validation_fraction)].append(rec)
    if cfg.validation_fraction > 0 and not splits["validation"] and len(splits["train"]) >= 2:
        # Tiny runs: keep at least one validation record so eval_dataset is never empty.
        first = min(splits["train"], key=lambda r: derive_seed(recipe.seed, "split", r["id"]))
        splits["train"].remove(first)
        splits["validation"].append(first)
    rows = {name: [to_row(r, cfg.system_prompt) for r in sorted(recs, key=lambda r: r["id"])]
            for name, recs in splits.items()}

    stats = {
        "name": cfg.name, "seed": recipe.seed, "limit": recipe.limit,
        "model": {"kind": ctx.settings.backend.kind, "name": ctx.settings.backend.model},
        "records": {name: len(r) for name, r in rows.items()},
        "by_stage": {s: sum(1 for r in kept if r["stage"] == s) for s in ("single_turn", "multi_turn", "knowledge")},
        "by_source": count(r["source"] for r in kept),
        "by_lang": count(r["lang"] for r in kept),
        "licenses": {r["source"]: r["license"] for r in kept},
        "duplicates": {"total": len(dropped), "by_kind": count(d["kind"] for d in dropped),
                       "by_stage": count(d["stage"] for d in dropped)},
        "stages": stage_stats,
        "templates": [t.identity for t in all_templates()],
        "recipe": recipe.to_dict(),
    }

    out = ctx.output
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.exists() and not (out / MARKER).exists():
        raise DatasetInvalid(f"{out} exists and was not written by `psycollm data`; choose another --output.")
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        # from_dict, not from_list: an empty split must still carry the columns.
        dd = DatasetDict({name: Dataset.from_dict({k: [row[k] for row in r] for k in features()}, features=features())
                          for name, r in rows.items()})
        dd.save_to_disk(str(tmp))
        (tmp / "data").mkdir()
        for name, ds in dd.items():
            ds.to_parquet(str(tmp / "data" / f"{name}-00000-of-00001.parquet"))
        figures = write_figures(rows, tmp / "figures")
        atomic_write_text(tmp / "README.md", render_card(stats, figures))
        atomic_write_text(tmp / "stats.json", json.dumps(stats, indent=2, ensure_ascii=False, default=str))
        write_jsonl(tmp / "dropped_duplicates.jsonl", dropped)
        atomic_write_text(tmp / MARKER, json.dumps({"name": cfg.name, "records": stats["records"]}, indent=2))
        _swap(tmp, out)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    log.info("published %s: %s", out, stats["records"])
    return out


def _swap(new: Path, target: Path) -> None:
    """Replace ``target`` by ``new`` with renames only (the old folder is removed afterwards)."""
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        os.replace(target, old)
    os.replace(new, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
