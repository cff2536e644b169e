"""The knowledge base the Counselor asks: hybrid search (dense + BM25, fused by RRF) over the index.

    kb = KnowledgeBase.from_settings(settings)             # loads; builds first if missing or outdated
    for src in kb.search("考试前睡不着怎么办", k=4):
        print(src.score, src.title, src.source)
    kb.search_hits("insomnia", k=5, mode="lexical")          # per-channel ranks and scores
    kb.stats()

``from_settings(build_if_missing=True)`` (the app) builds the index when it is missing or corrupt,
and rebuilds it incrementally when the embedder, the chunking or the source files changed since
the last build. ``build_if_missing=False`` (``psycollm kb search``) raises `IndexMissing` with the
command to run instead. A running app notices a newer build (``psycollm kb build`` in another
shell) on its next search and switches to it.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from psycollm.errors import IndexMissing
from psycollm.retrieval.fusion import rrf_fuse
from psycollm.retrieval.indexing import BuildConfig, build_dir, build_index, read_manifest
from psycollm.retrieval.types import Source

log = logging.getLogger(__name__)

MODES = ("fused", "dense", "lexical")
CANDIDATES = 50  # per channel, before fusion


@dataclass
class Hit:
    """One search result with the evidence behind its rank (for `kb search` and the benchmarks)."""

    row: int
    score: float  # fused (or the single channel's) score
    dense_rank: int | None
    dense_score: float | None  # cosine similarity
    lexical_rank: int | None
    lexical_score: float | None  # BM25
    chunk: dict[str, Any]

    def to_source(self) -> Source:
        c = self.chunk
        return Source(chunk_id=c["chunk_id"], doc_id=c["doc_id"], title=c["title"], text=c["text"],
                      score=round(float(self.score), 4), lang=c["lang"], source=c["citation"] or c["path"])


class KnowledgeBase:
    """Loaded index: docstore, FAISS vectors, BM25. Thread-safe for concurrent searches."""

    def __init__(self, index_dir: Path, *, min_score: float = 0.0, candidates: int = CANDIDATES,
                 embedder: Any = None) -> None:
        """``embedder``: embed queries with this object instead of the registered model the index
        names (benchmarks and tests with embedders of their own)."""
        self.index_dir = Path(index_dir)
        self._embedder_override = embedder
        self.min_score = min_score
        self.candidates = candidates
        self._lock = threading.Lock()
        self._manifest_mtime: int | None = None
        self._load()

    # -- loading ----------------------------------------------------------------------------------------
    def _load(self) -> None:
        """Read the current build; one retry covers a build swapped in between manifest and files."""
        for attempt in range(2):
            manifest = read_manifest(self.index_dir)
            try:
                self._load_build(manifest)
                return
            except FileNotFoundError:
                if attempt == 1 or read_manifest(self.index_dir)["build_id"] == manifest["build_id"]:
                    raise IndexMissing(f"The knowledge-base index at {self.index_dir} is incomplete (build "
                                       f"{manifest['build_id']} has missing files). Rebuild it with "
                                       "`psycollm kb build`.") from None

    def _load_build(self, manifest: dict[str, Any]) -> None:
        from psycollm.retrieval.docstore import read_docstore
        from psycollm.retrieval.lexical import BM25Index
        from psycollm.retrieval.vector_index import read_vector_index

        folder = build_dir(self.index_dir, manifest["build_id"])
        mtime = (self.index_dir / "manifest.json").stat().st_mtime_ns
        try:
            store = read_docstore(folder / "docstore.parquet")
            vectors = read_vector_index(folder / "dense.faiss")
            bm25 = BM25Index.load(folder / "bm25") if len(store) else None
        except FileNotFoundError:
            raise
        except Exception as exc:  # pyarrow, faiss and numpy each raise their own kinds on damaged files
            raise IndexMissing(f"The knowledge-base index at {self.index_dir} is corrupt ({exc.__class__.__name__}: "
                               f"{exc}). Rebuild it with `psycollm kb build`.") from None
        n = len(store)
        if vectors.ntotal != n or (bm25 is not None and bm25.num_docs != n) or vectors.d != manifest.get("dim"):
            raise IndexMissing(f"The knowledge-base index at {self.index_dir} is inconsistent ({n} chunks, "
                               f"{vectors.ntotal} vectors). Rebuild it with `psycollm kb build`.")
        # One assignment, so a concurrent search sees either the old build or the new one, never a mix.
        self._state = (manifest, store, vectors, bm25)
        self._manifest_mtime = mtime

    def _maybe_reload(self) -> None:
        try:
            mtime = (self.index_dir / "manifest.json").stat().st_mtime_ns
        except OSError:
            return  # keep serving what is loaded
        if mtime == self._manifest_mtime:
            return
        with self._lock:
            if mtime == self._manifest_mtime:
                return
            try:
                self._load()
                log.info("knowledge base reloaded: build %s", self.manifest["build_id"])
            except IndexMissing as exc:
                log.warning("a new index build could not be loaded (%s); keeping the previous one", exc)
                self._manifest_mtime = mtime

    @property
    def manifest(self) -> dict[str, Any]:
        return self._state[0]

    @property
    def store(self):  # noqa: ANN201 (Docstore)
        return self._state[1]

    @property
    def vectors(self):  # noqa: ANN201 (a FAISS index)
        return self._state[2]

    @property
    def bm25(self):  # noqa: ANN201 (BM25Index | None)
        return self._state[3]

    @property
    def embedder_name(self) -> str:
        return str(self.manifest["embedder"])

    def embedder(self, manifest: dict[str, Any] | None = None):  # noqa: ANN201 (an Embedder)
        """The model that embeds queries: the one that built the index (loaded once per process)."""
        if self._embedder_override is not None:
            return self._embedder_override
        from psycollm.retrieval.embedders import get_embedder

        return get_embedder(str((manifest or self.manifest)["embedder"]))

    # -- construction from settings -------------------------------------------------------------------
    @classmethod
    def from_settings(cls, settings: Any, build_if_missing: bool = True) -> KnowledgeBase:
        config = BuildConfig.from_settings(settings)
        r = settings.retrieval
        try:
            manifest = read_manifest(config.index_dir)
            reason = outdated_reason(manifest, config)
        except IndexMissing as exc:
            if not build_if_missing:
                raise
            reason = str(exc).split(".")[0]
        if reason:
            if not build_if_missing:
                if reason.startswith("embedder") or reason.startswith("chunking"):
                    raise IndexMissing(f"The knowledge-base index at {config.index_dir} does not match the settings "
                                       f"({reason}). Rebuild it with `psycollm kb build`.")
                log.warning("knowledge base is out of date (%s); run `psycollm kb build`", reason)
            else:
                log.info("building the knowledge base (%s)", reason)
                build_index(config, reason=reason)
        try:
            kb = cls(config.index_dir, min_score=r.min_score)
        except IndexMissing:
            if not build_if_missing:
                raise
            log.warning("the index could not be loaded; rebuilding it from scratch")
            build_index(config, full=True, reason="unreadable index")
            kb = cls(config.index_dir, min_score=r.min_score)
        if build_if_missing and len(kb.store):
            kb.warm()
        return kb

    def warm(self) -> None:
        """Load the query embedder and jieba's dictionary now (1-2 s), not on the first user's message."""
        from psycollm.retrieval.lexical import tokenize

        self.embedder()
        tokenize("预热 warm-up")

    # -- search -----------------------------------------------------------------------------------------
    def search(self, query: str, k: int = 4) -> list[Source]:
        """The ``k`` best chunks for ``query`` (fused dense + BM25), as cited sources."""
        return [h.to_source() for h in self.search_hits(query, k) if h.score >= self.min_score]

    def search_hits(self, query: str, k: int = 5, mode: str = "fused",
                    query_vector: np.ndarray | None = None) -> list[Hit]:
        """Ranked hits with per-channel evidence. ``mode``: fused, dense or lexical.
        ``query_vector`` skips the query embedding (benchmarks time the two parts separately)."""
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        self._maybe_reload()
        query = (query or "").strip()
        manifest, store, vectors, bm25 = self._state  # one consistent snapshot
        if not query or k <= 0 or len(store) == 0:
            return []
        depth = max(k, self.candidates)
        dense: dict[int, tuple[int, float]] = {}
        lexical: dict[int, tuple[int, float]] = {}
        if mode in ("fused", "dense"):
            from psycollm.retrieval.vector_index import search_vectors

            qv = query_vector if query_vector is not None else self.embedder(manifest).encode_queries([query])
            ids, sims = search_vectors(vectors, qv, depth)
            rank = 0
            for i, s in zip(ids[0], sims[0], strict=True):
                if i >= 0:
                    rank += 1
                    dense[int(i)] = (rank, float(s))
        if mode in ("fused", "lexical") and bm25 is not None:
            from psycollm.retrieval.lexical import tokenize

            ids, scores = bm25.search(tokenize(query), depth)
            lexical = {int(i): (r, float(s)) for r, (i, s) in enumerate(zip(ids, scores, strict=True), 1)}
        if mode == "dense":
            ranked = [(i, s) for i, (_, s) in dense.items()]
        elif mode == "lexical":
            ranked = [(i, s) for i, (_, s) in lexical.items()]
        else:
            ranked = rrf_fuse([list(dense), list(lexical)])
        hits = []
        for row, score in ranked[:k]:
            d, lx = dense.get(row), lexical.get(row)
            hits.append(Hit(row=row, score=score, dense_rank=d[0] if d else None, dense_score=d[1] if d else None,
                            lexical_rank=lx[0] if lx else None, lexical_score=lx[1] if lx else None,
                            chunk=store.row(row)))
        return hits

    # -- stats --------------------------------------------------------------------------------------------
    def stats(self) -> dict[str, Any]:
        from psycollm.retrieval.vector_index import index_memory_bytes

        cols = self.store.columns
        by_lang: dict[str, int] = {}
        for lang in cols["lang"]:
            by_lang[lang] = by_lang.get(lang, 0) + 1
        docs = set(cols["doc_id"])
        folder = build_dir(self.index_dir, self.manifest["build_id"])
        disk = sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())
        m = self.manifest
        return {
            "index_dir": str(self.index_dir), "build_id": m["build_id"], "created_at": m["created_at"],
            "embedder": m["embedder"], "embedder_fingerprint": m["embedder_fingerprint"], "dim": m["dim"],
            "index_type": m["index_type"], "documents": len(docs), "chunks": len(self.store),
            "chunks_by_lang": by_lang, "chunk_size": m["chunk_size"], "chunk_overlap": m["chunk_overlap"],
            "sources": m["source_paths"], "added_paths": m["added_paths"], "disk_bytes": disk,
            "vector_index_bytes": index_memory_bytes(self.vectors),
            "avg_chunk_chars": round(sum(map(len, cols["text"])) / max(1, len(self.store)), 1),
        }


def outdated_reason(manifest: dict[str, Any], config: BuildConfig) -> str:
    """Why the index on disk no longer matches ``config`` ('' when it does)."""
    from psycollm.retrieval.embedders import canonical_name

    if canonical_name(manifest.get("embedder", "")) != config.embedder:
        return f"embedder changed: index built with {manifest.get('embedder')}, settings ask for {config.embedder}"
    if (manifest.get("chunk_size"), manifest.get("chunk_overlap")) != (config.chunk_size, config.chunk_overlap):
        return "chunking changed"
    if manifest.get("requested_index_type", "auto") != config.index_type:
        return "index type changed"
    if sorted(manifest.get("source_paths", [])) != sorted(str(p) for p in config.source_paths):
        return "source folders changed"
    if manifest.get("source_fingerprint") != config.fingerprint():
        return "documents changed"
    return ""
