"""The in-process backends generate real tokens from the embedded model (SmolLM2-135M), stream,
stop when cancelled, and batch. Real llama.cpp and real transformers; small max_new_tokens."""

from __future__ import annotations

import pytest

from psycollm.backends.base import CancelToken, ChatBackend, GenerationParams

MESSAGES = [{"role": "system", "content": "You are a kind counselor."},
            {"role": "user", "content": "I feel nervous before my exams. What could help?"}]


def _check_backend(backend) -> None:
    assert isinstance(backend, ChatBackend)
    pieces = list(backend.stream(MESSAGES, GenerationParams(max_new_tokens=24, temperature=0)))
    text = "".join(pieces)
    assert len(pieces) >= 5, "the reply should stream in several pieces"
    assert len(text.split()) >= 4 and any(ch.isalpha() for ch in text)
    # Greedy decoding is deterministic: same prompt, same reply.
    again = "".join(backend.stream(MESSAGES, GenerationParams(max_new_tokens=24, temperature=0)))
    assert again == text

    # Cancellation: stop after 3 pieces although 200 tokens were allowed.
    cancel = CancelToken()
    got = []
    for piece in backend.stream(MESSAGES, GenerationParams(max_new_tokens=200, temperature=0.7), cancel):
        got.append(piece)
        if len(got) == 3:
            cancel.cancel()
    assert 3 <= len(got) <= 4

    batch = backend.generate_batch([MESSAGES, MESSAGES[1:]], GenerationParams(max_new_tokens=12, temperature=0))
    assert len(batch) == 2 and all(b.strip() for b in batch)
    assert backend.count_tokens(MESSAGES) > 10


def test_llamacpp_backend_generates_streams_and_cancels(llamacpp_backend):
    assert llamacpp_backend.model_name == "SmolLM2-135M-Instruct"
    _check_backend(llamacpp_backend)


@pytest.mark.slow
def test_transformers_backend_generates_streams_and_cancels(settings):
    from psycollm.backends.local import TransformersBackend

    settings.backend.kind = "transformers"
    backend = TransformersBackend.from_settings(settings)
    try:
        _check_backend(backend)
    finally:
        backend.close()


def test_converted_folder_reloads(settings):
    """The GGUF -> safetensors conversion is cached and is a loadable model folder (config + weights)."""
    from psycollm.models import converted_folder

    folder = converted_folder("smollm2-135m", settings)
    assert (folder / "config.json").exists()
    assert list(folder.glob("*.safetensors"))
    assert (folder / "tokenizer.json").exists() or (folder / "tokenizer_config.json").exists()
    assert converted_folder("smollm2-135m", settings) == folder  # second call: no re-conversion


def test_unknown_model_is_a_clear_error(settings):
    from psycollm.backends import make_backend
    from psycollm.errors import ConfigError, ModelNotFound

    settings.backend.model = "no-such-model"
    with pytest.raises(ModelNotFound, match="no GGUF"):
        make_backend(settings)
    settings.backend.kind = "nonsense"
    with pytest.raises(ConfigError, match="Unknown backend"):
        make_backend(settings)


def test_llamacpp_context_overflow_is_a_backend_error(llamacpp_backend):
    """A prompt longer than the window surfaces as BackendError (callers isolate it), not RuntimeError."""
    from psycollm.errors import BackendError

    huge = [{"role": "user", "content": "word " * 5000}]
    with pytest.raises(BackendError, match="context window"):
        list(llamacpp_backend.stream(huge, GenerationParams(max_new_tokens=8)))
    with pytest.raises(BackendError, match="context window"):
        llamacpp_backend.generate_batch([huge], GenerationParams(max_new_tokens=8))
    # The instance is still usable afterwards.
    assert "".join(llamacpp_backend.stream(MESSAGES, GenerationParams(max_new_tokens=4, temperature=0)))
