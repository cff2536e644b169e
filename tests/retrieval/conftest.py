"""Fixtures for retrieval tests: a copy of the fixture articles in a temp dir and settings pointing at it.

The fixture knowledge base (tests/retrieval/fixtures/docs) holds 4 Chinese and 4 English short
articles written for these tests. Tests use the real embedder (USE, numpy, ~1 s to load once per
session), real FAISS, real bm25s and jieba.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def kb_docs(tmp_path: Path) -> Path:
    """A writable copy of the fixture articles."""
    dest = tmp_path / "docs"
    shutil.copytree(FIXTURES / "docs", dest)
    return dest


@pytest.fixture
def kb_settings(settings, kb_docs: Path):
    settings.retrieval.kb_dir = str(kb_docs)
    return settings


@pytest.fixture(scope="module")
def built_kb(tmp_path_factory: pytest.TempPathFactory):
    """A knowledge base over the fixture articles, built once per test module (read-only use)."""
    from psycollm.config import load_settings
    from psycollm.retrieval.search import KnowledgeBase

    root = tmp_path_factory.mktemp("kb")
    settings = load_settings(env={})
    settings.data_dir = str(root / "data")
    settings.retrieval.kb_dir = str(FIXTURES / "docs")
    return KnowledgeBase.from_settings(settings)


def write_minimal_pdf(path: Path, lines: list[str]) -> None:
    """A one-page PDF with Helvetica text (no PDF writer library is a dependency; the format is simple)."""
    text_ops = "BT /F1 12 Tf 72 720 Td 14 TL " + " ".join(
        "(" + line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ") '" for line in lines) + " ET"
    stream = text_ops.encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + obj + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    path.write_bytes(bytes(out))
