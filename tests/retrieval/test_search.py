"""Search over the fixture knowledge base: expected articles for zh, en and cross-lingual queries."""

from __future__ import annotations

import pytest

from psycollm.retrieval.types import Source


@pytest.mark.parametrize(("query", "doc_id"), [
    ("咨询师什么时候可以打破保密？", "zh-fx-confidentiality"),
    ("考试前一晚睡不着怎么办", "zh-fx-insomnia"),
    ("系统脱敏的步骤是什么", "zh-fx-desensitization"),
    ("什么是共情，和同情有什么区别", "zh-fx-empathy"),
    ("When must a counselor break confidentiality?", "en-fx-confidentiality"),
    ("I can't fall asleep at night, what should I do?", "en-fx-insomnia"),
    ("my heart races and I feel like I'm losing control", "en-fx-panic"),
    ("What is a paraphrase?", "en-fx-active-listening"),
])
def test_fused_search_returns_the_expected_article_first(built_kb, query: str, doc_id: str):
    sources = built_kb.search(query, k=3)
    assert sources and sources[0].doc_id == doc_id, [s.doc_id for s in sources]


def test_cross_lingual_dense_search(built_kb):
    # An English question with no Chinese words: only the multilingual dense channel can bridge it.
    hits = built_kb.search_hits("systematic desensitization anxiety hierarchy steps", k=10, mode="dense")
    assert "zh-fx-desensitization" in [h.chunk["doc_id"] for h in hits[:3]]


def test_sources_carry_what_the_ui_shows(built_kb):
    src = built_kb.search("保密的例外有哪些", k=2)[0]
    assert isinstance(src, Source)
    assert src.title == "保密原则及其例外" and src.lang == "zh"
    assert src.source == "测试用资料：保密原则"  # the article's references, not a file path
    assert "伤害" in src.text and 0 < src.score <= 1
    assert src.chunk_id.startswith("zh-fx-confidentiality#")


def test_modes_and_per_channel_evidence(built_kb):
    fused = built_kb.search_hits("panic attack breathing", k=5)
    assert fused[0].dense_rank is not None and fused[0].lexical_rank is not None
    assert [h.score for h in fused] == sorted((h.score for h in fused), reverse=True)
    lexical = built_kb.search_hits("panic attack breathing", k=5, mode="lexical")
    assert all(h.dense_rank is None and h.lexical_score > 0 for h in lexical)
    dense = built_kb.search_hits("panic attack breathing", k=5, mode="dense")
    assert all(h.lexical_rank is None and -1 <= h.dense_score <= 1 for h in dense)
    with pytest.raises(ValueError):
        built_kb.search_hits("x", mode="sparse")


def test_k_empty_queries_and_min_score(built_kb):
    assert len(built_kb.search("焦虑", k=2)) == 2
    assert built_kb.search("   ", k=4) == [] and built_kb.search("焦虑", k=0) == []
    try:
        built_kb.min_score = 0.99  # only chunks ranked (nearly) first by both channels survive
        strict = built_kb.search("What is a paraphrase?", k=5)
    finally:
        built_kb.min_score = 0.0
    assert len(strict) < 5 and all(s.score >= 0.99 for s in strict)
