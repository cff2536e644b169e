"""Lexical channel: BM25 (``bm25s``) over jieba tokens for Chinese and stemmed words for English.

    tokens = tokenize("来访者的保密原则 and its limits")   # ['来访', '访者', '来访者', '保密', '原则', 'limit']
    bm25 = BM25Index.build([tokenize(t) for t in texts])
    ids, scores = bm25.search(tokenize("保密的例外"), k=50)
    bm25.save(folder); BM25Index.load(folder)               # .npy + .json, never pickle

Chinese runs go through jieba's search mode (a word plus its shorter dictionary words, so
"认知行为疗法" also matches "认知疗法"-style wording); Latin runs are lower-cased, stop words dropped
and Snowball-stemmed (PyStemmer), so "sleeping" matches "sleep". Mixed text works token by token.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

_RUNS = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[a-z0-9]+(?:['’][a-z]+)?")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_jieba_lock = threading.Lock()


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_CHINESE, STOPWORDS_EN

    return frozenset(STOPWORDS_EN) | frozenset(STOPWORDS_CHINESE)


@lru_cache(maxsize=1)
def jieba_tokenizer():  # noqa: ANN202
    """The jieba module, its dictionary loaded once (also used by the safety classifier's word n-grams)."""
    import jieba

    jieba.setLogLevel(logging.WARNING)  # it prints "Building prefix dict..." to stderr otherwise
    with _jieba_lock:
        jieba.initialize()
    return jieba


_thread = threading.local()


def stemmer():  # noqa: ANN201
    """This thread's English Snowball stemmer (PyStemmer's stemmers are not thread-safe), or None."""
    st = getattr(_thread, "stemmer", False)
    if st is False:
        try:
            import Stemmer

            st = Stemmer.Stemmer("english")
        except ImportError:  # stemming improves recall but is not essential
            log.warning("PyStemmer is not installed: English words are used unstemmed")
            st = None
        _thread.stemmer = st
    return st


def tokenize(text: str) -> list[str]:
    """Tokens for BM25: jieba search-mode words for Chinese, stemmed lower-case words for English."""
    text = unicodedata.normalize("NFKC", text).lower()
    stop = _stopwords()
    tokens: list[str] = []
    latin: list[str] = []
    for run in _RUNS.findall(text):
        if _CJK.match(run):
            tokens.extend(t for t in jieba_tokenizer().cut_for_search(run) if t not in stop)
        elif run not in stop and (len(run) > 1 or run.isdigit()):
            latin.append(run.replace("’", "'").split("'")[0])
    st = stemmer()
    if latin:
        tokens.extend(st.stemWords(latin) if st is not None else latin)
    return tokens


class BM25Index:
    """A bm25s index plus the query-side glue (empty queries, out-of-vocabulary tokens, top-k)."""

    K1 = 1.2
    B = 0.75

    def __init__(self, model) -> None:  # noqa: ANN001 (bm25s.BM25, imported lazily)
        self._model = model

    @classmethod
    def build(cls, corpus_tokens: Sequence[Sequence[str]]) -> BM25Index:
        import bm25s

        logging.getLogger("bm25s").setLevel(logging.WARNING)  # it logs every build at DEBUG otherwise
        model = bm25s.BM25(k1=cls.K1, b=cls.B, method="lucene")
        # bm25s needs at least one token per document; an empty chunk gets a placeholder.
        model.index([list(t) if t else ["\u0000"] for t in corpus_tokens], show_progress=False)
        return cls(model)

    @property
    def num_docs(self) -> int:
        return int(self._model.scores["num_docs"])

    def scores(self, query_tokens: Sequence[str]) -> np.ndarray:
        ids = self._model.get_tokens_ids(list(query_tokens))
        if not ids:
            return np.zeros(self.num_docs, dtype=np.float32)
        return self._model.get_scores_from_ids(ids)

    def search(self, query_tokens: Sequence[str], k: int) -> tuple[np.ndarray, np.ndarray]:
        """Indices and scores of the best ``k`` documents with a positive score, best first."""
        scores = self.scores(query_tokens)
        k = min(k, scores.shape[0])
        if k <= 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        top = np.argpartition(-scores, k - 1)[:k] if k < scores.shape[0] else np.arange(scores.shape[0])
        top = top[np.argsort(-scores[top], kind="stable")]
        top = top[scores[top] > 0]
        return top.astype(np.int64), scores[top].astype(np.float32)

    def save(self, folder: Path) -> None:
        self._model.save(str(folder), show_progress=False)

    @classmethod
    def load(cls, folder: Path) -> BM25Index:
        import bm25s

        return cls(bm25s.BM25.load(str(folder), load_corpus=False, mmap=False, show_progress=False))
