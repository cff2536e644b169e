"""Retrieval quality: recall@k and MRR for dense-only, BM25-only and fused search, per language and embedder.

    python benchmarks/retrieval_quality.py                          # both offline embedders
    python benchmarks/retrieval_quality.py --embedders use-multilingual --show-misses
    python benchmarks/retrieval_quality.py --with-cpsyexam          # + CPsyExam explanations as distractors

Question sets: tests/data/retrieval_queries_{zh,en}.jsonl (each question names the article that
answers it). The shipped articles are indexed once per embedder into benchmarks/results/kb-<embedder>/
(incremental on later runs). ``--with-cpsyexam`` adds the decontaminated CPsyExam explanations
(../shared/data; skipped with a message when absent) to the same index and measures again: the
real-data check that a large extra corpus does not push the articles out of the top 5.
Prints a table and writes benchmarks/results/retrieval_quality.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from psycollm.retrieval.evaluation import evaluate, read_queries  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
QUERY_FILES = {"zh": ROOT / "tests/data/retrieval_queries_zh.jsonl", "en": ROOT / "tests/data/retrieval_queries_en.jsonl",
               "cross": ROOT / "tests/data/retrieval_queries_cross.jsonl"}  # cross: English questions, Chinese articles
MODES = ("dense", "lexical", "fused")


def build_kb(embedder: str, index_dir: Path, add: list[str] | None = None):  # noqa: ANN201
    from psycollm.config import load_settings
    from psycollm.retrieval.indexing import BuildConfig, build_index
    from psycollm.retrieval.search import KnowledgeBase

    settings = load_settings(env={})
    settings.retrieval.embedder = embedder
    settings.retrieval.index_dir = str(index_dir)
    settings.retrieval.kb_dir = str(ROOT / "knowledge_base" / "docs")
    config = BuildConfig.from_settings(settings, add=add or [], clear_added=True)
    report = build_index(config)
    return KnowledgeBase(index_dir), report


def run(embedders: list[str], with_cpsyexam: bool, shared: Path, show_misses: bool) -> dict:
    queries = {lang: read_queries(p) for lang, p in QUERY_FILES.items() if p.exists()}
    if not queries:
        raise SystemExit("no question sets in tests/data/retrieval_queries_{zh,en}.jsonl")
    out: dict = {"queries": {lang: len(q) for lang, q in queries.items()}, "runs": [], "machine": platform.platform()}
    corpora: list[tuple[str, list[str]]] = [("articles", [])]
    if with_cpsyexam:
        if not (shared / "cpsyexam").is_dir() or not (shared / "pceb").is_dir():
            print(f"--with-cpsyexam: {shared}/cpsyexam or {shared}/pceb is absent; skipping the real-data check.")
        else:
            from psycollm.retrieval.decontaminate import cpsyexam_explanation_records

            records, counts = cpsyexam_explanation_records(shared / "cpsyexam", shared / "pceb")
            path = RESULTS / "cpsyexam_explanations.jsonl"
            path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
            out["cpsyexam"] = counts
            print(f"CPsyExam: {counts['items']} MCQs, removed {counts['removed']} overlapping PCEB "
                  f"({counts.get('stem', 0)} by stem, {counts.get('case', 0)} by case text); "
                  f"{counts['records']} explanations added as an extra corpus.")
            corpora.append(("articles+cpsyexam", [str(path)]))
    for embedder in embedders:
        for corpus, add in corpora:
            index_dir = RESULTS / f"kb-{embedder.replace('/', '_')}" / corpus
            t0 = time.perf_counter()
            kb, report = build_kb(embedder, index_dir, add)
            build_s = time.perf_counter() - t0
            for mode in MODES:
                for lang, qs in queries.items():
                    misses: list = []
                    t = time.perf_counter()
                    metrics = evaluate(kb, qs, mode=mode, misses=misses)
                    ms = (time.perf_counter() - t) * 1000 / max(1, len(qs))
                    row = {"embedder": embedder, "corpus": corpus, "chunks": report.n_chunks, "mode": mode,
                           "lang": lang, **metrics, "ms_per_query": round(ms, 2), "build_s": round(build_s, 1)}
                    out["runs"].append(row)
                    if show_misses and mode == "fused" and misses:
                        print(f"\n{embedder} {corpus} {lang} fused misses@5:")
                        for m in misses:
                            print(f"  rank {m['rank']}: {m['question']} -> want {m['gold']}, got {m['got'][:3]}")
    return out


def print_table(out: dict) -> None:
    print(f"\nQuestions: {out['queries']}")
    head = f"{'embedder':<18} {'corpus':<18} {'chunks':>6} {'mode':<8} {'lang':<5} {'R@1':>6} {'R@5':>6} {'R@10':>6} {'MRR':>6} {'ms/q':>6}"
    print(head)
    print("-" * len(head))
    for r in out["runs"]:
        print(f"{r['embedder']:<18} {r['corpus']:<18} {r['chunks']:>6} {r['mode']:<8} {r['lang']:<5} "
              f"{r['recall@1']:>6.3f} {r['recall@5']:>6.3f} {r['recall@10']:>6.3f} {r['mrr']:>6.3f} {r['ms_per_query']:>6.1f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--embedders", nargs="+", default=["use-multilingual", "minilm"])
    parser.add_argument("--with-cpsyexam", action="store_true", help="Also measure with CPsyExam explanations added.")
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--show-misses", action="store_true", help="List fused misses at rank 5.")
    parser.add_argument("--out", type=Path, default=RESULTS / "retrieval_quality.json")
    args = parser.parse_args(argv)
    import logging

    logging.basicConfig(level=logging.WARNING)
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = run(args.embedders, args.with_cpsyexam, args.shared, args.show_misses)
    print_table(out)
    args.out.write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
