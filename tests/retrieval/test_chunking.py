"""Chunking: boundaries at Chinese and English sentence ends, Markdown sections, no text lost."""

from __future__ import annotations

import re

from psycollm.retrieval.chunking import chunk_document, split_text
from psycollm.retrieval.ingest import Document

ZH = ("保密是心理咨询的基本原则。咨询师应当保护求助者的隐私！但是保密也有例外吗？有的：当求助者有伤害自己或他人的危险时，"
      "咨询师需要采取必要措施；未成年人受到虐待时也是如此。") * 4
EN = ("Confidentiality is a core principle of counseling. Counselors protect the privacy of their clients! "
      "Are there limits? Yes; when a client is at serious risk, the counselor must act. ") * 4


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_chinese_chunks_end_at_chinese_sentence_punctuation():
    pieces = split_text(ZH, chunk_size=80, chunk_overlap=0)
    assert len(pieces) > 3
    assert all(len(p) <= 80 for p in pieces)
    # Every piece closes a sentence (or clause) with Chinese punctuation instead of cutting a word.
    assert all(p[-1] in "。！？；，" for p in pieces), pieces
    # Punctuation stays with the sentence it ends: no piece starts with it.
    assert not any(p[0] in "。！？；，" for p in pieces)
    assert _squash("".join(pieces)) == _squash(ZH)


def test_english_chunks_end_at_sentence_boundaries():
    pieces = split_text(EN, chunk_size=120, chunk_overlap=0)
    assert len(pieces) > 3
    assert all(len(p) <= 120 for p in pieces)
    assert all(p[-1] in ".!?;" for p in pieces), pieces
    assert _squash("".join(pieces)) == _squash(EN)


def test_overlap_repeats_text_between_neighbours():
    plain = split_text(ZH, chunk_size=100, chunk_overlap=0)
    overlapping = split_text(ZH, chunk_size=100, chunk_overlap=40)
    assert sum(map(len, overlapping)) > sum(map(len, plain))
    # The repeated text is whole sentences: a piece starts with the sentence that ended its predecessor.
    repeats = [b for a, b in zip(overlapping, overlapping[1:], strict=False)
               if a.endswith(re.split(r"(?<=[。！？；，])", b)[0])]
    assert repeats


def test_long_unpunctuated_text_is_still_cut_to_size():
    pieces = split_text("焦" * 1000, chunk_size=100, chunk_overlap=10)
    assert all(len(p) <= 100 for p in pieces)
    assert sum(len(p) for p in pieces) >= 1000


def test_markdown_sections_become_chunk_sections():
    doc = Document(doc_id="d", title="标题", lang="zh", path="d.md", markdown=True,
                   text="引言一句。\n\n## 第一节\n\n第一节的内容。\n\n## 第二节\n\n第二节的内容。")
    chunks = chunk_document(doc, chunk_size=400, chunk_overlap=0)
    assert [c.section for c in chunks] == ["", "第一节", "第二节"]
    assert [c.chunk_id for c in chunks] == ["d#0", "d#1", "d#2"]
    assert chunks[1].embed_text.startswith("标题 — 第一节\n")
    assert "##" not in "".join(c.text for c in chunks)


def test_content_hash_changes_only_with_content():
    doc = Document(doc_id="d", title="T", text="Alpha. Beta.", lang="en", path="d.txt")
    a = chunk_document(doc)[0]
    b = chunk_document(Document(doc_id="d", title="T", text="Alpha. Beta.", lang="en", path="other.txt"))[0]
    c = chunk_document(Document(doc_id="d", title="T", text="Alpha. Gamma.", lang="en", path="d.txt"))[0]
    assert a.content_hash == b.content_hash != c.content_hash
