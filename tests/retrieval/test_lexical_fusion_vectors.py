"""BM25 tokenization (jieba / stemmed English), reciprocal rank fusion, FAISS index types."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from psycollm.errors import ConfigError
from psycollm.retrieval.fusion import rrf_fuse
from psycollm.retrieval.lexical import BM25Index, tokenize
from psycollm.retrieval.vector_index import (
    AUTO_THRESHOLD,
    build_vector_index,
    choose_index_type,
    index_kind,
    read_vector_index,
    search_vectors,
    write_vector_index,
)

# ---------------------------------------------------------------------------------------------------
# Tokenization and BM25


def test_chinese_is_segmented_into_words_not_characters():
    tokens = tokenize("系统脱敏法的操作步骤")
    assert "脱敏" in tokens and "步骤" in tokens
    assert "的" not in tokens  # stop word


def test_english_is_lowercased_stemmed_and_stopworded():
    tokens = tokenize("The client was Sleeping badly and worrying")
    assert tokens == ["client", "sleep", "bad", "worri"]


def test_mixed_text_keeps_both_scripts():
    tokens = tokenize("我有insomnia，睡不着")
    assert "insomnia" in tokens and "睡不着" in tokens


def test_bm25_ranks_documents_with_the_query_terms_first(tmp_path: Path):
    texts = ["咨询师必须为求助者保密", "失眠的人应该固定起床时间", "Panic attacks peak within minutes",
             "Sleep hygiene: get up at the same time every day"]
    bm25 = BM25Index.build([tokenize(t) for t in texts])
    ids, scores = bm25.search(tokenize("失眠怎么办"), k=4)
    assert ids[0] == 1 and len(ids) == 1 and scores[0] > 0  # documents without a query term are left out
    ids, _ = bm25.search(tokenize("sleeping at the same time"), k=4)
    assert ids[0] == 3
    assert bm25.search(tokenize("quantum chromodynamics"), k=4)[0].size == 0
    bm25.save(tmp_path / "bm25")
    again = BM25Index.load(tmp_path / "bm25")
    assert list(again.search(tokenize("保密"), k=2)[0]) == [0]


# ---------------------------------------------------------------------------------------------------
# Reciprocal rank fusion


def test_rrf_rewards_agreement_between_channels():
    fused = dict(rrf_fuse([["a", "b", "c"], ["b", "d", "a"]]))
    assert max(fused, key=fused.get) == "b"  # 2nd and 1st beats 1st and 3rd
    assert fused["a"] > fused["d"] and fused["a"] > fused["c"]


def test_rrf_scores_are_normalized_to_first_everywhere():
    assert rrf_fuse([["x"], ["x"]]) == [("x", 1.0)]
    (_, score), = rrf_fuse([["x"], []])
    assert score == pytest.approx(0.5)


def test_rrf_weights_and_errors():
    assert rrf_fuse([["a"], ["b"]], weights=[1.0, 2.0])[0][0] == "b"
    with pytest.raises(ValueError):
        rrf_fuse([["a"]], weights=[1.0, 1.0])
    assert rrf_fuse([[], []]) == []


# ---------------------------------------------------------------------------------------------------
# FAISS


def test_index_type_is_chosen_by_size_and_can_be_forced():
    assert choose_index_type(100) == "flat"
    assert choose_index_type(AUTO_THRESHOLD) == "hnsw"
    assert choose_index_type(100, "hnsw") == "hnsw"
    assert choose_index_type(10, "ivf") == "flat"  # too few vectors to train IVF
    with pytest.raises(ConfigError, match="index_type"):
        choose_index_type(100, "annoy")


@pytest.mark.parametrize("kind", ["flat", "hnsw", "ivf"])
def test_each_index_type_finds_stored_vectors(kind: str, tmp_path: Path):
    rng = np.random.default_rng(0)
    vectors = rng.standard_normal((2000, 64)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    index = build_vector_index(vectors, kind)
    assert index_kind(index) == kind and index.ntotal == 2000
    write_vector_index(index, tmp_path / "v.faiss")
    loaded = read_vector_index(tmp_path / "v.faiss")
    ids, sims = search_vectors(loaded, vectors[:50], 5)
    hit = np.mean(ids[:, 0] == np.arange(50))
    assert hit >= (1.0 if kind == "flat" else 0.9)
    assert sims[0, 0] == pytest.approx(1.0, abs=1e-4)
