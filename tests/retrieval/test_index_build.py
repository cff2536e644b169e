"""Index build: incremental re-embedding, embedder change, atomic writes, corrupt/missing index, reloads.

Real embedder (USE), real FAISS and bm25s. `CountingEmbedder` wraps the real embedder only to count
what gets embedded; `FailingEmbedder` makes a build fail halfway so atomicity is testable.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from psycollm.errors import IndexMissing
from psycollm.retrieval.embedders import get_embedder
from psycollm.retrieval.indexing import BuildConfig, build_index, read_manifest
from psycollm.retrieval.search import KnowledgeBase


class CountingEmbedder:
    """The real USE embedder, counting the texts it is asked to embed."""

    def __init__(self) -> None:
        self.inner = get_embedder("use-multilingual")
        self.name, self.fingerprint, self.dim = self.inner.name, self.inner.fingerprint, self.inner.dim
        self.texts: list[str] = []

    def encode_documents(self, texts):
        self.texts.extend(texts)
        return self.inner.encode_documents(texts)

    def encode_queries(self, texts):
        return self.inner.encode_queries(texts)


class FailingEmbedder(CountingEmbedder):
    def encode_documents(self, texts):
        raise RuntimeError("embedding server fell over")


def _config(settings, **kw) -> BuildConfig:
    return BuildConfig.from_settings(settings, **kw)


def test_first_build_then_nothing_to_do(kb_settings):
    emb = CountingEmbedder()
    first = build_index(_config(kb_settings), embedder=emb)
    assert first.n_docs == 8 and first.embedded == first.n_chunks > 8 and first.reused == 0
    assert first.by_lang.keys() == {"zh", "en"}
    second = build_index(_config(kb_settings), embedder=emb)
    assert second.reason == "up to date" and second.embedded == 0
    assert len(emb.texts) == first.n_chunks  # nothing embedded the second time
    manifest = read_manifest(kb_settings.index_path)
    assert manifest["embedder"] == "use-multilingual" and manifest["build_id"] == first.build_id


def test_incremental_rebuild_embeds_only_changed_documents(kb_settings, kb_docs: Path):
    emb = CountingEmbedder()
    first = build_index(_config(kb_settings), embedder=emb)
    kb = KnowledgeBase(kb_settings.index_path)
    panic_chunks = [c for c in kb.store.columns["doc_id"] if c == "en-fx-panic"]

    article = kb_docs / "en" / "en-fx-panic.md"
    article.write_text(article.read_text(encoding="utf-8").replace(
        "It peaks within minutes and passes.",
        "It peaks within minutes and passes. Grounding with the five senses also helps."), encoding="utf-8")
    (kb_docs / "zh" / "zh-fx-empathy.md").unlink()
    emb.texts.clear()
    second = build_index(_config(kb_settings), embedder=emb)

    assert second.n_docs == 7
    assert 1 <= second.embedded <= len(panic_chunks)
    assert all("Panic attacks" in t for t in emb.texts)  # only the edited article was embedded
    assert second.reused == second.n_chunks - second.embedded
    assert second.build_id != first.build_id
    builds = list((kb_settings.index_path / "builds").iterdir())
    assert [b.name for b in builds] == [second.build_id]  # the old build is gone

    kb = KnowledgeBase(kb_settings.index_path)
    assert "zh-fx-empathy" not in kb.store.columns["doc_id"]
    assert kb.search_hits("grounding with the five senses", k=1)[0].chunk["doc_id"] == "en-fx-panic"


@pytest.mark.slow
def test_embedder_change_triggers_a_full_rebuild(kb_settings):
    KnowledgeBase.from_settings(kb_settings)
    assert read_manifest(kb_settings.index_path)["embedder"] == "use-multilingual"

    kb_settings.retrieval.embedder = "minilm"
    with pytest.raises(IndexMissing, match="does not match the settings .*embedder changed.*psycollm kb build"):
        KnowledgeBase.from_settings(kb_settings, build_if_missing=False)
    kb = KnowledgeBase.from_settings(kb_settings)  # the app path: rebuilds by itself
    manifest = read_manifest(kb_settings.index_path)
    assert manifest["embedder"] == "minilm" and manifest["dim"] == 384
    assert manifest["report"]["reused"] == 0 and manifest["report"]["embedded"] == manifest["report"]["n_chunks"]
    assert kb.search("Which questions invite the client to say more?", k=1)[0].doc_id == "en-fx-active-listening"


def test_missing_index_gives_a_rebuild_hint(kb_settings):
    with pytest.raises(IndexMissing, match="No knowledge-base index .*psycollm kb build"):
        KnowledgeBase.from_settings(kb_settings, build_if_missing=False)
    with pytest.raises(IndexMissing, match="psycollm kb build"):
        KnowledgeBase(kb_settings.index_path)


@pytest.mark.parametrize("damage", ["faiss", "parquet", "bm25", "manifest", "missing-file"])
def test_corrupt_index_gives_a_clear_error_and_the_app_path_repairs_it(kb_settings, damage: str):
    report = build_index(_config(kb_settings))
    folder = kb_settings.index_path / "builds" / report.build_id
    if damage == "faiss":
        (folder / "dense.faiss").write_bytes(b"\x00garbage" * 10)
    elif damage == "parquet":
        (folder / "docstore.parquet").write_bytes(b"PAR1 not really")
    elif damage == "bm25":
        (folder / "bm25" / "params.index.json").write_text("{", encoding="utf-8")
    elif damage == "manifest":
        (kb_settings.index_path / "manifest.json").write_text("{ truncated", encoding="utf-8")
    else:
        (folder / "embeddings.npy").unlink()
        (folder / "dense.faiss").unlink()
    with pytest.raises(IndexMissing, match=r"(corrupt|incomplete).*psycollm kb build"):
        KnowledgeBase(kb_settings.index_path)
    kb = KnowledgeBase.from_settings(kb_settings)  # build_if_missing=True: rebuilt, usable
    assert kb.search("保密的例外", k=1)[0].doc_id == "zh-fx-confidentiality"


def test_a_failed_build_leaves_the_previous_index_untouched(kb_settings, kb_docs: Path):
    good = build_index(_config(kb_settings))
    (kb_docs / "en" / "new.md").write_text("---\nid: en-fx-new\ntitle: New\nlang: en\n---\nBrand new text.",
                                           encoding="utf-8")
    with pytest.raises(RuntimeError, match="fell over"):
        build_index(_config(kb_settings), embedder=FailingEmbedder())
    assert read_manifest(kb_settings.index_path)["build_id"] == good.build_id
    assert [b.name for b in (kb_settings.index_path / "builds").iterdir()] == [good.build_id]
    assert KnowledgeBase(kb_settings.index_path).search("保密的例外", k=1)[0].doc_id == "zh-fx-confidentiality"
    assert not list(kb_settings.index_path.glob("*.tmp"))


def test_app_path_picks_up_edited_articles(kb_settings, kb_docs: Path):
    kb = KnowledgeBase.from_settings(kb_settings)
    assert not kb.search_hits("lucid dreaming", k=3, mode="lexical")
    (kb_docs / "en" / "en-fx-dreams.md").write_text(
        "---\nid: en-fx-dreams\ntitle: Dreams\nlang: en\n---\nLucid dreaming is knowing that you are dreaming.",
        encoding="utf-8")
    kb = KnowledgeBase.from_settings(kb_settings)
    assert read_manifest(kb_settings.index_path)["report"]["embedded"] == 1
    assert kb.search("lucid dreaming", k=1)[0].doc_id == "en-fx-dreams"


def test_running_knowledge_base_switches_to_a_newer_build(kb_settings, kb_docs: Path):
    kb = KnowledgeBase.from_settings(kb_settings)
    (kb_docs / "zh" / "zh-fx-dreams.md").write_text(
        "---\nid: zh-fx-dreams\ntitle: 清醒梦\nlang: zh\n---\n清醒梦是指做梦时知道自己在做梦。", encoding="utf-8")
    build_index(_config(kb_settings))  # e.g. `psycollm kb build` in another shell
    assert kb.search("清醒梦是什么", k=1)[0].doc_id == "zh-fx-dreams"


def test_added_paths_are_remembered_until_cleared(kb_settings, tmp_path: Path):
    extra = tmp_path / "extra.jsonl"
    extra.write_text(json.dumps({"id": "x-hypnosis", "title": "Hypnosis", "text": "Hypnotic induction uses "
                                 "focused attention and suggestion."}) + "\n", encoding="utf-8")
    build_index(_config(kb_settings, add=[extra]))
    assert _config(kb_settings).added_paths == [extra.resolve()]
    kb = KnowledgeBase.from_settings(kb_settings)  # no rebuild needed: the added path is part of the index
    assert kb.search("hypnotic induction", k=1)[0].doc_id == "x-hypnosis"
    report = build_index(_config(kb_settings, clear_added=True))
    assert report.n_docs == 8
    assert read_manifest(kb_settings.index_path)["added_paths"] == []


def test_index_type_is_recorded_and_overridable(kb_settings):
    kb_settings.retrieval.index_type = "hnsw"
    kb = KnowledgeBase.from_settings(kb_settings)
    assert kb.manifest["index_type"] == "hnsw" and kb.stats()["index_type"] == "hnsw"
    kb_settings.retrieval.index_type = "auto"
    kb = KnowledgeBase.from_settings(kb_settings)  # settings changed: rebuilt, vectors reused
    assert kb.manifest["index_type"] == "flat" and kb.manifest["report"]["embedded"] == 0


def test_empty_knowledge_base_builds_and_returns_nothing(settings, tmp_path: Path):
    settings.retrieval.kb_dir = str(tmp_path / "nothing-here")
    kb = KnowledgeBase.from_settings(settings)
    assert kb.search("anything", k=4) == []
    assert kb.stats()["chunks"] == 0
