"""`psycollm kb`: build, search and inspect the knowledge base.

    psycollm kb build                          # shipped articles (+ retrieval.extra_paths), incremental
    psycollm kb build --add notes/ paper.pdf   # also index these (remembered for later builds)
    psycollm kb build --clear-added --full     # forget added paths, re-embed everything
    psycollm kb search "考试焦虑怎么办" -k 5      # ranked chunks with scores and sources
    psycollm kb search "insomnia" --mode lexical --json
    psycollm kb stats
    psycollm kb import-cpsyexam --out cpsyexam.jsonl   # decontaminated CPsyExam explanations
    psycollm kb build --add cpsyexam.jsonl
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from psycollm.config import add_settings_arguments, settings_from_args

DEFAULT_SHARED = Path("../shared/data")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="psycollm kb", description="Knowledge base: build, search, stats.")
    sub = parser.add_subparsers(dest="action", required=True)

    p = sub.add_parser("build", help="Build or update the index (only new or changed chunks are embedded).")
    p.add_argument("--add", nargs="+", default=[], metavar="PATH",
                   help="Files or folders (md, txt, pdf, jsonl) to index as well; remembered by the index.")
    p.add_argument("--clear-added", action="store_true", help="Forget paths added by earlier --add.")
    p.add_argument("--full", action="store_true", help="Re-embed every chunk (ignore the previous build).")
    p.add_argument("--index-type", choices=["auto", "flat", "hnsw", "ivf"],
                   help="FAISS index type (default: retrieval.index_type).")
    add_settings_arguments(p)

    p = sub.add_parser("search", help="Search the index; prints ranked chunks with scores and sources.")
    p.add_argument("query")
    p.add_argument("-k", type=int, default=5, help="Number of results (default 5).")
    p.add_argument("--mode", choices=["fused", "dense", "lexical"], default="fused",
                   help="fused (dense + BM25 by reciprocal rank fusion, what the app uses), dense or lexical.")
    p.add_argument("--json", action="store_true", help="One JSON object per hit.")
    add_settings_arguments(p)

    p = sub.add_parser("stats", help="What the index holds.")
    p.add_argument("--json", action="store_true")
    add_settings_arguments(p)

    p = sub.add_parser("import-cpsyexam", help="Write CPsyExam explanations, minus every item overlapping PCEB, "
                       "as JSONL for `kb build --add`.")
    p.add_argument("--cpsyexam", default=str(DEFAULT_SHARED / "cpsyexam"), help="CPsyExam folder (with the zips).")
    p.add_argument("--pceb", default=str(DEFAULT_SHARED / "pceb"), help="PCEB folder.")
    p.add_argument("--out", required=True, help="JSONL file to write.")

    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if args.action == "import-cpsyexam":
        return _import_cpsyexam(args)
    settings = settings_from_args(args)
    if args.action == "build":
        return _build(args, settings)
    if args.action == "search":
        return _search(args, settings)
    return _stats(args, settings)


def _build(args: argparse.Namespace, settings) -> int:  # noqa: ANN001
    from psycollm.retrieval.indexing import BuildConfig, build_index

    if args.index_type:
        settings.retrieval.index_type = args.index_type
    config = BuildConfig.from_settings(settings, add=args.add, clear_added=args.clear_added)
    print(f"Sources: {', '.join(str(p) for p in config.source_paths) or '(none)'}", file=sys.stderr)
    bar = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            from tqdm import tqdm

            bar = tqdm(total=total, desc="embedding chunks", unit="chunk", disable=not sys.stderr.isatty())
        bar.update(done - bar.n)

    report = build_index(config, full=args.full, reason="psycollm kb build", progress=progress)
    if bar is not None:
        bar.close()
    print(report.summary())
    if report.n_chunks == 0:
        print("Warning: no documents were found; the knowledge base is empty.", file=sys.stderr)
    return 0


def _search(args: argparse.Namespace, settings) -> int:  # noqa: ANN001
    from psycollm.retrieval.search import KnowledgeBase

    kb = KnowledgeBase.from_settings(settings, build_if_missing=False)
    hits = kb.search_hits(args.query, k=args.k, mode=args.mode)
    if args.json:
        for rank, h in enumerate(hits, 1):
            print(json.dumps({"rank": rank, "score": round(h.score, 4), "dense_rank": h.dense_rank,
                              "dense_score": h.dense_score, "lexical_rank": h.lexical_rank,
                              "lexical_score": h.lexical_score, **h.chunk}, ensure_ascii=False))
        return 0
    if not hits:
        print("No results.")
        return 0
    for rank, h in enumerate(hits, 1):
        c = h.chunk
        channels = []
        if h.dense_rank is not None:
            channels.append(f"dense #{h.dense_rank} cos {h.dense_score:.3f}")
        if h.lexical_rank is not None:
            channels.append(f"bm25 #{h.lexical_rank} {h.lexical_score:.2f}")
        head = c["title"] + (f" › {c['section']}" if c["section"] else "")
        print(f"{rank}. [{h.score:.3f}] {head}  ({c['chunk_id']}; {', '.join(channels) or '-'})")
        print(f"   source: {c['citation'] or c['path']}")
        text = " ".join(c["text"].split())
        print(f"   {text[:240]}{'…' if len(text) > 240 else ''}")
    return 0


def _stats(args: argparse.Namespace, settings) -> int:  # noqa: ANN001
    from psycollm.retrieval.indexing import BuildConfig, read_manifest
    from psycollm.retrieval.search import KnowledgeBase, outdated_reason

    kb = KnowledgeBase.from_settings(settings, build_if_missing=False)
    stats = kb.stats()
    stats["outdated"] = outdated_reason(read_manifest(kb.index_dir), BuildConfig.from_settings(settings)) or None
    if args.json:
        print(json.dumps(stats, ensure_ascii=False, indent=1))
        return 0
    langs = ", ".join(f"{k} {v}" for k, v in sorted(stats["chunks_by_lang"].items()))
    print(f"index      {stats['index_dir']} (build {stats['build_id']}, {stats['created_at']})")
    print(f"documents  {stats['documents']}")
    print(f"chunks     {stats['chunks']} ({langs}); avg {stats['avg_chunk_chars']} chars; "
          f"size {stats['chunk_size']}, overlap {stats['chunk_overlap']}")
    print(f"embedder   {stats['embedder']} ({stats['dim']}-dim; {stats['embedder_fingerprint']})")
    print(f"vectors    {stats['index_type']} FAISS index, {stats['vector_index_bytes'] / 1e6:.1f} MB; "
          f"on disk {stats['disk_bytes'] / 1e6:.1f} MB in all")
    print(f"sources    {'; '.join(stats['sources'])}")
    print(f"status     {'out of date: ' + stats['outdated'] + ' (run `psycollm kb build`)' if stats['outdated'] else 'up to date'}")
    return 0


def _import_cpsyexam(args: argparse.Namespace) -> int:
    import os
    import tempfile

    from psycollm.retrieval.decontaminate import cpsyexam_explanation_records

    for label, path in (("CPsyExam", args.cpsyexam), ("PCEB", args.pceb)):
        if not Path(path).is_dir():
            print(f"psycollm kb import-cpsyexam: {label} folder {path} not found (pass --{label.lower()}).",
                  file=sys.stderr)
            return 1
    records, counts = cpsyexam_explanation_records(args.cpsyexam, args.pceb)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=out.name + ".", dir=out.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        for rec in records:
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
    os.replace(tmp, out)
    print(f"CPsyExam: {counts['items']} MCQs; removed {counts['removed']} overlapping PCEB "
          f"({counts.get('stem', 0)} by stem, {counts.get('case', 0)} by case text; "
          f"{counts['removed_with_explanation']} of them had explanations); "
          f"wrote {counts['records']} explanation documents to {out}.")
    print(f"Next: psycollm kb build --add {out}")
    return 0
