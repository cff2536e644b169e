"""Split documents into chunks whose boundaries respect Chinese and English sentences.

    chunks = chunk_document(doc, chunk_size=400, chunk_overlap=60)
    pieces = split_text("第一句。第二句！", chunk_size=400, chunk_overlap=60)

Markdown articles are first cut at their headings (LangChain's ``MarkdownHeaderTextSplitter``),
then each section is cut by LangChain's ``RecursiveCharacterTextSplitter`` trying, in order,
paragraphs, lines, sentence ends (。！？；… and . ! ? ;), clause marks (，、 and ,), spaces and
finally characters. Separators stay at the end of the piece they close, so a chunk ends with its
"。" rather than the next chunk starting with it. Sizes count characters (a Chinese character
carries about as much as an English word, so Chinese chunks hold more content: that is fine for
the evidence block, which is capped in characters too).

Every chunk knows its article title and section; ``embed_text`` (title + section + text) is
what the dense and lexical channels index, ``content_hash`` (of ``embed_text``) is the key that
lets an incremental build reuse an embedding.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import Any

from psycollm.retrieval.ingest import Document

# Tried in order; the empty string (single characters) is the last resort.
SEPARATORS = ["\n\n", "\n", "。", "！", "？", "；", "…", ". ", "! ", "? ", "; ", "，", "、", ", ", " ", ""]
_MD_HEADERS = [("#", "h1"), ("##", "h2"), ("###", "h3")]


@dataclass
class Chunk:
    chunk_id: str
    doc_id: str
    title: str
    section: str
    text: str
    lang: str
    topic: str
    path: str
    citation: str
    position: int

    @property
    def embed_text(self) -> str:
        head = self.title if not self.section or self.section == self.title else f"{self.title} — {self.section}"
        return f"{head}\n{self.text}"

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(self.embed_text.encode("utf-8")).hexdigest()[:32]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@lru_cache(maxsize=8)
def _splitter(chunk_size: int, chunk_overlap: int):  # noqa: ANN202 (langchain type, imported lazily)
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    return RecursiveCharacterTextSplitter(separators=SEPARATORS, keep_separator="end", chunk_size=chunk_size,
                                          chunk_overlap=chunk_overlap, length_function=len,
                                          strip_whitespace=True)


def split_text(text: str, chunk_size: int = 400, chunk_overlap: int = 60) -> list[str]:
    """Cut plain text into pieces of at most ``chunk_size`` characters at the best boundary."""
    if chunk_size <= 0:
        raise ValueError("chunk_size must be positive")
    overlap = max(0, min(chunk_overlap, chunk_size // 2))
    return [p for p in _splitter(chunk_size, overlap).split_text(text) if p.strip()]


def markdown_sections(text: str) -> list[tuple[str, str]]:
    """(section heading path, section text) pairs of a Markdown body, in order."""
    from langchain_text_splitters import MarkdownHeaderTextSplitter

    splitter = MarkdownHeaderTextSplitter(headers_to_split_on=_MD_HEADERS, strip_headers=True)
    out = []
    for part in splitter.split_text(text):
        heading = " > ".join(part.metadata[key] for _, key in _MD_HEADERS if part.metadata.get(key))
        if part.page_content.strip():
            out.append((heading, part.page_content))
    return out


def chunk_document(doc: Document, chunk_size: int = 400, chunk_overlap: int = 60) -> list[Chunk]:
    sections = markdown_sections(doc.text) if doc.markdown or doc.path.endswith((".md", ".markdown")) \
        else [("", doc.text)]
    chunks: list[Chunk] = []
    for section, body in sections:
        for piece in split_text(body, chunk_size, chunk_overlap):
            i = len(chunks)
            chunks.append(Chunk(chunk_id=f"{doc.doc_id}#{i}", doc_id=doc.doc_id, title=doc.title, section=section,
                                text=piece, lang=doc.lang, topic=doc.topic, path=doc.path, citation=doc.citation,
                                position=i))
    return chunks
