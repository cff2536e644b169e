"""In-process transformers backend: any Hugging Face model folder (or hub id where a hub is reachable).

    psycollm chat --backend transformers                          # embedded model, converted once
    psycollm chat --backend transformers --model ./runs/sft/merged   # a fine-tuned folder

Slower than llama.cpp on CPU, but it is the same stack as training and the one that can score
log-likelihoods, so fine-tuned models can be tried in the app before they are served by vLLM.
Streaming runs `generate` in a worker thread with a `TextIteratorStreamer`; the stop button sets a
`StoppingCriteria` that ends generation at the next token.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator, Sequence
from typing import Any

from psycollm.backends.base import CancelToken, GenerationParams, Message
from psycollm.config import Settings
from psycollm.errors import BackendError
from psycollm.models import display_name, hf_source

log = logging.getLogger(__name__)

# transformers' own default when a config states no limit is huge; on CPU we cap what we promise.
CPU_CONTEXT_CAP = 4096


class TransformersBackend:
    def __init__(self, source: str, *, model_name: str | None = None, context_window: int = 0,
                 n_threads: int = 0, dtype: str = "float32") -> None:
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        if n_threads:
            torch.set_num_threads(n_threads)
        self.source = source
        self.model_name = model_name or display_name(source)
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(source)
            self.model = AutoModelForCausalLM.from_pretrained(source, dtype=getattr(torch, dtype))
        except OSError as exc:
            raise BackendError(f"Could not load model '{source}': {exc}. Give a local model folder "
                               "(no hub is reachable here) or use the embedded default.") from exc
        self.model.eval()
        if self.tokenizer.pad_token is None:
            self.tokenizer.pad_token = self.tokenizer.eos_token
        configured = getattr(self.model.config, "max_position_embeddings", 0) or CPU_CONTEXT_CAP
        self.context_window = context_window or min(configured, CPU_CONTEXT_CAP)
        # generate() on one model object is not safe to run from two threads at once.
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings) -> TransformersBackend:
        name = settings.backend.model
        return cls(hf_source(name, settings), model_name=display_name(name),
                   context_window=settings.backend.context_window, n_threads=settings.backend.n_threads)

    # -- helpers ------------------------------------------------------------------------------------
    def _encode(self, conversations: Sequence[Sequence[Message]]) -> dict[str, Any]:
        texts = [self.tokenizer.apply_chat_template(list(c), tokenize=False, add_generation_prompt=True)
                 for c in conversations]
        self.tokenizer.padding_side = "left"  # decoder-only models generate after the last real token
        return self.tokenizer(texts, return_tensors="pt", padding=True, add_special_tokens=False)

    def _gen_kwargs(self, params: GenerationParams) -> dict[str, Any]:
        import torch

        if params.seed is not None:
            torch.manual_seed(params.seed)
        kw: dict[str, Any] = {"max_new_tokens": params.max_new_tokens,
                              "repetition_penalty": params.repetition_penalty,
                              "pad_token_id": self.tokenizer.pad_token_id}
        if params.temperature > 0:
            kw.update(do_sample=True, temperature=params.temperature, top_p=params.top_p)
        else:
            kw.update(do_sample=False)
        if params.stop:
            kw["stop_strings"] = list(params.stop)
            kw["tokenizer"] = self.tokenizer
        return kw

    # -- ChatBackend --------------------------------------------------------------------------------
    def stream(self, messages: Sequence[Message], params: GenerationParams,
               cancel: CancelToken | None = None) -> Iterator[str]:
        from transformers import StoppingCriteria, StoppingCriteriaList, TextIteratorStreamer

        token = cancel or CancelToken()

        class _Cancelled(StoppingCriteria):
            def __call__(self, input_ids: Any, scores: Any, **kwargs: Any) -> bool:
                return token.cancelled

        inputs = self._encode([messages])
        streamer = TextIteratorStreamer(self.tokenizer, skip_prompt=True, skip_special_tokens=True, timeout=600)
        kwargs = dict(**inputs, **self._gen_kwargs(params), streamer=streamer,
                      stopping_criteria=StoppingCriteriaList([_Cancelled()]))
        errors: list[BaseException] = []

        def run() -> None:
            try:
                with self._lock:
                    self.model.generate(**kwargs)
            except BaseException as exc:  # surfaced in the caller's thread below
                errors.append(exc)
                streamer.end()

        worker = threading.Thread(target=run, name="generate", daemon=True)
        worker.start()
        try:
            for piece in streamer:
                if piece:
                    yield piece
                if token.cancelled:
                    break
        finally:
            # Whether we finished, were cancelled, or the consumer walked away: stop generation.
            token.cancel()
            worker.join()
        if errors:
            raise BackendError(f"Generation failed: {errors[0]}") from errors[0]

    def generate_batch(self, conversations: Sequence[Sequence[Message]], params: GenerationParams,
                       batch_size: int = 8) -> list[str]:
        import torch

        out: list[str] = []
        for start in range(0, len(conversations), batch_size):
            chunk = conversations[start:start + batch_size]
            inputs = self._encode(chunk)
            with self._lock, torch.inference_mode():
                generated = self.model.generate(**inputs, **self._gen_kwargs(params))
            new_tokens = generated[:, inputs["input_ids"].shape[1]:]
            out.extend(t.strip() for t in self.tokenizer.batch_decode(new_tokens, skip_special_tokens=True))
        return out

    def count_tokens(self, messages: Sequence[Message]) -> int:
        ids = self.tokenizer.apply_chat_template(list(messages), tokenize=True, add_generation_prompt=True)
        if isinstance(ids, dict) or hasattr(ids, "keys"):
            ids = ids["input_ids"]
        return len(ids)

    def close(self) -> None:
        self.model = None  # type: ignore[assignment]
