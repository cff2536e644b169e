"""Foundation fixtures: the embedded model on llama.cpp, loaded once per session."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def llamacpp_backend():
    from psycollm.backends.llamacpp import LlamaCppBackend
    from psycollm.config import load_settings

    backend = LlamaCppBackend.from_settings(load_settings(env={}))
    yield backend
    backend.close()
