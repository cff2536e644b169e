"""FAISS index over unit-length vectors: inner product = cosine similarity.

    kind = choose_index_type(n_vectors, "auto")        # "flat" below AUTO_THRESHOLD vectors, else "hnsw"
    index = build_vector_index(vectors, kind)
    ids, sims = search_vectors(index, query_vectors, k=50)
    write_vector_index(index, path); read_vector_index(path)

- ``flat`` (``IndexFlatIP``): exact; the right choice for a knowledge base of articles (thousands of
  chunks search in well under a millisecond).
- ``hnsw`` (``IndexHNSWFlat``, M=32, efSearch=200, inner product): approximate graph search, sub-millisecond at
  100k+ vectors with recall close to exact; chosen automatically above ``AUTO_THRESHOLD``.
- ``ivf`` (``IndexIVFFlat``, nlist ~ 4 sqrt(n), nprobe = max(8, nlist/8)): approximate, smaller and faster to
  build than HNSW, needs a training pass; for very large corpora when build time matters.

The index file is FAISS's own binary format (``faiss.write_index``), not a pickle.

Searches run FAISS single-threaded: one query is too little work to split, and on 2 busy cores
OpenMP's hand-off made a 10k-vector exact search 13x slower (12.7 ms vs 1.0 ms p50; 100k: 110 vs
39 ms). Building an HNSW/IVF index uses every core, then goes back to one thread.
"""

from __future__ import annotations

import math
import os
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from psycollm.errors import ConfigError

INDEX_TYPES = ("auto", "flat", "hnsw", "ivf")
# Below this many vectors exact search is cheap and exact beats approximate on recall. Measured on
# 512-dim USE vectors, top 50, one thread, 2 busy cores: p50 0.8 ms at 10k, 1.7 ms at 20k, then the
# vectors outgrow the CPU cache: 18-29 ms at 30-50k, 31 ms at 100k (HNSW: 0.4-0.7 ms).
AUTO_THRESHOLD = 20_000
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 80
# Candidates explored per query. 100k real USE vectors, top-50 search: efSearch 96 -> recall@10 vs
# exact 0.94, 200 -> 0.98, both well under a millisecond at p50 (benchmarks/retrieval.py).
HNSW_EF_SEARCH = 200


@lru_cache(maxsize=1)
def _faiss():  # noqa: ANN202
    import faiss

    faiss.omp_set_num_threads(1)
    return faiss


@contextmanager
def _all_cores():  # noqa: ANN202
    faiss = _faiss()
    faiss.omp_set_num_threads(os.cpu_count() or 1)
    try:
        yield
    finally:
        faiss.omp_set_num_threads(1)


def choose_index_type(n_vectors: int, requested: str = "auto", threshold: int = AUTO_THRESHOLD) -> str:
    requested = (requested or "auto").lower()
    if requested not in INDEX_TYPES:
        raise ConfigError(f"retrieval.index_type must be one of {', '.join(INDEX_TYPES)}, got '{requested}'.")
    if requested == "ivf" and n_vectors < 64:
        return "flat"  # too few vectors to train the coarse quantizer
    if requested != "auto":
        return requested
    return "flat" if n_vectors < threshold else "hnsw"


def build_vector_index(vectors: np.ndarray, kind: str) -> Any:
    faiss = _faiss()

    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    n, dim = vectors.shape
    if kind == "flat":
        index = faiss.IndexFlatIP(dim)
    elif kind == "hnsw":
        index = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        index.hnsw.efSearch = HNSW_EF_SEARCH
    elif kind == "ivf":
        nlist = max(1, min(int(4 * math.sqrt(n)), n // 39))  # FAISS wants >= 39 training points per list
        quantizer = faiss.IndexFlatIP(dim)
        index = faiss.IndexIVFFlat(quantizer, dim, nlist, faiss.METRIC_INNER_PRODUCT)
        with _all_cores():
            index.train(vectors)
        index.nprobe = min(nlist, max(8, nlist // 8))
    else:
        raise ConfigError(f"unknown index type '{kind}'")
    if n:
        with _all_cores():
            index.add(vectors)
    return index


def index_kind(index: Any) -> str:
    faiss = _faiss()

    if isinstance(index, faiss.IndexHNSWFlat):
        return "hnsw"
    if isinstance(index, faiss.IndexIVFFlat):
        return "ivf"
    return "flat"


def search_vectors(index: Any, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Row ids and cosine similarities of the ``k`` nearest vectors for each query (-1 = none)."""
    queries = np.ascontiguousarray(queries, dtype=np.float32)
    if queries.ndim == 1:
        queries = queries[None, :]
    k = min(k, index.ntotal)
    if k <= 0:
        empty = np.zeros((queries.shape[0], 0))
        return empty.astype(np.int64), empty.astype(np.float32)
    sims, ids = index.search(queries, k)
    return ids, sims


def write_vector_index(index: Any, path: Path) -> None:
    _faiss().write_index(index, str(path))


def read_vector_index(path: Path) -> Any:
    index = _faiss().read_index(str(path))
    kind = index_kind(index)
    if kind == "hnsw":
        index.hnsw.efSearch = HNSW_EF_SEARCH
    return index


def index_memory_bytes(index: Any) -> int:
    """Bytes the index occupies when serialized (a close proxy for its RAM footprint)."""
    return int(_faiss().serialize_index(index).nbytes)
