"""PCEB case QA: 100 open questions on counseling cases, scored against marking-scheme answers.

    psycollm eval caseqa --pceb-dir ../shared/data/pceb/benchmark --output runs/caseqa-smollm --limit 10
    psycollm eval caseqa ... --judge-backend openai --judge-base-url http://gpu:8000/v1 --judge-model qwen2.5-72b

Scores (docs/eval.md):
- ROUGE-1 / ROUGE-L F1 and corpus BLEU-4, on jieba words and on characters (both reported; the
  published table's tokenization is not stated).
- Rubric points, beyond the paper: the reference answers are marking schemes ("焦虑性神经症（10 分）");
  `eval.scoring.parse_rubric` turns each into weighted scoring points, and we report the weighted
  share a response covers: lexically (character-bigram recall of each point >= 0.5) always, and by
  an LLM judge when one is configured (``--judge-*``), with unparseable judgments counted.
- BERTScore with ``--bertscore-model FOLDER`` (a local Chinese/multilingual encoder).
"""

from __future__ import annotations

import dataclasses
import re
import statistics
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eval.cache import model_fingerprint
from eval.pceb import PCEB, CaseQAItem, load_pceb
from eval.runner import (
    GenRequest,
    default_batch_size,
    generate_cached,
    now_iso,
    open_cache,
    package_versions,
    prompt_budget,
    recorded_argv,
    timing_summary,
    write_json,
    write_jsonl,
)
from eval.scoring import (
    parse_rubric,
    rouge_per_item,
    rubric_coverage,
    sentence_bleu4,
    text_metrics,
)
from psycollm.backends.base import ChatBackend, GenerationParams, Message
from psycollm.config import Settings

#: Part of every cache key: bump when the wording below changes.
CASEQA_TEMPLATE_VERSION = "pceb-caseqa-v1"
JUDGE_TEMPLATE_VERSION = "caseqa-rubric-judge-v1"

_SYSTEM = {
    "zh": "你是一名经验丰富的心理咨询师，正在参加心理咨询师职业资格考试的案例问答。",
    "en": "You are an experienced psychological counselor answering the case-analysis questions of the "
          "Chinese psychological counselor certification exam.",
}
_ASK = {
    "zh": "请根据案例作答：条理清晰，要点完整，使用专业术语。",
    "en": "Answer from the case, in Chinese: well organized, complete, in professional terms.",
}


def caseqa_messages(item: CaseQAItem, lang: str = "zh", context: str | None = None) -> list[Message]:
    ctx = item.context if context is None else context
    user = (f"【案例】\n{ctx}\n\n" if ctx else "") + f"{item.question}\n\n{_ASK[lang]}"
    return [{"role": "system", "content": _SYSTEM[lang]}, {"role": "user", "content": user}]


def fit_caseqa_prompt(item: CaseQAItem, lang: str, count_tokens: Any, budget: int) -> tuple[list[Message], bool]:
    messages = caseqa_messages(item, lang)
    if budget <= 0 or count_tokens(messages) <= budget or not item.context:
        return messages, False
    lo, hi = 0, len(item.context)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if count_tokens(caseqa_messages(item, lang, item.context[:mid] + "…")) <= budget:
            lo = mid
        else:
            hi = mid - 1
    return caseqa_messages(item, lang, item.context[:lo] + "…"), True


# ---------------------------------------------------------------------------------------------------
# LLM judge for rubric points


def judge_messages(item: CaseQAItem, points: list[Any], response: str) -> list[Message]:
    listing = "\n".join(f"{i}. {p.text}（{p.weight:g}分）" for i, p in enumerate(points, 1))
    prompt = (
        "你是心理咨询师职业资格考试的阅卷老师。下面是一道案例问答题、它的评分要点和考生的回答。"
        "请逐条判断考生的回答是否答到了每个评分要点（意思相同即可，不要求字句一致；答非所问或只是重复题目不算）。\n\n"
        f"【题目】\n{item.question}\n\n【评分要点】\n{listing}\n\n【考生回答】\n{response or '（空）'}\n\n"
        "只输出考生答到的要点编号列表，格式：覆盖：[1, 3]。一个都没答到时输出：覆盖：[]")
    return [{"role": "user", "content": prompt}]


def parse_judged_points(text: str, n_points: int) -> list[int] | None:
    """Point numbers (1-based) the judge says are covered; None when the judgment is unparseable.

    Accepts "覆盖：[1, 3]", "[1,3]", "覆盖：1、3", "Covered: 1, 3", "[]", and full-width digits and
    brackets; the last list in the text wins (judges often reason first). Numbers outside 1..n are
    dropped.
    """
    import unicodedata

    t = unicodedata.normalize("NFKC", re.sub(r"<think>.*?(?:</think>|$)", " ", text or "", flags=re.S))
    lists = re.findall(r"\[([\d\s,，、;；]*)\]", t)
    if lists:
        body = lists[-1]
    else:
        found = list(re.finditer(r"(?:覆盖|covered)\s*[:：]\s*([\d\s,，、;；和及]+|无|none)", t, re.I))
        if not found:
            return None
        m = found[-1]
        body = "" if m.group(1).strip().lower() in ("无", "none") else m.group(1)
    nums = [int(x) for x in re.findall(r"\d+", body)]
    return sorted({x for x in nums if 1 <= x <= n_points})


# ---------------------------------------------------------------------------------------------------
# Run


@dataclass
class CaseQARunConfig:
    pceb_dir: str = field(default="", metadata={"help": "The upstream benchmark/ folder."})
    output: str = field(default="", metadata={"help": "Run folder."})
    limit: int | None = field(default=None, metadata={"help": "At most this many questions (the first N)."})
    seed: int = field(default=0, metadata={"help": "Sampling seed."})
    prompt_lang: str = field(default="zh", metadata={"help": "Instruction language: zh or en."})
    max_new_tokens: int = field(default=512, metadata={"help": "Longest answer."})
    temperature: float = field(default=0.0, metadata={"help": "0 = greedy."})
    repetition_penalty: float = field(default=1.05, metadata={"help": "Long greedy answers loop without one."})
    batch_size: int = field(default=0, metadata={"help": "Items per backend call (0 = from the backend kind)."})
    rubric_threshold: float = field(default=0.5, metadata={"help": "Bigram recall that counts a point covered."})
    bertscore_model: str = field(default="", metadata={"help": "Local encoder folder for BERTScore ('' = skip)."})
    judge_max_new_tokens: int = field(default=256, metadata={"help": "Longest judge reply."})
    model_revision: str = field(default="", metadata={"help": "Extra tag in the model's cache identity."})
    cache: str = field(default="", metadata={"help": "Response cache file."})
    use_cache: bool = field(default=True, metadata={"help": "Reuse and store responses."})
    report: bool = field(default=True, metadata={"help": "Write report.md/report.html (with charts) after the run."})


def run_caseqa(cfg: CaseQARunConfig, settings: Settings, backend: ChatBackend | None = None,
               judge: ChatBackend | None = None, judge_settings: Settings | None = None,
               bench: PCEB | None = None) -> dict[str, Any]:
    """Generate the answers, score them, write caseqa_samples.jsonl / caseqa_results.json / report."""
    from eval.report import write_report
    from psycollm.backends import make_backend

    bench = bench or load_pceb(cfg.pceb_dir)
    items = bench.caseqa[: cfg.limit] if cfg.limit else list(bench.caseqa)
    out_dir = Path(cfg.output).expanduser()
    out_dir.mkdir(parents=True, exist_ok=True)
    own = backend is None
    backend = backend or make_backend(settings)
    params = GenerationParams(max_new_tokens=cfg.max_new_tokens, temperature=cfg.temperature, top_p=1.0,
                              repetition_penalty=cfg.repetition_penalty, seed=cfg.seed)
    cache = open_cache(cfg.cache, settings, cfg.use_cache)
    try:
        fingerprint = model_fingerprint(settings, backend, cfg.model_revision)
        budget = prompt_budget(backend.context_window, cfg.max_new_tokens)
        requests, truncated = [], {}
        for it in items:
            msgs, cut = fit_caseqa_prompt(it, cfg.prompt_lang, backend.count_tokens, budget)
            requests.append(GenRequest(it.item_id, msgs))
            truncated[it.item_id] = cut
        template = f"{CASEQA_TEMPLATE_VERSION}-{cfg.prompt_lang}"
        results, stats = generate_cached(backend, requests, params, cache=cache, fingerprint=fingerprint,
                                         template_version=template,
                                         batch_size=cfg.batch_size or default_batch_size(settings), desc="case QA")
        answers = [r.response for r in results]
        judge_doc = None
        judged: list[list[int] | None] = [None] * len(items)
        judge_raw: list[str | None] = [None] * len(items)
        rubrics = [parse_rubric(it.reference) for it in items]
        if judge is not None:
            judge_fp = model_fingerprint(judge_settings or settings, judge)
            jparams = GenerationParams(max_new_tokens=cfg.judge_max_new_tokens, temperature=0.0, top_p=1.0,
                                       repetition_penalty=1.0, seed=cfg.seed)
            jreqs = [GenRequest(f"{it.item_id}|judge", judge_messages(it, pts, ans))
                     for it, pts, ans in zip(items, rubrics, answers, strict=True)]
            jres, _ = generate_cached(judge, jreqs, jparams, cache=cache, fingerprint=judge_fp,
                                      template_version=JUDGE_TEMPLATE_VERSION,
                                      batch_size=cfg.batch_size or default_batch_size(judge_settings or settings),
                                      desc="rubric judge")
            judged = [parse_judged_points(r.response, len(p)) for r, p in zip(jres, rubrics, strict=True)]
            judge_raw = [r.response for r in jres]
            cov = []
            for pts, got in zip(rubrics, judged, strict=True):
                if got is None or not pts:
                    continue
                total = sum(p.weight for p in pts)
                cov.append(100 * sum(pts[i - 1].weight for i in got) / total)
            judge_doc = {"model": judge_fp.get("name"), "fingerprint": judge_fp, "prompt_version": JUDGE_TEMPLATE_VERSION,
                         "judged": len(items), "unparseable": sum(1 for j in judged if j is None),
                         "coverage": round(statistics.fmean(cov), 2) if cov else None,
                         "self_judge": judge is backend}
    finally:
        cache.close()
        if own:
            backend.close()

    refs = [it.reference for it in items]
    scores: dict[str, Any] = {kind: text_metrics(answers, refs, kind) for kind in ("word", "char")}
    per_word = rouge_per_item(answers, refs, "word")
    per_char = rouge_per_item(answers, refs, "char")
    coverages = [rubric_coverage(p, a, cfg.rubric_threshold) for p, a in zip(rubrics, answers, strict=True)]
    valid = [c for c in coverages if c["coverage"] is not None]
    scores["rubric"] = {
        "items": len(items), "points": sum(len(p) for p in rubrics),
        "marked_items": sum(1 for p in rubrics if p and p[0].marked), "threshold": cfg.rubric_threshold,
        "coverage": round(statistics.fmean(c["coverage"] for c in valid), 2) if valid else None,
        "soft": round(statistics.fmean(c["soft"] for c in valid), 2) if valid else None,
    }
    if judge_doc:
        scores["judge"] = judge_doc
    if cfg.bertscore_model:
        from eval.scoring import bertscore

        scores["bertscore"] = {"model": cfg.bertscore_model, **bertscore(answers, refs, cfg.bertscore_model)}
    samples = []
    for n, it in enumerate(items):
        samples.append({
            "item_id": it.item_id, "level": it.level, "messages": requests[n].messages, "response": answers[n],
            "reference": it.reference, "max_points": it.max_points,
            "rouge_word": per_word[n], "rouge_char": per_char[n],
            "bleu4_word": sentence_bleu4(answers[n], it.reference, "word"),
            "rubric": [{"text": p.text, "weight": p.weight, "marked": p.marked} for p in rubrics[n]],
            "lexical_covered": [i + 1 for i in coverages[n]["covered"]], "lexical_coverage": coverages[n]["coverage"],
            "judge_covered": judged[n], "judge_response": judge_raw[n],
            "context_truncated": truncated[it.item_id], "cached": results[n].cached,
        })
    doc = {
        "task": "caseqa", "created": now_iso(), "model": fingerprint,
        "config": {**dataclasses.asdict(cfg), "template_version": template, "params": params.cache_key(),
                   "argv": recorded_argv()},
        "settings": settings.to_dict(mask_secrets=True), "versions": package_versions(),
        "dataset": {"path": str(bench.root), "sha256": bench.dataset_hash, "caseqa": len(bench.caseqa)},
        "scores": scores,
        "timing": timing_summary(results, stats, len(bench.caseqa)),
    }
    write_jsonl(out_dir / "caseqa_samples.jsonl", samples)
    write_json(out_dir / "caseqa_results.json", doc)
    if cfg.report:
        write_report(out_dir)
    return doc
