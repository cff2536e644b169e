"""The `ChatBackend` contract every model client implements, and the types it speaks.

A backend turns chat messages into text. It is small on purpose (lm-evaluation-harness style):
``stream`` for the app, ``generate_batch`` for the data pipeline and the evaluation, ``count_tokens``
so prompts fit the context window, ``close`` to free the model. Every consumer (app, data pipeline,
eval, LLM judge) goes through it.

    from psycollm.backends import make_backend
    backend = make_backend(settings)
    for piece in backend.stream([{"role": "user", "content": "hi"}], GenerationParams(max_new_tokens=32)):
        print(piece, end="")
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol, TypedDict, runtime_checkable


class Message(TypedDict):
    role: str  # "system" | "user" | "assistant"
    content: str


@dataclass(frozen=True)
class GenerationParams:
    """Sampling parameters; every backend maps them onto its own API."""

    max_new_tokens: int = 384
    temperature: float = 0.7
    top_p: float = 0.9
    repetition_penalty: float = 1.1
    seed: int | None = None
    stop: tuple[str, ...] = field(default_factory=tuple)

    @classmethod
    def from_settings(cls, gen: object, **overrides: object) -> GenerationParams:
        values = {k: getattr(gen, k) for k in ("max_new_tokens", "temperature", "top_p",
                                              "repetition_penalty", "seed")}
        values.update(overrides)
        return cls(**values)  # type: ignore[arg-type]

    def cache_key(self) -> dict[str, object]:
        """What changes the output: used by caches in the data pipeline and the evaluation."""
        return {"max_new_tokens": self.max_new_tokens, "temperature": self.temperature,
                "top_p": self.top_p, "repetition_penalty": self.repetition_penalty,
                "seed": self.seed, "stop": list(self.stop)}


class CancelToken:
    """Set by the UI's stop button; backends check it between tokens and stop generating."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()


@runtime_checkable
class ChatBackend(Protocol):
    """What the app, the data pipeline and the evaluation need from a model."""

    #: Name shown to users ("which model answered") and used in cache keys.
    model_name: str
    #: Tokens the model can see at once (prompt + reply).
    context_window: int

    def stream(self, messages: Sequence[Message], params: GenerationParams,
               cancel: CancelToken | None = None) -> Iterator[str]:
        """Yield the reply piece by piece. Stops early (without error) once ``cancel`` is set.

        Raises BackendUnavailable when the model cannot be reached (also mid-stream) and
        BackendError when it answers with an error.
        """
        ...

    def generate_batch(self, conversations: Sequence[Sequence[Message]], params: GenerationParams) -> list[str]:
        """Replies for many conversations at once (batched in-process, concurrent against a server)."""
        ...

    def count_tokens(self, messages: Sequence[Message]) -> int:
        """Tokens the chat-templated prompt takes (an estimate is fine for remote models)."""
        ...

    def close(self) -> None:
        """Free the model / connections. Idempotent."""
        ...


def estimate_tokens(text: str) -> int:
    """A conservative token estimate for models whose tokenizer we do not have (remote servers).

    Written by hand because no tokenizer is available offline for an arbitrary served model: CJK
    characters are about one token each in Qwen/Llama vocabularies, other text about four characters
    per token; we round up so that prompts never overflow.
    """
    cjk = sum(1 for ch in text if "\u3000" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" or "\uff00" <= ch <= "\uffef")
    other = len(text) - cjk
    return cjk + (other + 2) // 3 + 1


def estimate_message_tokens(messages: Sequence[Message]) -> int:
    # ~4 tokens of chat-template overhead per message (role markers, separators).
    return sum(estimate_tokens(m["content"]) + 4 for m in messages) + 2
