"""The docstore: chunk texts and metadata in Parquet, row i = vector i of the FAISS index.

    write_docstore(path, chunks)             # Parquet via pyarrow (never pickle)
    store = read_docstore(path)              # columns held as Python lists
    store.row(3)["text"], len(store)

Parquet keeps 100k chunks in a few MB, loads in tens of milliseconds and can be read by any tool
(pandas, DuckDB) for inspection; JSON would be three times larger and slower to parse.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from psycollm.retrieval.chunking import Chunk

COLUMNS = ("chunk_id", "doc_id", "title", "section", "text", "lang", "topic", "path", "citation", "position",
           "content_hash")


class Docstore:
    def __init__(self, columns: dict[str, list[Any]]) -> None:
        missing = [c for c in COLUMNS if c not in columns]
        if missing:
            raise ValueError(f"docstore lacks columns {missing}")
        self.columns = columns
        self._n = len(columns["chunk_id"])

    def __len__(self) -> int:
        return self._n

    def row(self, i: int) -> dict[str, Any]:
        return {c: self.columns[c][i] for c in COLUMNS}

    def chunk(self, i: int) -> Chunk:
        row = self.row(i)
        row.pop("content_hash")
        return Chunk(**row)


def write_docstore(path: Path, chunks: Sequence[Chunk]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    data: dict[str, list[Any]] = {c: [] for c in COLUMNS}
    for ch in chunks:
        d = ch.to_dict()
        d["content_hash"] = ch.content_hash
        for c in COLUMNS:
            data[c].append(d[c])
    schema = pa.schema([(c, pa.int32() if c == "position" else pa.string()) for c in COLUMNS])
    pq.write_table(pa.table(data, schema=schema), str(path), compression="zstd")


def read_docstore(path: Path) -> Docstore:
    import pyarrow.parquet as pq

    table = pq.read_table(str(path))
    return Docstore({c: table.column(c).to_pylist() for c in table.column_names})
