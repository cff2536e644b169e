"""App fixtures: launched apps on free loopback ports (one per session), users, Chromium for the browser test.

``real_app`` runs the embedded model (llama.cpp); ``scripted_app`` runs `ScriptedBackend` with a
slow, long reply, used only where the model's words do not matter and timing must be
deterministic (stop), or where only the app's plumbing is under test (isolation, bad input, rating,
A/B, import). Both run the real safety guard (lexicon layer); retrieval is off (building
the index is the knowledge base's tests' business; the chat service tests show sources with a toy
retriever).
"""

from __future__ import annotations

import shutil
import socket
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
PASSWORD = "test-password"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def app_settings(tmp: Path):
    from psycollm.config import load_settings

    s = load_settings(env={})
    s.data_dir = str(tmp)
    s.ui.host = "127.0.0.1"
    s.ui.port = free_port()
    s.safety.enabled = True
    # The real guard with the lexicon as its input layer (no risk-classifier training in the app tests) and
    # the default output screen: the reply classifier, trained once (~45 s) into the user cache.
    s.safety.judge = "none"
    s.retrieval.enabled = False
    s.generation.max_new_tokens = 64
    return s


def _launch(tmp: Path, backend=None, greedy: bool = False, **ui):
    from psycollm.ui.server import build_app

    settings = app_settings(tmp)
    if greedy:
        settings.generation.temperature = 0.0
    for key, value in ui.items():
        setattr(settings.ui, key, value)
    app = build_app(settings, backend=backend)
    for name, role in (("ana", "clinician"), ("bob", "clinician"), ("root", "admin"), ("carl", "counselor")):
        app.store.add_user(name, PASSWORD, role)
    app.url = app.start_in_thread()
    return app


@pytest.fixture(scope="session")
def real_app(tmp_path_factory):
    """The app on the embedded model, as `make run` starts it (minus retrieval), decoding greedily so
    the browser test sees the same multi-sentence reply on every run (the safety layer releases the
    stream a sentence at a time, so a one-sentence sample would arrive in one piece)."""
    app = _launch(tmp_path_factory.mktemp("real-app"), greedy=True)
    yield app
    app.close()


@pytest.fixture(scope="session")
def scripted_app(tmp_path_factory):
    """The app on ScriptedBackend: a 400-character reply streamed 4 characters every 10 ms."""
    import itertools

    from psycollm.backends.scripted import ScriptedBackend

    counter = itertools.count(1)
    # Every reply differs (a sample number at the end), as two samples of a real model would.
    backend = ScriptedBackend(lambda messages: "I hear how hard this is. " * 16 + f"(sample {next(counter)})",
                              delay_s=0.01, model_name="scripted")
    app = _launch(tmp_path_factory.mktemp("scripted-app"), backend=backend)
    yield app
    app.close()


@pytest.fixture(scope="session")
def login_app(tmp_path_factory):
    """ui.require_login=true: the chat itself is behind the login (ScriptedBackend)."""
    from psycollm.backends.scripted import ScriptedBackend

    app = _launch(tmp_path_factory.mktemp("login-app"), backend=ScriptedBackend(["Hello."]), require_login=True)
    yield app
    app.close()


@pytest.fixture(scope="session")
def chromium() -> str:
    """Debian's chromium, installed with apt-get when missing (root, as in CI); skips only if that fails."""
    path = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        if shutil.which("apt-get") is None:
            pytest.skip("browser test: chromium is not installed and apt-get is not available")
        try:
            subprocess.run(["apt-get", "update", "-qq"], check=True, capture_output=True, timeout=300)
            subprocess.run(["apt-get", "install", "-y", "-qq", "chromium", "fonts-wqy-microhei"], check=True,
                           capture_output=True, timeout=600)
        except (subprocess.SubprocessError, OSError) as exc:
            pytest.skip(f"browser test: chromium could not be installed with apt-get ({exc})")
        path = "/usr/bin/chromium"
    try:
        import playwright  # noqa: F401
    except ImportError:
        pytest.skip("browser test: the playwright package is missing (pip install -e '.[dev]')")
    ARTIFACTS.mkdir(exist_ok=True)
    return path
