"""Reciprocal rank fusion (Cormack, Clarke & Büttcher, SIGIR 2009) of several ranked lists.

    fused = rrf_fuse([dense_ids, bm25_ids], k=60)     # [(id, score), ...], best first

Each list contributes ``weight / (k + rank)`` (rank from 1) to every id it contains. RRF needs no
score calibration between channels (cosine similarities and BM25 scores live on different scales),
which is why it is the standard way to combine dense and lexical retrieval. Scores are divided by
the best achievable score (first in every list), so 1.0 means "ranked first by every channel"
and 0.5 "first in one of two channels, absent from the other": that makes ``min_score`` readable.
Ten lines: written here rather than pulled from a library because none of the maintained ones is
smaller than the dependency it would add.

``k`` is 5, not the paper's 60. The paper fused lists of 1,000 documents; ours are 50 candidates per
channel from a few hundred chunks. At k=60 the weight of rank 1 and rank 50 differ by less than 2x
(1/61 vs 1/110), so a chunk both channels rank mediocre beats one that a channel ranks first.
Measured on the project's question sets (benchmarks/retrieval_quality.py, 91 zh + 97 en + 7
cross-lingual questions): fused recall@5 zh/en/cross = 0.912/0.887/0.143 at k=60, 0.945/0.938/0.714
at k=5, with a plateau from k=2 to k=10 on both halves of each set (so not fitted to single questions).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import TypeVar

T = TypeVar("T", bound=Hashable)

RRF_K = 5


def rrf_fuse(rankings: Sequence[Sequence[T]], k: int = RRF_K,
             weights: Sequence[float] | None = None) -> list[tuple[T, float]]:
    """Fuse ranked lists of ids; returns (id, normalized score) best first, ties by first appearance."""
    if weights is None:
        weights = [1.0] * len(rankings)
    if len(weights) != len(rankings):
        raise ValueError("one weight per ranking")
    scores: dict[T, float] = {}
    for ranking, weight in zip(rankings, weights, strict=True):
        for rank, item in enumerate(ranking, 1):
            scores[item] = scores.get(item, 0.0) + weight / (k + rank)
    best = sum(w / (k + 1) for w in weights) or 1.0
    order = sorted(scores.items(), key=lambda kv: -kv[1])  # sorted() is stable: ties keep first appearance
    return [(item, score / best) for item, score in order]
