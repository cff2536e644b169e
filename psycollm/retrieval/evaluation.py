"""Retrieval quality: recall@k and MRR of a question set against a built knowledge base.

    queries = read_queries("tests/data/retrieval_queries_zh.jsonl")
    result = evaluate(kb, queries, mode="fused")       # {"n": 60, "recall@1": ..., "recall@5": ..., "mrr": ...}

A question counts as answered at rank r when the r-th retrieved chunk belongs to the article
(``doc_id``) that answers it: recall@k = share of questions answered within the first k chunks,
MRR = mean of 1/r over questions (0 when the article is not within ``depth`` chunks).
Run ``python benchmarks/retrieval_quality.py`` for the full table (both embedders, three modes).
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

KS = (1, 3, 5, 10)


@dataclass
class Query:
    question: str
    doc_id: str
    lang: str


def read_queries(path: str | os.PathLike[str]) -> list[Query]:
    out = []
    for lineno, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        obj = json.loads(line)
        if not obj.get("question") or not obj.get("doc_id"):
            raise ValueError(f"{path}:{lineno}: needs 'question' and 'doc_id'")
        out.append(Query(obj["question"], obj["doc_id"], obj.get("lang", "")))
    return out


def first_rank(doc_ids: Sequence[str], gold: str) -> int | None:
    for rank, doc_id in enumerate(doc_ids, 1):
        if doc_id == gold:
            return rank
    return None


def evaluate(kb: Any, queries: Sequence[Query], mode: str = "fused", depth: int = 20,
             misses: list[dict[str, Any]] | None = None) -> dict[str, float]:
    """Recall@{1,3,5,10} and MRR of ``kb.search_hits`` over ``queries``; appends misses at 5 to ``misses``."""
    ranks: list[int | None] = []
    for q in queries:
        hits = kb.search_hits(q.question, k=depth, mode=mode)
        rank = first_rank([h.chunk["doc_id"] for h in hits], q.doc_id)
        ranks.append(rank)
        if misses is not None and (rank is None or rank > 5):
            misses.append({"question": q.question, "gold": q.doc_id, "rank": rank,
                           "got": [h.chunk["doc_id"] for h in hits[:5]]})
    return summarize(ranks)


def summarize(ranks: Sequence[int | None]) -> dict[str, float]:
    n = len(ranks)
    out: dict[str, float] = {"n": n}
    for k in KS:
        out[f"recall@{k}"] = round(sum(1 for r in ranks if r is not None and r <= k) / n, 4) if n else 0.0
    out["mrr"] = round(sum(1.0 / r for r in ranks if r) / n, 4) if n else 0.0
    return out
