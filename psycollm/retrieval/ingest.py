"""Read knowledge-base files into `Document`s: shipped Markdown articles and user files.

    docs = load_path("knowledge_base/docs")          # a folder: every .md/.markdown/.txt/.pdf/.jsonl in it
    docs = load_path("notes/sleep.pdf")              # one file
    kb_dir = resolve_kb_dir(settings)                 # where the shipped articles are

Formats:

- Markdown with YAML front matter (the shipped articles)::

      ---
      id: zh-ethics-confidentiality
      title: 保密原则及其限制
      topic: ethics
      lang: zh
      references:
        - "中国心理学会《临床与咨询心理学工作伦理守则》（第二版，2018）"
      ---
      Markdown body ...

  Without front matter the id is the file name, the title the first ``# heading`` (else the file
  name) and the language is detected from the text.
- ``.txt``: one document per file.
- ``.pdf``: one document per file, text extracted with pypdf (scanned PDFs have no text: OCR first).
- ``.jsonl``: one document per line, ``{"text": ..., "title": ..., "id": ..., "lang": ..., "topic": ...,
  "source": ...}``; only ``text`` is required (``content``/``answer`` are accepted for it).

A file that cannot be read raises `DocumentUnreadable` naming the file (and line) and what to fix.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from psycollm.errors import DocumentUnreadable

log = logging.getLogger(__name__)

SUPPORTED_SUFFIXES = (".md", ".markdown", ".txt", ".pdf", ".jsonl")
_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.DOTALL)
_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)


@dataclass
class Document:
    """One article or user file, before chunking."""

    doc_id: str
    title: str
    text: str  # body (Markdown or plain text)
    lang: str
    topic: str = ""
    path: str = ""  # where it was read from
    references: list[str] = field(default_factory=list)
    markdown: bool = False

    @property
    def citation(self) -> str:
        """What the user sees as the source: the article's references, else its file."""
        return "; ".join(self.references) if self.references else self.path


# ---------------------------------------------------------------------------------------------------
# Where the shipped articles are


def project_root() -> Path:
    """The folder holding the ``psycollm`` package (the repo root in an editable install)."""
    return Path(__file__).resolve().parent.parent.parent


def resolve_kb_dir(kb_dir: str | os.PathLike[str]) -> Path:
    """The knowledge-base folder: absolute as given; a relative path is looked up in the current
    directory first, then in the project root, so the app finds the shipped docs from anywhere."""
    path = Path(kb_dir).expanduser()
    if path.is_absolute():
        return path
    for base in (Path.cwd(), project_root()):
        if (base / path).is_dir():
            return (base / path).resolve()
    return (Path.cwd() / path).resolve()


# ---------------------------------------------------------------------------------------------------
# Loading


def iter_files(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Supported files under ``path`` (itself if it is a file), sorted, hidden ones skipped."""
    root = Path(path).expanduser()
    if root.is_file():
        if root.suffix.lower() not in SUPPORTED_SUFFIXES:
            raise DocumentUnreadable(f"{root}: unsupported file type '{root.suffix}'. "
                                     f"Supported: {', '.join(SUPPORTED_SUFFIXES)}.")
        yield root
        return
    if not root.is_dir():
        raise DocumentUnreadable(f"{root}: no such file or folder.")
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith((".", "_")))
        for name in sorted(filenames):
            if name.startswith((".", "_")):
                continue
            file = Path(dirpath) / name
            if file.suffix.lower() in SUPPORTED_SUFFIXES:
                yield file


def load_path(path: str | os.PathLike[str], *, articles_only: bool = False) -> list[Document]:
    """Documents from a file or folder. ``articles_only``: skip Markdown files without front matter
    (used for the shipped folder, where such files are READMEs, not articles)."""
    root = Path(path).expanduser()
    docs: list[Document] = []
    for file in iter_files(root):
        # Without an explicit id, a file is named by its path inside the folder (notes/a/intro),
        # so two "intro.md" in different subfolders do not collide.
        id_base = file.relative_to(root).with_suffix("").as_posix() if root.is_dir() else file.stem
        docs.extend(load_file(file, articles_only=articles_only, id_base=id_base))
    return docs


def load_file(path: Path, *, articles_only: bool = False, id_base: str | None = None) -> list[Document]:
    """Documents of one file; ``id_base`` is the id used when the file does not name one (default: stem)."""
    id_base = id_base or path.stem
    suffix = path.suffix.lower()
    if suffix in (".md", ".markdown"):
        doc = load_markdown(path, id_base)
        if articles_only and not doc.markdown:
            log.info("skipping %s: no front matter, not an article", path)
            return []
        return [doc]
    if suffix == ".txt":
        text = _read_text(path)
        return [_make_doc(path, text, {}, id_base)] if text.strip() else []
    if suffix == ".pdf":
        return load_pdf(path, id_base)
    if suffix == ".jsonl":
        return load_jsonl(path, id_base)
    raise DocumentUnreadable(f"{path}: unsupported file type '{path.suffix}'.")


def parse_front_matter(text: str, where: str = "") -> tuple[dict[str, Any], str]:
    """Split ``---`` YAML front matter from the body; ({}, text) when there is none."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    import yaml

    try:
        meta = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError as exc:
        raise DocumentUnreadable(f"{where}: the front matter is not valid YAML ({exc}). "
                                 "Fix the block between the two '---' lines.") from None
    if not isinstance(meta, dict):
        raise DocumentUnreadable(f"{where}: the front matter must be 'key: value' lines.")
    return meta, text[match.end():]


def load_markdown(path: Path, id_base: str | None = None) -> Document:
    text = _read_text(path)
    meta, body = parse_front_matter(text, str(path))
    doc = _make_doc(path, body, meta, id_base)
    doc.markdown = bool(meta)
    return doc


def load_pdf(path: Path, id_base: str | None = None) -> list[Document]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted:
            raise DocumentUnreadable(f"{path}: the PDF is encrypted. Save an unprotected copy and add that.")
        pages = [(page.extract_text() or "").strip() for page in reader.pages]
        title = str((reader.metadata or {}).get("/Title") or "").strip()
    except DocumentUnreadable:
        raise
    except (PdfReadError, OSError, ValueError, KeyError) as exc:
        raise DocumentUnreadable(f"{path}: not a readable PDF ({exc}).") from None
    text = "\n\n".join(p for p in pages if p)
    if not text.strip():
        log.warning("%s: no extractable text (a scanned PDF? run OCR first); skipped", path)
        return []
    return [_make_doc(path, text, {"title": title} if title else {}, id_base)]


def load_jsonl(path: Path, id_base: str | None = None) -> list[Document]:
    docs = []
    text = _read_text(path)
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DocumentUnreadable(f"{path}:{lineno}: not valid JSON ({exc.msg}).") from None
        if not isinstance(obj, dict):
            raise DocumentUnreadable(f"{path}:{lineno}: each line must be a JSON object.")
        body = next((obj[k] for k in ("text", "content", "answer") if isinstance(obj.get(k), str)), "")
        if not body.strip():
            raise DocumentUnreadable(f"{path}:{lineno}: no text. Put the document in a \"text\" field.")
        meta = {k: obj[k] for k in ("id", "title", "lang", "topic", "references") if obj.get(k)}
        meta.setdefault("id", f"{id_base or path.stem}:{lineno}")
        if obj.get("source"):
            meta["references"] = [str(obj["source"])]
        docs.append(_make_doc(path, body, meta, id_base))
    return docs


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise DocumentUnreadable(f"{path}: not UTF-8 text. Convert it to UTF-8 and add it again.") from None
    except OSError as exc:
        raise DocumentUnreadable(f"{path}: cannot be read ({exc.strerror}).") from None


def _make_doc(path: Path, body: str, meta: dict[str, Any], id_base: str | None = None) -> Document:
    from psycollm.prompts import detect_language

    body = body.strip()
    title = str(meta.get("title") or "").strip()
    if not title:
        heading = _HEADING.search(body)
        title = heading.group(1).strip() if heading else path.stem
    refs = meta.get("references") or []
    if isinstance(refs, str):
        refs = [refs]
    lang = str(meta.get("lang") or "").strip() or detect_language(title + "\n" + body[:2000])
    return Document(doc_id=str(meta.get("id") or id_base or path.stem).strip(), title=title, text=body, lang=lang,
                    topic=str(meta.get("topic") or "").strip(), path=str(path),
                    references=[str(r) for r in refs])


def ensure_unique_ids(docs: Iterable[Document]) -> list[Document]:
    """Fail on two documents sharing an id: silently dropping one would lose knowledge."""
    seen: dict[str, Document] = {}
    out = []
    for doc in docs:
        other = seen.get(doc.doc_id)
        if other is not None:
            raise DocumentUnreadable(f"Two documents share the id '{doc.doc_id}': {other.path} and {doc.path}. "
                                     "Give one of them another 'id' in its front matter (or JSON line).")
        seen[doc.doc_id] = doc
        out.append(doc)
    return out


def file_fingerprint(paths: Iterable[str | os.PathLike[str]]) -> str:
    """A cheap hash of (file, size, mtime) under ``paths``: changes when any source file changes,
    so a running app notices edited articles without reading them."""
    h = hashlib.sha256()
    for p in paths:
        root = Path(p).expanduser()
        if not root.exists():
            h.update(f"missing:{root}".encode())
            continue
        try:
            for file in iter_files(root):
                st = file.stat()
                h.update(f"{file}|{st.st_size}|{st.st_mtime_ns}\n".encode())
        except DocumentUnreadable:
            h.update(f"bad:{root}".encode())
    return h.hexdigest()[:16]
