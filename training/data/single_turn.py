"""Stage 1: single-turn counseling QA, cleaned, filtered and (optionally) rewritten by the LLM.

    psycollm data single --config training/recipes/data.yaml [--limit N]

Sources: counsel-chat (English; the most upvoted answer per question), the first turn of every
EmoLLM dialogue (Chinese) and any user QA files (``single_turn.extra_files``). Each pair is
normalized (`cleaning.normalize_text`) and filtered (length, language, contact details, symbol
debris, repetition); every drop is counted by reason. With ``single_turn.rewrite`` the answer is
rewritten for empathy and safety by the configured model (template ``single_rewrite``), validated
(JSON, language, length drift) and retried; a rewrite that stays malformed is never written: the
cleaned human answer is kept instead (``rewrite_on_failure: original``) or the pair is dropped.
"""

from __future__ import annotations

import logging
from collections import Counter
from typing import Any

from training.data.cleaning import normalize_text, qa_filter_reason
from training.data.pipeline import Context, count, prefixed, run_shards, select
from training.data.runner import Call
from training.data.shards import StageStore
from training.data.sources import load_counsel_chat, load_emollm_first_turns, load_user_qa
from training.data.templates import load_template
from training.data.validate import check_record, parse_answer

log = logging.getLogger(__name__)
STAGE = "single_turn"


def load_items(ctx: Context) -> tuple[list[dict[str, Any]], dict[str, int]]:
    cfg, recipe = ctx.recipe.single_turn, ctx.recipe
    per_source: list[list[dict[str, Any]]] = []
    if cfg.counsel_chat:
        per_source.append(load_counsel_chat(recipe.shared_path(cfg.counsel_chat), cfg.answers_per_question))
    if cfg.emollm:
        per_source.append(load_emollm_first_turns(recipe.shared_path(cfg.emollm)))
    for spec in cfg.extra_files:
        per_source.append(load_user_qa(spec, recipe.repo_path(".")))
    loaded = {items[0]["source"]: len(items) for items in per_source if items}
    selected: list[dict[str, Any]] = []
    for items in per_source:
        if items:
            selected.extend(select(items, recipe, f"{STAGE}:{items[0]['source']}"))
    return selected, loaded


def run(ctx: Context) -> dict[str, Any]:
    recipe, cfg = ctx.recipe, ctx.recipe.single_turn
    store = StageStore(ctx.work_dir, STAGE, recipe.fingerprint("single_turn", "llm") + _model_tag(ctx))
    if not cfg.enabled:
        store.write_stage_stats({"enabled": False})
        return {}
    items, loaded = load_items(ctx)
    log.info("single-turn: %d items from %s", len(items), loaded)
    totals = run_shards(ctx, store, items, process_shard)
    summary = {"enabled": True, "loaded": loaded, "selected": count(it["source"] for it in items),
               "kept": totals.get("kept", 0), "dropped": prefixed(totals, "drop:"),
               "rewrite": prefixed(totals, "rewrite:"), "llm": prefixed(totals, "llm:")}
    store.write_stage_stats(summary)
    return summary


def _model_tag(ctx: Context) -> str:
    # The rewrite's output depends on the model: name it in the fingerprint only when it is used, so
    # a run without rewriting needs no model at all.
    return f":{ctx.settings.backend.kind}:{ctx.settings.backend.model}" if ctx.recipe.single_turn.rewrite else ""


def process_shard(ctx: Context, shard: list[dict[str, Any]]) -> tuple[list[dict], list[dict], Counter[str]]:
    cfg = ctx.recipe.single_turn
    stats: Counter[str] = Counter()
    kept: list[dict[str, Any]] = []
    rejected: list[dict[str, Any]] = []
    for item in shard:
        q, a = normalize_text(item["question"]), normalize_text(item["answer"])
        reason = qa_filter_reason(q, a, item["lang"], cfg)
        if reason:
            stats[f"drop:{reason}"] += 1
            rejected.append({"id": item["id"], "stage": STAGE, "reason": reason})
            continue
        kept.append({**item, "question": q, "answer": a})

    rewrites: dict[str, Any] = {}
    if cfg.rewrite and kept:
        calls = [Call(id=f"{it['id']}/rewrite", step="rewrite", template=load_template("single_rewrite", it["lang"]),
                      variables={"question": it["question"], "answer": it["answer"]},
                      sampling=ctx.recipe.llm.rewrite,
                      parse=_answer_parser(it["lang"], it["answer"]))
                 for it in kept]
        rewrites = {r.call.id.rsplit("/", 1)[0]: r for r in ctx.runner.run(calls, desc="single-turn rewrite")}

    records = []
    for it in kept:
        audit: dict[str, Any] = {"meta": it.get("meta", {})}
        answer = it["answer"]
        res = rewrites.get(it["id"])
        if res is not None:
            audit["rewrite"] = {**res.audit(), "template": res.call.template.identity, "ok": res.ok}
            if res.ok:
                audit["original_answer"] = answer
                answer = res.value
                stats["rewrite:ok"] += 1
            elif cfg.rewrite_on_failure == "drop":
                stats["rewrite:failed"] += 1
                stats["drop:rewrite_failed"] += 1
                rejected.append({"id": it["id"], "stage": STAGE, "reason": "rewrite_failed", "audit": audit})
                continue
            else:
                stats["rewrite:failed_kept_original"] += 1
        record = {"id": it["id"], "stage": STAGE, "source": it["source"], "license": it["license"],
                  "lang": it["lang"], "messages": [{"role": "user", "content": it["question"]},
                                                   {"role": "assistant", "content": answer}], "audit": audit}
        check_record(record)
        records.append(record)
        stats["kept"] += 1
    return records, rejected, stats


def _answer_parser(lang: str, reference: str) -> Any:
    return lambda text: parse_answer(text, lang, reference=reference)
