"""Model backends behind one small contract (`ChatBackend`), chosen by ``settings.backend.kind``.

    backend = make_backend(settings)        # llamacpp | transformers | openai | scripted

- ``llamacpp``: in-process llama.cpp on a GGUF (the fastest on CPU; the default of `make run`).
- ``transformers``: in-process transformers (training, log-likelihood scoring, any HF folder).
- ``openai``: any OpenAI-compatible server, first of all `vllm serve` (production).
- ``scripted``: canned replies, for tests and demos that must not depend on a model.

Implementations are imported lazily so `psycollm --help` stays instant.
"""

from __future__ import annotations

from psycollm.backends.base import (
    CancelToken,
    ChatBackend,
    GenerationParams,
    Message,
    estimate_message_tokens,
    estimate_tokens,
)
from psycollm.config import Settings
from psycollm.errors import ConfigError

KINDS = ("llamacpp", "transformers", "openai", "scripted")


def make_backend(settings: Settings) -> ChatBackend:
    kind = settings.backend.kind.strip().lower()
    if kind == "llamacpp":
        from psycollm.backends.llamacpp import LlamaCppBackend

        return LlamaCppBackend.from_settings(settings)
    if kind in ("transformers", "local"):
        from psycollm.backends.local import TransformersBackend

        return TransformersBackend.from_settings(settings)
    if kind in ("openai", "vllm", "openai_compat"):
        from psycollm.backends.openai_compat import OpenAICompatBackend

        return OpenAICompatBackend.from_settings(settings)
    if kind == "scripted":
        from psycollm.backends.scripted import ScriptedBackend

        return ScriptedBackend()
    raise ConfigError(f"Unknown backend kind '{settings.backend.kind}'. Choose one of: {', '.join(KINDS)}.")


__all__ = ["KINDS", "CancelToken", "ChatBackend", "GenerationParams", "Message", "estimate_message_tokens",
           "estimate_tokens", "make_backend"]
