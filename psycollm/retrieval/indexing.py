"""Build the knowledge-base index: ingest -> chunk -> embed (only what changed) -> FAISS + BM25 -> swap in.

    report = build_index(BuildConfig.from_settings(settings, add=["notes/"]))
    print(report.summary())

On disk (``settings.index_path``)::

    manifest.json          which build is current + everything about it (embedder, sizes, sources)
    builds/<build-id>/     docstore.parquet, embeddings.npy, dense.faiss, bm25/ (npy + json)
    .lock                  held while building, so two processes never build at once

A build writes a fresh ``builds/<id>/`` folder, then replaces ``manifest.json`` atomically
(temp file + ``os.replace``) and only then deletes older builds: a crash at any point leaves the
previous index usable, and a reader never sees half an index.

Incremental: chunks are keyed by the SHA-256 of their text (with title and section); vectors of
chunks whose hash is in the current build are copied, only new or edited chunks are embedded.
Reuse requires the same embedder fingerprint: vectors of two models are not comparable, so an
embedder change re-embeds everything (and the manifest records which embedder built the index).
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from psycollm.errors import IndexMissing
from psycollm.retrieval.chunking import Chunk, chunk_document
from psycollm.retrieval.embedders import Embedder, canonical_name, get_embedder
from psycollm.retrieval.ingest import ensure_unique_ids, file_fingerprint, load_path, resolve_kb_dir

log = logging.getLogger(__name__)

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
EMBED_BATCH = 64


@dataclass
class BuildConfig:
    """What to index and how; ``from_settings`` maps the retrieval settings onto it."""

    index_dir: Path
    embedder: str = "use-multilingual"
    kb_dir: Path | None = None  # shipped articles (only files with front matter count)
    extra_paths: list[Path] = field(default_factory=list)  # from settings.retrieval.extra_paths
    added_paths: list[Path] = field(default_factory=list)  # from `kb build --add`, remembered by the index
    chunk_size: int = 400
    chunk_overlap: int = 60
    index_type: str = "auto"
    threads: int = 1  # BLAS threads for the embedder (see embedders.UniversalSentenceEncoder)

    @classmethod
    def from_settings(cls, settings: Any, add: Sequence[str | os.PathLike[str]] = (),
                      clear_added: bool = False) -> BuildConfig:
        r = settings.retrieval
        index_dir = Path(settings.index_path)
        added: list[Path] = []
        if not clear_added:
            manifest = read_manifest(index_dir, missing_ok=True)
            added = [Path(p) for p in (manifest or {}).get("added_paths", [])]
        for p in add:
            path = Path(p).expanduser().resolve()
            if path not in added:
                added.append(path)
        return cls(index_dir=index_dir, embedder=canonical_name(r.embedder),
                   kb_dir=resolve_kb_dir(r.kb_dir) if r.kb_dir else None,
                   extra_paths=[Path(p).expanduser().resolve() for p in r.extra_paths], added_paths=added,
                   chunk_size=r.chunk_size, chunk_overlap=r.chunk_overlap, index_type=r.index_type)

    @property
    def source_paths(self) -> list[Path]:
        paths = [self.kb_dir] if self.kb_dir is not None else []
        for p in [*self.extra_paths, *self.added_paths]:
            if p not in paths:
                paths.append(p)
        return paths

    def fingerprint(self) -> str:
        return file_fingerprint(self.source_paths)


@dataclass
class BuildReport:
    index_dir: str
    build_id: str
    embedder: str
    index_type: str
    n_docs: int
    n_chunks: int
    embedded: int  # chunks embedded in this build
    reused: int  # chunks whose vector came from the previous build
    seconds: float
    embed_seconds: float
    reason: str = ""
    by_lang: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        if self.reason == "up to date":
            return f"Up to date: {self.n_docs} documents, {self.n_chunks} chunks, nothing to re-embed ({self.index_dir})."
        langs = ", ".join(f"{k}: {v}" for k, v in sorted(self.by_lang.items())) or "none"
        return (f"Indexed {self.n_docs} documents as {self.n_chunks} chunks ({langs}) in {self.seconds:.1f} s: "
                f"{self.embedded} embedded ({self.embed_seconds:.1f} s), {self.reused} reused. "
                f"Embedder {self.embedder}, {self.index_type} index, at {self.index_dir}.")


# ---------------------------------------------------------------------------------------------------
# Manifest


def read_manifest(index_dir: Path, missing_ok: bool = False) -> dict[str, Any] | None:
    path = Path(index_dir) / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        if missing_ok:
            return None
        raise IndexMissing(f"No knowledge-base index at {index_dir}. Build it with `psycollm kb build`.") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        if missing_ok:
            return None
        raise IndexMissing(f"The knowledge-base index at {index_dir} is corrupt ({MANIFEST}: {exc}). "
                           "Rebuild it with `psycollm kb build`.") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT_VERSION or "build_id" not in data:
        if missing_ok:
            return None
        raise IndexMissing(f"The knowledge-base index at {index_dir} has an unknown format. "
                           "Rebuild it with `psycollm kb build`.")
    return data


def _write_json_atomic(path: Path, data: dict[str, Any]) -> None:
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f, ensure_ascii=False, indent=1)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def build_dir(index_dir: Path, build_id: str) -> Path:
    return Path(index_dir) / "builds" / build_id


# ---------------------------------------------------------------------------------------------------
# Build


def collect_chunks(config: BuildConfig) -> tuple[int, list[Chunk]]:
    docs = []
    if config.kb_dir is not None:
        if config.kb_dir.is_dir():
            docs.extend(load_path(config.kb_dir, articles_only=True))
        else:
            log.warning("knowledge-base folder %s does not exist; indexing only the extra paths", config.kb_dir)
    for path in [*config.extra_paths, *config.added_paths]:
        if path == config.kb_dir:
            continue
        docs.extend(load_path(path))
    docs = ensure_unique_ids(docs)
    chunks = [c for d in docs for c in chunk_document(d, config.chunk_size, config.chunk_overlap)]
    return len(docs), chunks


def build_index(config: BuildConfig, *, embedder: Embedder | None = None, full: bool = False,
                reason: str = "", progress: Callable[[int, int], None] | None = None) -> BuildReport:
    """Build (or incrementally rebuild) the index described by ``config``; returns what was done.

    ``full`` re-embeds every chunk. Only one process builds at a time (a file lock); a second one
    waits, then finds the fresh index and reuses all of its vectors.
    """
    from filelock import FileLock

    started = time.perf_counter()
    index_dir = Path(config.index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    with FileLock(str(index_dir / ".lock")):
        fingerprint = config.fingerprint()
        n_docs, chunks = collect_chunks(config)
        previous = read_manifest(index_dir, missing_ok=True)
        digest = _chunks_digest(chunks, config)
        if previous and not full and previous.get("chunks_digest") == digest \
                and canonical_name(previous.get("embedder", "")) == config.embedder \
                and (embedder is None or previous.get("embedder_fingerprint") == embedder.fingerprint) \
                and build_dir(index_dir, previous["build_id"]).is_dir():
            if previous.get("source_fingerprint") != fingerprint:  # touched files, same content
                previous["source_fingerprint"] = fingerprint
                _write_json_atomic(index_dir / MANIFEST, previous)
            known = {f.name for f in dataclasses.fields(BuildReport)}
            old = {k: v for k, v in previous.get("report", {}).items() if k in known}
            report = BuildReport(**{**old, "embedded": 0, "reused": old.get("n_chunks", 0),
                                    "seconds": time.perf_counter() - started, "embed_seconds": 0.0,
                                    "reason": "up to date"})
            log.info("knowledge base is up to date (build %s)", previous["build_id"])
            return report
        embedder = embedder or get_embedder(config.embedder, config.threads)

        # Reuse vectors from the current build when the same model made them.
        cache: dict[str, np.ndarray] = {}
        if previous and not full and previous.get("embedder_fingerprint") == embedder.fingerprint:
            cache = _previous_vectors(index_dir, previous)
        hashes = [c.content_hash for c in chunks]
        todo = sorted({h: i for i, h in enumerate(hashes) if h not in cache}.items(), key=lambda kv: kv[1])
        vectors = np.zeros((len(chunks), embedder.dim), dtype=np.float32)
        t_embed = time.perf_counter()
        new: dict[str, np.ndarray] = {}
        for start in range(0, len(todo), EMBED_BATCH):
            batch = todo[start:start + EMBED_BATCH]
            out = embedder.encode_documents([chunks[i].embed_text for _, i in batch])
            for (h, _), vec in zip(batch, out, strict=True):
                new[h] = vec
            if progress is not None:
                progress(min(start + EMBED_BATCH, len(todo)), len(todo))
        embed_seconds = time.perf_counter() - t_embed
        for i, h in enumerate(hashes):
            vectors[i] = new[h] if h in new else cache[h]

        build_id = time.strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]
        out_dir = build_dir(index_dir, build_id)
        kind = _write_build(out_dir, chunks, vectors, config.index_type)
        by_lang: dict[str, int] = {}
        for c in chunks:
            by_lang[c.lang] = by_lang.get(c.lang, 0) + 1
        report = BuildReport(index_dir=str(index_dir), build_id=build_id, embedder=embedder.name, index_type=kind,
                             n_docs=n_docs, n_chunks=len(chunks), embedded=len(todo), reused=len(chunks) - len(todo),
                             seconds=0.0, embed_seconds=embed_seconds, reason=reason, by_lang=by_lang)
        report.seconds = time.perf_counter() - started
        manifest = {
            "format": FORMAT_VERSION, "build_id": build_id, "created_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "embedder": embedder.name, "embedder_fingerprint": embedder.fingerprint, "dim": embedder.dim,
            "index_type": kind, "requested_index_type": config.index_type,
            "chunk_size": config.chunk_size, "chunk_overlap": config.chunk_overlap,
            "kb_dir": str(config.kb_dir) if config.kb_dir else "",
            "extra_paths": [str(p) for p in config.extra_paths], "added_paths": [str(p) for p in config.added_paths],
            "source_paths": [str(p) for p in config.source_paths], "source_fingerprint": fingerprint,
            "chunks_digest": digest,
            "report": asdict(report),
        }
        _write_json_atomic(index_dir / MANIFEST, manifest)
        _remove_old_builds(index_dir, keep=build_id)
    log.info(report.summary())
    return report


def _chunks_digest(chunks: Sequence[Chunk], config: BuildConfig) -> str:
    """Hash of everything the build writes: unchanged digest = nothing to do."""
    import hashlib

    h = hashlib.sha256(f"{config.index_type}|{config.chunk_size}|{config.chunk_overlap}\n".encode())
    for c in chunks:
        h.update(json.dumps(c.to_dict(), ensure_ascii=False, sort_keys=True).encode("utf-8"))
    return h.hexdigest()[:32]


def _previous_vectors(index_dir: Path, manifest: dict[str, Any]) -> dict[str, np.ndarray]:
    from psycollm.retrieval.docstore import read_docstore

    folder = build_dir(index_dir, manifest["build_id"])
    try:
        store = read_docstore(folder / "docstore.parquet")
        vectors = np.load(folder / "embeddings.npy", allow_pickle=False)
    except Exception as exc:  # a damaged previous build only costs re-embedding
        log.warning("previous index build unreadable (%s); re-embedding everything", exc)
        return {}
    if vectors.shape[0] != len(store):
        return {}
    return dict(zip(store.columns["content_hash"], vectors, strict=True))


def _write_build(out_dir: Path, chunks: list[Chunk], vectors: np.ndarray, index_type: str) -> str:
    from psycollm.retrieval.docstore import write_docstore
    from psycollm.retrieval.lexical import BM25Index, tokenize
    from psycollm.retrieval.vector_index import build_vector_index, choose_index_type, write_vector_index

    out_dir.mkdir(parents=True, exist_ok=False)
    try:
        write_docstore(out_dir / "docstore.parquet", chunks)
        np.save(out_dir / "embeddings.npy", vectors, allow_pickle=False)
        kind = choose_index_type(len(chunks), index_type)
        write_vector_index(build_vector_index(vectors, kind), out_dir / "dense.faiss")
        if chunks:
            BM25Index.build([tokenize(c.embed_text) for c in chunks]).save(out_dir / "bm25")
    except BaseException:
        shutil.rmtree(out_dir, ignore_errors=True)
        raise
    return kind


def _remove_old_builds(index_dir: Path, keep: str) -> None:
    builds = Path(index_dir) / "builds"
    for entry in builds.iterdir():
        if entry.name != keep:
            shutil.rmtree(entry, ignore_errors=True)
