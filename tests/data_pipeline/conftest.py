"""Fixtures of the data-pipeline tests: a tiny fake shared-data folder, a recipe pointing at it, and
a context on the scripted model (training/data/scripted_replies.py: a documented fake, not a model)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from fake_shared_data import make_kb, make_shared_data  # noqa: E402

from psycollm.backends.scripted import ScriptedBackend  # noqa: E402
from training.data.pipeline import Context  # noqa: E402
from training.data.recipe import DataRecipe, load_recipe  # noqa: E402
from training.data.scripted_replies import CounselingScript  # noqa: E402


@pytest.fixture
def fake_shared(tmp_path: Path) -> Path:
    return make_shared_data(tmp_path / "shared")


@pytest.fixture
def recipe(tmp_path: Path, fake_shared: Path) -> DataRecipe:
    kb = make_kb(tmp_path / "kb")
    return load_recipe(None, [
        f"shared_data={fake_shared}", f"output={tmp_path / 'out'}", f"work_dir={tmp_path / 'work'}",
        f"knowledge.kb_dir={kb}", "progress=false", "shard_size=4", "llm.batch_size=3",
    ])


@pytest.fixture
def script() -> CounselingScript:
    return CounselingScript()


@pytest.fixture
def make_ctx(settings):
    """make_ctx(recipe, backend) -> Context; closed after the test."""
    made: list[Context] = []

    def factory(recipe: DataRecipe, backend) -> Context:
        ctx = Context(recipe, settings, backend=backend)
        made.append(ctx)
        return ctx

    yield factory
    for ctx in made:
        ctx.close()


@pytest.fixture
def scripted(script: CounselingScript) -> ScriptedBackend:
    return ScriptedBackend(script, model_name="scripted-counselor")
