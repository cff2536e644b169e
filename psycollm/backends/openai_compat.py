"""Backend for any OpenAI-compatible server — first of all `vllm serve` (production, GPUs).

    psycollm serve &                                            # or a vLLM fleet behind a URL
    psycollm chat --backend openai --base-url http://127.0.0.1:8000/v1 --model smollm2-135m
    PSYCOLLM_BACKEND_API_KEY=... python app.py --backend openai --base-url https://vllm.example/v1

Built on the official `openai` client: timeouts, retries with exponential backoff on connection
errors and 5xx/429 (its own, ``backend.max_retries``), streaming. Closing a stream (the stop
button) drops the HTTP connection, and vLLM aborts the request. Batches run concurrently with at
most ``backend.max_concurrency`` requests in flight.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from psycollm.backends.base import CancelToken, GenerationParams, Message, estimate_message_tokens
from psycollm.config import Settings
from psycollm.errors import BackendError, BackendUnavailable

log = logging.getLogger(__name__)


class OpenAICompatBackend:
    def __init__(self, base_url: str, *, model: str = "", api_key: str = "", timeout_s: float = 120.0,
                 connect_timeout_s: float = 5.0, max_retries: int = 3, max_concurrency: int = 8,
                 context_window: int = 0, extra_body: dict[str, Any] | None = None) -> None:
        import httpx
        import openai

        self._openai = openai
        self._httpx = httpx
        self.base_url = base_url.rstrip("/")
        self.max_concurrency = max(1, max_concurrency)
        # The openai client insists on a key; servers started without --api-key ignore it.
        self.client = openai.OpenAI(
            base_url=self.base_url, api_key=api_key or "EMPTY", max_retries=max_retries,
            timeout=httpx.Timeout(timeout_s, connect=connect_timeout_s),
            http_client=httpx.Client(limits=httpx.Limits(max_connections=self.max_concurrency + 4)),
        )
        self.extra_body = extra_body or {}
        served = self._served_models() if not model or not context_window else {}
        if not model:
            if not served:
                raise BackendError(f"The server at {self.base_url} serves no model.")
            model = next(iter(served))
        self.model = model
        self.model_name = model
        self.context_window = context_window or served.get(model) or 4096

    @classmethod
    def from_settings(cls, settings: Settings) -> OpenAICompatBackend:
        b = settings.backend
        # `psycollm serve` serves a registry model under its registry name, so the same --model works.
        return cls(b.base_url, model=b.model, api_key=b.api_key, timeout_s=b.timeout_s,
                   connect_timeout_s=b.connect_timeout_s, max_retries=b.max_retries,
                   max_concurrency=b.max_concurrency, context_window=b.context_window,
                   extra_body={"repetition_penalty": settings.generation.repetition_penalty})

    # -- errors -------------------------------------------------------------------------------------
    def _translate(self, exc: BaseException) -> Exception:
        o = self._openai
        if isinstance(exc, (o.APITimeoutError, o.APIConnectionError, self._httpx.TransportError)):
            return BackendUnavailable(
                f"The model server at {self.base_url} is not reachable ({type(exc).__name__}). Start it with "
                "`psycollm serve` (or check --base-url), then try again; your conversation is kept.")
        if isinstance(exc, o.AuthenticationError):
            return BackendError(f"The model server at {self.base_url} refused the API key (set "
                                "PSYCOLLM_BACKEND_API_KEY).")
        if isinstance(exc, o.NotFoundError):
            return BackendError(f"The server at {self.base_url} does not serve model '{self.model}': {exc}")
        if isinstance(exc, o.APIStatusError):
            return BackendError(f"The model server answered {exc.status_code}: {exc.message}")
        return BackendError(f"The model server failed: {exc!r}")

    def _served_models(self) -> dict[str, int]:
        try:
            page = self.client.models.list()
        except Exception as exc:
            raise self._translate(exc) from exc
        return {m.id: int(getattr(m, "max_model_len", 0) or 0) for m in page.data}

    def _request(self, messages: Sequence[Message], params: GenerationParams) -> dict[str, Any]:
        req: dict[str, Any] = {"model": self.model, "messages": list(messages),
                               "max_tokens": params.max_new_tokens, "temperature": params.temperature,
                               "top_p": params.top_p}
        if params.seed is not None:
            req["seed"] = params.seed
        if params.stop:
            req["stop"] = list(params.stop)
        if self.extra_body:
            req["extra_body"] = dict(self.extra_body)
        return req

    # -- ChatBackend --------------------------------------------------------------------------------
    def stream(self, messages: Sequence[Message], params: GenerationParams,
               cancel: CancelToken | None = None) -> Iterator[str]:
        try:
            response = self.client.chat.completions.create(stream=True, **self._request(messages, params))
        except Exception as exc:
            raise self._translate(exc) from exc
        try:
            for chunk in response:
                if cancel is not None and cancel.cancelled:
                    break
                if not chunk.choices:
                    continue
                piece = chunk.choices[0].delta.content
                if piece:
                    yield piece
        except Exception as exc:  # the server died or the connection dropped mid-stream
            raise self._translate(exc) from exc
        finally:
            response.close()

    def generate(self, messages: Sequence[Message], params: GenerationParams) -> str:
        try:
            out = self.client.chat.completions.create(**self._request(messages, params))
        except Exception as exc:
            raise self._translate(exc) from exc
        return out.choices[0].message.content or ""

    def generate_batch(self, conversations: Sequence[Sequence[Message]], params: GenerationParams) -> list[str]:
        if len(conversations) <= 1:
            return [self.generate(c, params) for c in conversations]
        with ThreadPoolExecutor(max_workers=min(self.max_concurrency, len(conversations)),
                                thread_name_prefix="openai") as pool:
            return list(pool.map(lambda c: self.generate(c, params), conversations))

    def count_tokens(self, messages: Sequence[Message]) -> int:
        # The server's tokenizer is not available here; a conservative estimate keeps prompts in bounds.
        return estimate_message_tokens(messages)

    def close(self) -> None:
        self.client.close()
