"""A backend that returns scripted replies: the `DummyLM` of this project.

For tests and demos that must not depend on a model's wording (the data pipeline's judgment
and retry logic, the evaluation's scoring, failure injection). Never the default for users.

    backend = ScriptedBackend(["first reply", "second reply"])          # in order, then repeats the last
    backend = ScriptedBackend(lambda messages: "echo: " + messages[-1]["content"])
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence

from psycollm.backends.base import CancelToken, GenerationParams, Message, estimate_message_tokens

Script = Sequence[str] | Callable[[Sequence[Message]], str]


class ScriptedBackend:
    """Replies from a list (in order) or a function of the messages; records every call."""

    def __init__(self, script: Script | None = None, *, model_name: str = "scripted", context_window: int = 4096,
                 delay_s: float = 0.0, piece_chars: int = 4) -> None:
        self.script: Script = script if script is not None else ["I hear you. Could you tell me more?"]
        self.model_name = model_name
        self.context_window = context_window
        self.delay_s = delay_s  # per streamed piece: lets tests exercise cancellation and concurrency
        self.piece_chars = piece_chars
        self.calls: list[list[Message]] = []
        self._lock = threading.Lock()
        self._index = 0

    def _reply(self, messages: Sequence[Message]) -> str:
        with self._lock:
            self.calls.append([dict(m) for m in messages])  # type: ignore[misc]
            if callable(self.script):
                return self.script(messages)
            replies = list(self.script)
            reply = replies[min(self._index, len(replies) - 1)]
            self._index += 1
            return reply

    def stream(self, messages: Sequence[Message], params: GenerationParams,
               cancel: CancelToken | None = None) -> Iterator[str]:
        reply = self._reply(messages)
        for i in range(0, len(reply), self.piece_chars):
            if cancel is not None and cancel.cancelled:
                return
            if self.delay_s:
                time.sleep(self.delay_s)
            yield reply[i:i + self.piece_chars]

    def generate_batch(self, conversations: Sequence[Sequence[Message]], params: GenerationParams) -> list[str]:
        return [self._reply(c) for c in conversations]

    def count_tokens(self, messages: Sequence[Message]) -> int:
        return estimate_message_tokens(messages)

    def close(self) -> None:
        pass
