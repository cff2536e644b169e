"""Atomic file writes: a temp file in the target's folder, flushed and fsynced, then `os.replace`.

    from psycollm.atomic_io import atomic_write_text
    atomic_write_text(Path("runs/x/results.json"), json.dumps(results))

A reader (or a crash) sees the old file or the new one, never half of one. Used for the model
registry, evaluation results and reports, data-pipeline shards and cards.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def atomic_write_text(path: str | os.PathLike[str], text: str, newline: str | None = None) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically, creating the parent folder if needed.

    ``newline`` as for `open` (CSV text that carries its own line ends wants ``""``)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline=newline) as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
