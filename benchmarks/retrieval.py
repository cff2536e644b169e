"""Retrieval speed: build time, query latency p50/p95 and index memory at 1k, 10k and 100k chunks.

    python benchmarks/retrieval.py                        # 1k, 10k, 100k chunks (~15 min on 2 cores)
    python benchmarks/retrieval.py --sizes 1000 10000     # quicker
    python benchmarks/retrieval.py --vectors synthetic    # skip real embedding of the corpus (index timings only)

Corpus: synthetic chunks recombined from the sentences of the shipped articles (half Chinese, half
English, ~3 sentences each), written as JSONL and indexed by the real pipeline (`build_index`:
ingest, chunking, embedding, jieba/BM25, FAISS, Parquet). Query latency is measured three ways:
the query embedding alone, the search given the query vector (dense FAISS + BM25 + RRF fusion +
docstore rows: what the goal "p50 < 5 ms at 100k excluding the query embedding" is about), and each
channel alone. Each size is also searched with the other FAISS index types built from the same
vectors (flat vs HNSW vs IVF: latency and recall@10 against exact search), which is how
``AUTO_THRESHOLD`` was chosen. Prints tables and writes benchmarks/results/retrieval.json.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import random
import re
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RESULTS = ROOT / "benchmarks" / "results"
QUERY_FILES = [ROOT / "tests/data/retrieval_queries_zh.jsonl", ROOT / "tests/data/retrieval_queries_en.jsonl"]


def article_sentences() -> dict[str, list[str]]:
    from psycollm.retrieval.ingest import load_path

    out: dict[str, list[str]] = {"zh": [], "en": []}
    for doc in load_path(ROOT / "knowledge_base" / "docs", articles_only=True):
        for s in re.split(r"(?<=[。！？；])|(?<=[.!?;])\s+|\n+", doc.text):
            s = s.strip(" -*#>\t")
            if len(s) >= 12:
                out["zh" if doc.lang == "zh" else "en"].append(s)
    return out


def synthetic_corpus(n: int, sentences: dict[str, list[str]], path: Path, seed: int = 0) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as f:
        for i in range(n):
            lang = "zh" if i % 2 == 0 else "en"
            pool = sentences[lang]
            text = ("" if lang == "zh" else " ").join(rng.sample(pool, 3))[:380]
            f.write(json.dumps({"id": f"syn-{i}", "title": f"synthetic {lang} {i // 100}", "text": text,
                                "lang": lang}, ensure_ascii=False) + "\n")


def queries(limit: int = 200) -> list[str]:
    from psycollm.retrieval.evaluation import read_queries

    qs = [q.question for p in QUERY_FILES if p.exists() for q in read_queries(p)]
    return (qs * (limit // max(1, len(qs)) + 1))[:limit] if qs else ["焦虑", "sleep"] * (limit // 2)


class SyntheticEmbedder:
    """Deterministic random unit vectors (by text hash): for timing the index without embedding cost."""

    name = "synthetic"
    fingerprint = "synthetic-v1"
    dim = 512

    def encode_documents(self, texts):  # noqa: ANN001, ANN201
        import hashlib

        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for i, t in enumerate(texts):
            seed = int.from_bytes(hashlib.blake2b(t.encode(), digest_size=8).digest(), "little")
            out[i] = np.random.default_rng(seed).standard_normal(self.dim)
        return out / np.linalg.norm(out, axis=1, keepdims=True)

    encode_queries = encode_documents


def pct(values: list[float], p: float) -> float:
    return float(np.percentile(np.asarray(values), p))


def time_calls(fn, items) -> list[float]:  # noqa: ANN001
    out = []
    for it in items:
        t = time.perf_counter()
        fn(it)
        out.append((time.perf_counter() - t) * 1000)
    return out


def bench_size(n: int, vectors: str, embedder_name: str, sentences: dict[str, list[str]], qs: list[str],
               workdir: Path) -> dict:
    import psutil

    from psycollm.retrieval.embedders import get_embedder
    from psycollm.retrieval.indexing import BuildConfig, build_index
    from psycollm.retrieval.search import KnowledgeBase
    from psycollm.retrieval.vector_index import build_vector_index, index_memory_bytes, search_vectors

    corpus = workdir / f"synthetic-{n}.jsonl"
    synthetic_corpus(n, sentences, corpus)
    index_dir = workdir / f"index-{n}-{vectors}"
    import shutil

    shutil.rmtree(index_dir, ignore_errors=True)
    embedder = get_embedder(embedder_name) if vectors == "real" else SyntheticEmbedder()
    config = BuildConfig(index_dir=index_dir, embedder=embedder.name, kb_dir=None, added_paths=[corpus])
    t = time.perf_counter()
    report = build_index(config, embedder=embedder)
    build_s = time.perf_counter() - t

    gc.collect()
    proc = psutil.Process()
    rss0 = proc.memory_info().rss
    kb = KnowledgeBase(index_dir, embedder=embedder)
    load_rss = proc.memory_info().rss - rss0

    qvecs = embedder.encode_queries(qs)
    embed_ms = time_calls(lambda q: embedder.encode_queries([q]), qs)
    for i in range(10):  # warm-up
        kb.search_hits(qs[i], k=5, query_vector=qvecs[i:i + 1])
    fused_ms = time_calls(lambda i: kb.search_hits(qs[i], k=5, query_vector=qvecs[i:i + 1]), range(len(qs)))
    dense_ms = time_calls(lambda i: kb.search_hits(qs[i], k=5, mode="dense", query_vector=qvecs[i:i + 1]),
                          range(len(qs)))
    lexical_ms = time_calls(lambda q: kb.search_hits(q, k=5, mode="lexical"), qs)
    end_to_end_ms = time_calls(lambda q: kb.search(q, k=5), qs)

    folder = index_dir / "builds" / kb.manifest["build_id"]
    disk = {f.name: f.stat().st_size for f in folder.iterdir() if f.is_file()}
    disk["bm25/"] = sum(f.stat().st_size for f in (folder / "bm25").iterdir())
    row = {
        "chunks": report.n_chunks, "vectors": vectors, "embedder": embedder.name, "index_type": report.index_type,
        "build_s": round(build_s, 2), "build_embed_s": round(report.embed_seconds, 2),
        "build_without_embed_s": round(build_s - report.embed_seconds, 2),
        "embed_chunks_per_s": round(report.n_chunks / report.embed_seconds, 1) if report.embed_seconds else None,
        "query_embed_ms_p50": round(pct(embed_ms, 50), 3), "query_embed_ms_p95": round(pct(embed_ms, 95), 3),
        "search_ms_p50": round(pct(fused_ms, 50), 3), "search_ms_p95": round(pct(fused_ms, 95), 3),
        "dense_ms_p50": round(pct(dense_ms, 50), 3), "dense_ms_p95": round(pct(dense_ms, 95), 3),
        "lexical_ms_p50": round(pct(lexical_ms, 50), 3), "lexical_ms_p95": round(pct(lexical_ms, 95), 3),
        "end_to_end_ms_p50": round(pct(end_to_end_ms, 50), 3), "end_to_end_ms_p95": round(pct(end_to_end_ms, 95), 3),
        "vector_index_mb": round(index_memory_bytes(kb.vectors) / 1e6, 2),
        "disk_mb": {k: round(v / 1e6, 2) for k, v in disk.items()}, "load_rss_mb": round(load_rss / 1e6, 1),
    }

    # The same vectors in each FAISS index type: latency and recall@10 against exact search.
    vecs = np.load(folder / "embeddings.npy")
    exact = build_vector_index(vecs, "flat")
    truth = search_vectors(exact, qvecs, 10)[0]
    row["index_types"] = {}
    for kind in ("flat", "hnsw", "ivf"):
        t = time.perf_counter()
        index = exact if kind == "flat" else build_vector_index(vecs, kind)
        b = time.perf_counter() - t
        lat = time_calls(lambda i, index=index: search_vectors(index, qvecs[i:i + 1], 50), range(len(qs)))
        got = search_vectors(index, qvecs, 10)[0]
        recall = float(np.mean([len(set(got[i]) & set(truth[i])) / 10 for i in range(len(qs))]))
        row["index_types"][kind] = {"build_s": round(b, 2), "ms_p50": round(pct(lat, 50), 3),
                                    "ms_p95": round(pct(lat, 95), 3), "recall@10_vs_exact": round(recall, 4),
                                    "mb": round(index_memory_bytes(index) / 1e6, 1)}
    return row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", type=int, default=[1000, 10_000, 100_000])
    parser.add_argument("--vectors", choices=["real", "synthetic"], default="real",
                        help="real: embed the corpus with --embedder; synthetic: random unit vectors.")
    parser.add_argument("--embedder", default="use-multilingual")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--out", type=Path, default=RESULTS / "retrieval.json")
    args = parser.parse_args(argv)
    import logging

    logging.basicConfig(level=logging.WARNING)
    RESULTS.mkdir(parents=True, exist_ok=True)
    workdir = RESULTS / "speed"
    workdir.mkdir(exist_ok=True)
    sentences = article_sentences()
    qs = queries(args.queries)
    rows = []
    load_before = os.getloadavg()
    for n in args.sizes:
        print(f"... {n} chunks", flush=True)
        rows.append(bench_size(n, args.vectors, args.embedder, sentences, qs, workdir))
        print(json.dumps(rows[-1], ensure_ascii=False), flush=True)

    print(f"\nqueries: {len(qs)}; vectors: {args.vectors}; times in ms; machine: {platform.platform()}")
    head = (f"{'chunks':>7} {'index':<5} {'build s':>8} {'(embed s)':>9} {'q-embed p50':>11} {'search p50':>10} "
            f"{'p95':>6} {'dense p50':>9} {'bm25 p50':>8} {'e2e p50':>8} {'vec MB':>7} {'RSS MB':>7}")
    print(head)
    print("-" * len(head))
    for r in rows:
        print(f"{r['chunks']:>7} {r['index_type']:<5} {r['build_s']:>8.1f} {r['build_embed_s']:>9.1f} "
              f"{r['query_embed_ms_p50']:>11.2f} {r['search_ms_p50']:>10.2f} {r['search_ms_p95']:>6.2f} "
              f"{r['dense_ms_p50']:>9.2f} {r['lexical_ms_p50']:>8.2f} {r['end_to_end_ms_p50']:>8.2f} "
              f"{r['vector_index_mb']:>7.1f} {r['load_rss_mb']:>7.1f}")
    print(f"\n{'chunks':>7} {'type':<5} {'build s':>8} {'p50 ms':>7} {'p95 ms':>7} {'recall@10':>9} {'MB':>6}")
    for r in rows:
        for kind, v in r["index_types"].items():
            print(f"{r['chunks']:>7} {kind:<5} {v['build_s']:>8.2f} {v['ms_p50']:>7.3f} {v['ms_p95']:>7.3f} "
                  f"{v['recall@10_vs_exact']:>9.3f} {v['mb']:>6.1f}")
    load = {"before": load_before, "after": os.getloadavg()}
    print(f"load average before/after (2 cores shared with other jobs): {load['before']} / {load['after']}")
    args.out.write_text(json.dumps({"rows": rows, "queries": len(qs), "machine": platform.platform(),
                                    "loadavg": load}, indent=1), encoding="utf-8")
    print(f"\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
