"""Stage 3: knowledge QA from CPsyExam (CC0) and the project's knowledge-base articles.

    psycollm data knowledge --config training/recipes/data.yaml [--limit N]

1. Decontamination first: every CPsyExam item whose normalized stem occurs in PCEB, or that is built
   on a PCEB case, is removed before anything else (`psycollm.retrieval.decontaminate`, the rule the
   knowledge base uses too); the counts go to the stage statistics and the dataset card.
2. CPsyExam MCQs with an explanation become a question (stem + options) and an answer (the letters
   and their options) with the explanation as its rationale; the open QA set becomes plain pairs.
   Exact repeats across files and splits, items with an invalid answer key, and items not in
   Chinese (formula-only stems) are dropped and counted. No model is involved: the answers are the
   exam's own.
3. Knowledge-base articles (``knowledge_base/docs/{zh,en}/*.md``): the model writes question-answer
   pairs answerable from the article alone (template ``kb_qa``); each answer must be grounded in the
   article (``kb_min_grounding``), else it is dropped; the article's id and references stay in the
   record's audit.
"""

from __future__ import annotations

import logging
from collections import Counter
from typing import Any

from psycollm.retrieval.decontaminate import decontaminate, normalize_stem, pceb_fingerprints
from training.data.cleaning import normalize_text
from training.data.pipeline import Context, count, prefixed, run_shards, select
from training.data.runner import Call
from training.data.shards import StageStore
from training.data.sources import load_cpsyexam_mcq, load_cpsyexam_qa, require_path
from training.data.templates import load_template
from training.data.validate import check_record, language_of, parse_pairs

log = logging.getLogger(__name__)
STAGE = "knowledge"

MCQ_PROMPT = {"single": "请回答下面的单项选择题，并说明理由。", "multi": "请回答下面的多项选择题（有两个或以上正确答案），并说明理由。"}


def run(ctx: Context) -> dict[str, Any]:
    recipe, cfg = ctx.recipe, ctx.recipe.knowledge
    fingerprint = recipe.fingerprint("knowledge", "llm") + f":{ctx.settings.backend.kind}:{ctx.settings.backend.model}"
    store = StageStore(ctx.work_dir, STAGE, fingerprint)
    if not cfg.enabled:
        store.write_stage_stats({"enabled": False})
        return {}
    exam, exam_stats = load_exam_items(ctx)
    all_articles = load_articles(ctx)
    articles = select(all_articles, recipe, f"{STAGE}:kb")
    items = exam + articles
    totals = run_shards(ctx, store, items, process_shard)
    summary = {"enabled": True, **exam_stats, "articles_available": len(all_articles),
               "articles_selected": len(articles), "kept": totals.get("kept", 0),
               "kept_by_source": prefixed(totals, "kept:"), "dropped": prefixed(totals, "drop:"),
               "llm": prefixed(totals, "llm:")}
    store.write_stage_stats(summary)
    return summary


# ---------------------------------------------------------------------------------------------------
# Loading (decontamination first)


def load_exam_items(ctx: Context) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    recipe, cfg = ctx.recipe, ctx.recipe.knowledge
    loaded: list[dict[str, Any]] = []
    if cfg.cpsyexam_zip:
        loaded += [{**it, "kind": "mcq"} for it in load_cpsyexam_mcq(recipe.shared_path(cfg.cpsyexam_zip),
                                                                      cfg.cpsyexam_splits)]
    if cfg.cpsyexam_qa_zip:
        loaded += [{**it, "kind": "qa"} for it in load_cpsyexam_qa(recipe.shared_path(cfg.cpsyexam_qa_zip),
                                                                    cfg.cpsyexam_splits)]
    stats: dict[str, Any] = {"exam_loaded": count(it["source"] for it in loaded), "splits": cfg.cpsyexam_splits}
    if not loaded:
        return [], stats
    pceb = require_path(recipe.shared_path(cfg.pceb), "PCEB benchmark folder")
    result = decontaminate(loaded, pceb_fingerprints(pceb))
    stats["decontamination"] = {
        "pceb": str(cfg.pceb), "checked": len(loaded), "removed": len(result.removed),
        "by_reason": count(reason for _, reason in result.removed),
        "by_source": count(it["source"] for it, _ in result.removed),
    }
    log.info("knowledge: PCEB decontamination removed %d of %d CPsyExam items", len(result.removed), len(loaded))
    # Exact repeats (the same item in several files or splits) are dropped before sampling.
    seen: set[str] = set()
    unique: list[dict[str, Any]] = []
    for it in result.kept:
        key = it["source"] + "|" + normalize_stem(it["question"]) + "|" + normalize_stem(
            it.get("explanation", "") or it["answer"])
        if key in seen:
            continue
        seen.add(key)
        unique.append(it)
    stats["exact_repeats_removed"] = len(result.kept) - len(unique)
    # Filters before sampling: they cost nothing, so --limit N yields N usable items.
    usable: list[dict[str, Any]] = []
    filtered: Counter[str] = Counter()
    for it in unique:
        reason = exam_filter_reason(it, cfg.min_explanation_chars)
        if reason:
            filtered[reason] += 1
        else:
            usable.append(it)
    stats["exam_filtered"] = dict(sorted(filtered.items()))
    unique = usable
    # Ids must be unique for the cache and the shards; CPsyExam reuses a few across files.
    taken: Counter[str] = Counter()
    for it in unique:
        taken[it["id"]] += 1
        if taken[it["id"]] > 1:
            it["id"] = f"{it['id']}-{taken[it['id']]}"
    selected: list[dict[str, Any]] = []
    for source in ("cpsyexam", "cpsyexam_qa"):
        selected += select([it for it in unique if it["source"] == source], recipe, f"{STAGE}:{source}")
    stats["exam_selected"] = count(it["source"] for it in selected)
    return selected, stats


def load_articles(ctx: Context) -> list[dict[str, Any]]:
    cfg = ctx.recipe.knowledge
    if not cfg.kb_dir:
        return []
    folder = ctx.recipe.repo_path(cfg.kb_dir)
    if not folder.is_dir():
        log.warning("knowledge: no knowledge-base folder at %s; skipping articles", folder)
        return []
    from psycollm.retrieval.ingest import load_path

    return [{"id": f"kb-{d.doc_id}", "kind": "article", "doc_id": d.doc_id, "title": d.title, "text": d.text.strip(), "lang": d.lang, "topic": d.topic,
             "references": list(d.references), "path": d.path}
            for d in load_path(folder, articles_only=True) if d.lang in ("zh", "en") and d.text.strip()]


# ---------------------------------------------------------------------------------------------------
# Records


def mcq_record(it: dict[str, Any]) -> tuple[dict[str, Any] | None, str]:
    options = it["options"]
    letters = sorted({c for c in it["answer"].upper() if c.isalpha()})
    if not options or not letters or not set(letters) <= set(options):
        return None, "bad_answer"
    qtype = "multi" if it["question_type"] == "multi" or len(letters) > 1 else "single"
    if it["question_type"] == "single" and len(letters) > 1:
        return None, "bad_answer"
    explanation = normalize_text(it["explanation"])
    question = normalize_text(it["question"])
    option_lines = "\n".join(f"{k}. {v}" for k, v in sorted(options.items()))
    user = f"{MCQ_PROMPT[qtype]}\n\n{question}\n{option_lines}"
    chosen = "；".join(f"{k}. {options[k]}" for k in letters)
    answer = f"答案：{''.join(letters)}（{chosen}）\n\n解析：{explanation}"
    return _record(it, user, answer, {"subject": it["subject"], "question_type": it["question_type"],
                                      "kind": it["kind"], "file": it["file"], "split": it["split"],
                                      "answer": "".join(letters)}), ""


def qa_record(it: dict[str, Any]) -> tuple[dict[str, Any] | None, str]:
    question, answer = normalize_text(it["question"]), normalize_text(it["answer"])
    return _record(it, question, answer, {"subject": it["subject"], "question_type": it["question_type"],
                                          "split": it["split"]}), ""


def _record(it: dict[str, Any], user: str, answer: str, audit: dict[str, Any]) -> dict[str, Any]:
    return {"id": it["id"], "stage": STAGE, "source": it["source"], "license": it["license"], "lang": "zh",
            "messages": [{"role": "user", "content": user}, {"role": "assistant", "content": answer}],
            "audit": audit}


def exam_filter_reason(it: dict[str, Any], min_explanation: int) -> str | None:
    if it["kind"] == "mcq" and mcq_record(it)[0] is None:
        return "bad_answer"
    if it["kind"] == "mcq" and len(it["explanation"].strip()) < min_explanation:
        return "no_explanation"
    if it["kind"] == "qa" and len(it["answer"].strip()) < 10:
        return "answer_too_short"
    text = it["question"] + (it.get("explanation") or it["answer"])
    if language_of(text) != "zh":
        return "language"
    return None


def process_shard(ctx: Context, shard: list[dict[str, Any]]) -> tuple[list[dict], list[dict], Counter[str]]:
    cfg = ctx.recipe.knowledge
    stats: Counter[str] = Counter()
    records: list[dict[str, Any]] = []
    rejected: list[dict[str, Any]] = []

    def keep(record: dict[str, Any]) -> None:
        check_record(record)
        records.append(record)
        stats["kept"] += 1
        stats[f"kept:{record['source']}"] += 1

    def drop(item_id: str, reason: str, **extra: Any) -> None:
        stats[f"drop:{reason}"] += 1
        rejected.append({"id": item_id, "stage": STAGE, "reason": reason, **extra})

    articles = []
    for it in shard:
        if it["kind"] == "article":
            articles.append(it)
            continue
        record, reason = mcq_record(it) if it["kind"] == "mcq" else qa_record(it)
        if record is None:
            drop(it["id"], reason)
            continue
        keep(record)

    if articles:
        results = ctx.runner.run([
            Call(id=f"{a['id']}/kb_qa", step="kb_qa", template=load_template("kb_qa", a["lang"]),
                 variables={"title": a["title"], "article": a["text"], "n_pairs": str(cfg.kb_pairs_per_article)},
                 sampling=ctx.recipe.llm.kb_qa,
                 parse=lambda text, a=a: parse_pairs(text, a["lang"], source=a["title"] + "\n" + a["text"],
                                                     min_grounding=cfg.kb_min_grounding,
                                                     max_pairs=cfg.kb_pairs_per_article))
            for a in articles], desc="knowledge-base QA")
        for a, res in zip(articles, results, strict=True):
            audit = {"article": a["doc_id"], "title": a["title"], "references": a["references"],
                     "template": res.call.template.identity, "call": res.audit(), "model": ctx.runner.backend.model_name}
            if not res.ok:
                drop(a["id"], f"kb_{res.reason or 'failed'}", audit=audit)
                continue
            for i, pair in enumerate(res.value):
                keep({"id": f"{a['id']}-{i}", "stage": STAGE, "source": "knowledge_base", "license": cfg.kb_license,
                      "lang": a["lang"], "messages": [{"role": "user", "content": normalize_text(pair["question"])},
                                                      {"role": "assistant", "content": normalize_text(pair["answer"])}],
                      "audit": {**audit, "grounding": pair["grounding"]}})
    return records, rejected, stats
