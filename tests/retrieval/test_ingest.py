"""Ingestion: front matter, plain Markdown, txt, jsonl, pdf; clear errors for bad files; kb_dir lookup."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from psycollm.errors import DocumentUnreadable
from psycollm.retrieval.ingest import (
    ensure_unique_ids,
    load_path,
    parse_front_matter,
    project_root,
    resolve_kb_dir,
)

from .conftest import FIXTURES, write_minimal_pdf


def test_front_matter_article():
    docs = load_path(FIXTURES / "docs" / "zh" / "zh-fx-confidentiality.md")
    assert len(docs) == 1
    doc = docs[0]
    assert (doc.doc_id, doc.title, doc.topic, doc.lang) == ("zh-fx-confidentiality", "保密原则及其例外", "ethics", "zh")
    assert doc.references == ["测试用资料：保密原则"]
    assert doc.citation == "测试用资料：保密原则"
    assert not doc.text.startswith("---") and doc.text.startswith("保密是")


def test_shipped_folder_skips_files_without_front_matter():
    docs = load_path(FIXTURES / "docs", articles_only=True)
    assert len(docs) == 8
    assert not any(d.path.endswith("README.md") for d in docs)
    assert len(load_path(FIXTURES / "docs")) == 9  # user folders take every file


def test_plain_markdown_and_text(tmp_path: Path):
    (tmp_path / "notes.md").write_text("# Sleep notes\n\nKeep a regular wake-up time.", encoding="utf-8")
    (tmp_path / "焦虑.txt").write_text("焦虑是一种常见的情绪反应。", encoding="utf-8")
    (tmp_path / "week2").mkdir()
    (tmp_path / "week2" / "notes.md").write_text("Second week: worry time.", encoding="utf-8")
    docs = {d.doc_id: d for d in load_path(tmp_path)}
    assert docs["notes"].title == "Sleep notes" and docs["notes"].lang == "en"
    assert docs["week2/notes"].title == "notes"  # same file name in a subfolder: no id clash
    assert docs["焦虑"].lang == "zh" and docs["焦虑"].citation.endswith("焦虑.txt")


def test_jsonl_lines_become_documents(tmp_path: Path):
    path = tmp_path / "extra.jsonl"
    path.write_text("\n".join([
        json.dumps({"id": "q1", "title": "Grief", "text": "Grief is a natural response to loss.", "source": "Book A"}),
        "",
        json.dumps({"content": "失眠的认知行为治疗。"}, ensure_ascii=False),
    ]), encoding="utf-8")
    docs = load_path(path)
    assert [d.doc_id for d in docs] == ["q1", "extra:3"]
    assert docs[0].citation == "Book A" and docs[1].lang == "zh"


def test_pdf_text_is_extracted(tmp_path: Path):
    pdf = tmp_path / "handout.pdf"
    write_minimal_pdf(pdf, ["Progressive muscle relaxation handout.", "Tense each muscle group, then release."])
    docs = load_path(pdf)
    assert len(docs) == 1
    assert "muscle relaxation" in docs[0].text and docs[0].doc_id == "handout"


@pytest.mark.parametrize(("name", "content", "message"), [
    ("bad.md", "---\ntitle: [unclosed\n---\nbody", "front matter is not valid YAML"),
    ("bad.jsonl", '{"text": "ok"}\n{not json}\n', "bad.jsonl:2: not valid JSON"),
    ("empty.jsonl", '{"title": "no text"}\n', "no text"),
    ("bad.pdf", "this is not a pdf", "not a readable PDF"),
])
def test_bad_files_raise_a_clear_error(tmp_path: Path, name: str, content: str, message: str):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DocumentUnreadable, match=message):
        load_path(path)


def test_non_utf8_and_unsupported_files(tmp_path: Path):
    (tmp_path / "gbk.txt").write_bytes("焦虑".encode("gbk"))
    with pytest.raises(DocumentUnreadable, match="not UTF-8"):
        load_path(tmp_path / "gbk.txt")
    (tmp_path / "slides.pptx").write_bytes(b"x")
    with pytest.raises(DocumentUnreadable, match="unsupported file type"):
        load_path(tmp_path / "slides.pptx")
    with pytest.raises(DocumentUnreadable, match="no such file"):
        load_path(tmp_path / "missing")


def test_duplicate_ids_are_refused():
    docs = load_path(FIXTURES / "docs" / "en")
    with pytest.raises(DocumentUnreadable, match="share the id 'en-fx-panic'"):
        ensure_unique_ids(docs + [d for d in docs if d.doc_id == "en-fx-panic"])


def test_front_matter_absent_returns_text_unchanged():
    assert parse_front_matter("no front matter\n---\n") == ({}, "no front matter\n---\n")


def test_kb_dir_resolves_from_any_working_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)
    assert resolve_kb_dir("knowledge_base/docs") == (project_root() / "knowledge_base" / "docs").resolve()
    (tmp_path / "knowledge_base" / "docs").mkdir(parents=True)
    assert resolve_kb_dir("knowledge_base/docs") == (tmp_path / "knowledge_base" / "docs").resolve()
    assert resolve_kb_dir(str(tmp_path)) == tmp_path
