"""In-process llama.cpp backend on a GGUF file: the fastest way to run the embedded model on CPU.

    PSYCOLLM_BACKEND_KIND=llamacpp psycollm chat                 # the default of `make run`
    psycollm chat --backend llamacpp --model /path/to/model.gguf

Measured on 2 cores with SmolLM2-135M Q4_1 (`python benchmarks/generation.py`): several times the
tokens/s of transformers fp32. A llama.cpp context is not thread-safe, so requests take an instance
from a small pool (``backend.instances``, default 1); concurrent users queue for it.
"""

from __future__ import annotations

import contextlib
import logging
import os
import queue
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from psycollm.backends.base import CancelToken, GenerationParams, Message
from psycollm.config import Settings
from psycollm.errors import BackendError
from psycollm.models import display_name, resolve_gguf

log = logging.getLogger(__name__)

# llama.cpp's OpenMP threads spin while waiting by default. On a shared 2-core machine (the app plus
# tests, a browser, other jobs) spinning threads starve each other: measured 1.7 tokens/s with 2
# threads under load vs 15 tokens/s with passive waiting. Must be set before the OpenMP runtime starts.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


class LlamaCppBackend:
    def __init__(self, gguf_path: str | os.PathLike[str], *, model_name: str | None = None, context_window: int = 2048,
                 n_threads: int = 0, instances: int = 1) -> None:
        from llama_cpp import Llama

        self.path = Path(gguf_path)
        self.model_name = model_name or self.path.stem
        self.context_window = context_window
        threads = n_threads or os.cpu_count() or 1
        self._pool: queue.Queue[Any] = queue.Queue()
        self._all: list[Any] = []
        for _ in range(max(1, instances)):
            # verbose=False silences llama.cpp's load log; errors still raise.
            llm = Llama(model_path=str(self.path), n_ctx=context_window, n_threads=max(1, threads // max(1, instances)),
                        n_threads_batch=max(1, threads // max(1, instances)), verbose=False)
            self._all.append(llm)
            self._pool.put(llm)
        self._closed = threading.Event()

    @classmethod
    def from_settings(cls, settings: Settings) -> LlamaCppBackend:
        name = settings.backend.model
        path = resolve_gguf(name, settings)
        window = settings.backend.context_window or 2048
        return cls(path, model_name=display_name(name) if not name.endswith(".gguf") else Path(name).stem,
                   context_window=window, n_threads=settings.backend.n_threads,
                   instances=settings.backend.instances)

    @contextlib.contextmanager
    def _instance(self) -> Iterator[Any]:
        if self._closed.is_set():
            raise BackendError("The model was closed; restart the app.")
        llm = self._pool.get()
        try:
            yield llm
        finally:
            self._pool.put(llm)

    @staticmethod
    def _kwargs(params: GenerationParams) -> dict[str, Any]:
        kw: dict[str, Any] = {"max_tokens": params.max_new_tokens, "temperature": params.temperature,
                              "top_p": params.top_p, "repeat_penalty": params.repetition_penalty}
        if params.seed is not None:
            kw["seed"] = params.seed
        if params.stop:
            kw["stop"] = list(params.stop)
        return kw

    def stream(self, messages: Sequence[Message], params: GenerationParams,
               cancel: CancelToken | None = None) -> Iterator[str]:
        with self._instance() as llm:
            try:
                chunks = llm.create_chat_completion(messages=list(messages), stream=True, **self._kwargs(params))
                try:
                    for chunk in chunks:
                        if cancel is not None and cancel.cancelled:
                            break
                        piece = chunk["choices"][0].get("delta", {}).get("content")
                        if piece:
                            yield piece
                finally:
                    # Closing the generator stops llama.cpp's decode loop right away.
                    chunks.close()
            except (RuntimeError, ValueError) as exc:  # e.g. "llama_decode returned 1": context overflow
                raise BackendError(_overflow_message(exc, self.context_window)) from exc

    def generate_batch(self, conversations: Sequence[Sequence[Message]], params: GenerationParams) -> list[str]:
        # llama-cpp-python has no batched chat API; with several instances, run them side by side.
        def one(conv: Sequence[Message]) -> str:
            with self._instance() as llm:
                try:
                    out = llm.create_chat_completion(messages=list(conv), **self._kwargs(params))
                except (RuntimeError, ValueError) as exc:
                    raise BackendError(_overflow_message(exc, self.context_window)) from exc
                return out["choices"][0]["message"]["content"] or ""

        if len(self._all) == 1 or len(conversations) <= 1:
            return [one(c) for c in conversations]
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=len(self._all)) as pool:
            return list(pool.map(one, conversations))

    def count_tokens(self, messages: Sequence[Message]) -> int:
        llm = self._all[0]
        # Tokenizing is read-only on the vocabulary, safe alongside generation. The chat template adds
        # role markers: ~5 tokens per message for ChatML-style templates.
        total = 0
        for m in messages:
            total += len(llm.tokenize(m["content"].encode("utf-8"), add_bos=False, special=False)) + 5
        return total + 3

    def close(self) -> None:
        if self._closed.is_set():
            return
        self._closed.set()
        for llm in self._all:
            with contextlib.suppress(Exception):
                llm.close()


def _overflow_message(exc: BaseException, window: int) -> str:
    return (f"llama.cpp could not generate ({exc}); most often the prompt plus max_new_tokens exceeds the "
            f"{window}-token context window: shorten the input or lower generation.max_new_tokens.")
