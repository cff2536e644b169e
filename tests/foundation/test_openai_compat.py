"""The OpenAI-compatible backend against a real HTTP server on loopback (the project's
FakeOpenAIServer: scripted replies, so failures — server down, killed mid-stream, bad key — are
reproducible). The real vLLM server is exercised in test_vllm_integration.py."""

from __future__ import annotations

import pytest

from psycollm.backends.base import CancelToken, GenerationParams
from psycollm.backends.fake_openai_server import FakeOpenAIServer, _free_port
from psycollm.backends.openai_compat import OpenAICompatBackend
from psycollm.backends.scripted import ScriptedBackend
from psycollm.chat import Counselor
from psycollm.config import Settings
from psycollm.errors import BackendError, BackendUnavailable

PARAMS = GenerationParams(max_new_tokens=32)
MSG = [{"role": "user", "content": "hello"}]


def test_streams_and_discovers_the_served_model():
    with FakeOpenAIServer("one two three four", model_name="served-x", max_model_len=3000) as srv:
        backend = OpenAICompatBackend(srv.base_url)
        assert backend.model_name == "served-x" and backend.context_window == 3000
        assert list(backend.stream(MSG, PARAMS)) == ["one ", "two ", "three ", "four"]
        assert srv.requests[-1]["messages"] == MSG and srv.requests[-1]["stream"] is True


def test_batch_runs_concurrently_up_to_the_limit():
    with FakeOpenAIServer(lambda m: "echo " + m[-1]["content"], latency_s=0.3) as srv:
        backend = OpenAICompatBackend(srv.base_url, max_concurrency=4)
        out = backend.generate_batch([[{"role": "user", "content": str(i)}] for i in range(10)], PARAMS)
        assert out == [f"echo {i}" for i in range(10)]  # order kept
        assert srv.max_in_flight == 4


def test_cancel_stops_the_stream():
    with FakeOpenAIServer(" ".join(["word"] * 200), piece_delay_s=0.01) as srv:
        backend = OpenAICompatBackend(srv.base_url)
        cancel = CancelToken()
        got = []
        for piece in backend.stream(MSG, PARAMS, cancel):
            got.append(piece)
            if len(got) == 2:
                cancel.cancel()
        assert len(got) == 2


def test_server_down_is_a_clear_error():
    backend = OpenAICompatBackend(f"http://127.0.0.1:{_free_port()}/v1", model="m", context_window=1000, max_retries=1)
    with pytest.raises(BackendUnavailable, match="not reachable.*psycollm serve"):
        list(backend.stream(MSG, PARAMS))
    with pytest.raises(BackendUnavailable):
        backend.generate_batch([MSG, MSG], PARAMS)


def test_wrong_key_and_unknown_model():
    with FakeOpenAIServer("x", api_key="right") as srv:
        with pytest.raises(BackendError, match="API key"):
            OpenAICompatBackend(srv.base_url, api_key="wrong")
        backend = OpenAICompatBackend(srv.base_url, api_key="right", model="other", context_window=100)
        with pytest.raises(BackendError, match="does not serve model 'other'"):
            list(backend.stream(MSG, PARAMS))


def test_killed_mid_stream_keeps_the_session():
    """A server dying mid-reply ends the turn with a clear error; the conversation is intact."""
    with FakeOpenAIServer("alpha beta gamma delta epsilon", die_after_pieces=2) as srv:
        backend = OpenAICompatBackend(srv.base_url, max_retries=0)
        settings = Settings()
        settings.safety.enabled = settings.retrieval.enabled = False
        counselor = Counselor(backend, settings)
        history = [{"role": "user", "content": "earlier"}, {"role": "assistant", "content": "earlier reply"}]
        snapshot = [dict(m) for m in history]
        events = list(counselor.respond(history, "and now?"))
        last = events[-1]
        assert last.done and last.status == "error"
        assert "not reachable" in last.error
        assert last.text == "alpha beta "  # what arrived before the crash is kept, not silently extended
        assert history == snapshot


def test_counselor_recovers_after_the_error():
    """After a failure the same Counselor answers the next turn (nothing is left in a broken state)."""
    settings = Settings()
    settings.safety.enabled = settings.retrieval.enabled = False
    counselor = Counselor(ScriptedBackend(["fine now"]), settings)
    assert list(counselor.respond([], "hi"))[-1].text == "fine now"
