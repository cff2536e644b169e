"""Types retrieval hands to the chat engine (the contract between `retrieval/` and `chat.py`)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Protocol


@dataclass
class Source:
    """One retrieved knowledge chunk, shown to the user as a cited source."""

    chunk_id: str
    doc_id: str
    title: str
    text: str
    score: float
    lang: str = ""
    source: str = ""  # file path or reference of the article

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class Retriever(Protocol):
    """Implemented by `psycollm.retrieval.search.KnowledgeBase`; the chat engine depends only on this."""

    def search(self, query: str, k: int = 4) -> list[Source]: ...
