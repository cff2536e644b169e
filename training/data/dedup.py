"""Exact and near-duplicate removal across the whole data set (MinHash LSH from `datasketch`).

    kept, dropped = deduplicate(records, threshold=0.85, num_perm=128, shingle_chars=5)

Text of a record = all its messages, normalized (NFKC, lower case, letters/digits/CJK only), cut into
character n-grams: one representation for Chinese and English. Records are visited in priority
order (the caller sorts them), so the copy kept is the first one; an LSH candidate counts as a
duplicate only when the Jaccard similarity really reaches the threshold (LSH bands give
false positives; the similarity is recomputed exactly for candidates).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence
from typing import Any

_NOT_WORD = re.compile(r"[^0-9a-z\u3400-\u4dbf\u4e00-\u9fff]+")


def record_text(record: dict[str, Any]) -> str:
    text = "\n".join(m["content"] for m in record["messages"] if m["role"] != "system")
    return _NOT_WORD.sub("", unicodedata.normalize("NFKC", text).lower())


def shingles(text: str, n: int) -> list[bytes]:
    if len(text) <= n:
        return [text.encode("utf-8")] if text else []
    return [s.encode("utf-8") for s in {text[i:i + n] for i in range(len(text) - n + 1)}]


def deduplicate(records: Sequence[dict[str, Any]], *, threshold: float = 0.85, num_perm: int = 128,
                shingle_chars: int = 5, seed: int = 1) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(kept, dropped); each dropped entry is ``{id, stage, kind: exact|near, duplicate_of, similarity}``."""
    from datasketch import MinHash, MinHashLSH

    kept: list[dict[str, Any]] = []
    dropped: list[dict[str, Any]] = []
    texts = [record_text(r) for r in records]
    exact: dict[str, str] = {}
    candidates: list[int] = []
    for i, (rec, text) in enumerate(zip(records, texts, strict=True)):
        digest = hashlib.sha1(text.encode("utf-8")).hexdigest()
        if digest in exact:
            dropped.append({"id": rec["id"], "stage": rec["stage"], "kind": "exact", "duplicate_of": exact[digest],
                            "similarity": 1.0})
            continue
        exact[digest] = rec["id"]
        candidates.append(i)
    hashes = MinHash.bulk([shingles(texts[i], shingle_chars) for i in candidates], num_perm=num_perm, seed=seed)
    # The LSH bands are tuned for a lower threshold than the real one: recall matters (a missed pair
    # stays in the data), and the exact check below removes the extra candidates.
    lsh = MinHashLSH(threshold=max(0.3, threshold - 0.2), num_perm=num_perm, weights=(0.2, 0.8))
    index_of: dict[str, int] = {}
    for i, mh in zip(candidates, hashes, strict=True):
        rec = records[i]
        best_id, best = None, 0.0
        mine: set[bytes] | None = None
        for other in lsh.query(mh):
            # Candidates are confirmed with the exact Jaccard of the shingle sets: the MinHash estimate
            # has a standard error of ~0.02 at 128 permutations, enough to flip a pair near the threshold.
            mine = mine if mine is not None else set(shingles(texts[i], shingle_chars))
            theirs = set(shingles(texts[index_of[other]], shingle_chars))
            sim = len(mine & theirs) / max(1, len(mine | theirs))
            if sim > best:
                best_id, best = other, sim
        if best_id is not None and best >= threshold:
            dropped.append({"id": rec["id"], "stage": rec["stage"], "kind": "near", "duplicate_of": best_id,
                            "similarity": round(best, 3)})
            continue
        lsh.insert(rec["id"], mh)
        index_of[rec["id"]] = i
        kept.append(rec)
    return kept, dropped
