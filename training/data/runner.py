"""Cached, validated, retried LLM calls in batches: the one place the pipeline talks to a model.

    runner = CallRunner(backend, cache, recipe.llm, seed=recipe.seed)
    results = runner.run([Call(id="case_1/generate", template=tmpl, variables={...}, sampling=...,
                               parse=lambda text: parse_dialogue(text, "zh"))], desc="generate")

For each round of attempts, the calls still pending are rendered, looked up in the cache, and the
rest handed to ``backend.generate_batch`` in chunks of ``llm.batch_size`` (auto: 4 x
``backend.max_concurrency`` for a server, which runs a chunk concurrently with at most that many
requests in flight; one request at a time for in-process backends). Each reply goes into the cache before it is parsed, so a run
killed at any point resumes without paying twice. A reply that fails its ``parse`` is retried with a
new seed up to ``llm.max_attempts`` times, then the call fails with every attempt's reason.

Seeds are derived from (recipe seed, step, attempt), one per batch-able group, so a run is
deterministic and a retry samples differently. Prompts that do not fit the context window have the
template's ``truncate`` variable shortened, and ``max_new_tokens`` is capped to what is left.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from psycollm.backends.base import ChatBackend, GenerationParams, Message
from psycollm.errors import BackendError
from training.data.cache import CallCache, call_key
from training.data.recipe import LLMConfig, StepSampling
from training.data.templates import PromptTemplate
from training.data.validate import MalformedOutput

log = logging.getLogger(__name__)


@dataclass
class Call:
    id: str  # unique within a run: "<item id>/<step>"
    step: str  # "generate.r0", "judge.r0", ... (part of the seed)
    template: PromptTemplate
    variables: dict[str, str]
    sampling: StepSampling
    parse: Callable[[str], Any]  # raises MalformedOutput


@dataclass
class CallResult:
    call: Call
    ok: bool
    value: Any = None
    raw: str = ""  # the last reply
    attempts: int = 0
    errors: list[str] = field(default_factory=list)  # one "reason: detail" per failed attempt
    truncated: bool = False  # the template's long input was shortened to fit

    @property
    def reason(self) -> str:
        return self.errors[-1].split(":", 1)[0] if self.errors else ""

    def audit(self) -> dict[str, Any]:
        return {"attempts": self.attempts, "errors": self.errors, "truncated": self.truncated}


def derive_seed(*parts: object) -> int:
    digest = hashlib.sha256("\x1f".join(map(str, parts)).encode()).digest()
    return int.from_bytes(digest[:4], "big") & 0x7FFFFFFF


class CallRunner:
    def __init__(self, backend: ChatBackend, cache: CallCache | None, config: LLMConfig, *, seed: int = 0,
                 progress: bool = True) -> None:
        self.backend = backend
        self.cache = cache
        self.config = config
        self.seed = seed
        self.progress = progress
        self.stats: Counter[str] = Counter()  # calls, cache_hits, backend_calls, malformed:<reason>

    # -- prompt fitting -------------------------------------------------------------------------------
    def _prepare(self, call: Call, attempt: int) -> tuple[list[Message], GenerationParams, bool]:
        s = call.sampling
        temperature = s.temperature if attempt == 0 or s.temperature > 0 else self.config.retry_temperature
        params = GenerationParams(max_new_tokens=s.max_new_tokens, temperature=temperature, top_p=s.top_p,
                                  repetition_penalty=s.repetition_penalty,
                                  seed=derive_seed(self.seed, call.step, attempt))
        variables = dict(call.variables)
        messages = call.template.render(**variables)
        window = self.backend.context_window
        if not window:
            return messages, params, False
        need = self.config.min_reply_tokens + 16 + window // 32
        truncated = False
        used = self.backend.count_tokens(messages)
        name = call.template.truncate
        if used + need > window and name and name in variables:
            text = variables[name]
            # Shrink the long input geometrically, then it fits in a few tokenizations.
            while used + need > window and len(text) > 40:
                overshoot = (used + need - window) / max(1, used)
                keep = int(len(text) * max(0.0, 1.0 - overshoot - 0.05))
                text = text[:max(40, min(keep, len(text) - 20))]
                variables[name] = text.rstrip() + "…"
                messages = call.template.render(**variables)
                used = self.backend.count_tokens(messages)
            truncated = True
        # Token counts of in-process backends miss a little chat-template overhead and remote ones are
        # estimates: keep a margin so prompt + reply never overflows the context (llama.cpp fails then).
        room = window - used - (16 + window // 32)
        if room < params.max_new_tokens:
            params = dataclasses.replace(params, max_new_tokens=max(16, room))
        return messages, params, truncated

    @property
    def chunk_size(self) -> int:
        if self.config.batch_size > 0:
            return self.config.batch_size
        # Auto: keep a server's request pool full between chunks; in-process backends generate one
        # request at a time anyway, and a chunk of one commits (and shows) every reply as it comes.
        concurrency = int(getattr(self.backend, "max_concurrency", 0) or 0)
        return 4 * concurrency if concurrency else 1

    # -- the loop -----------------------------------------------------------------------------------
    def run(self, calls: Sequence[Call], desc: str = "llm") -> list[CallResult]:
        results = {c.id: CallResult(c, ok=False) for c in calls}
        if len(results) != len(calls):
            raise ValueError("call ids must be unique within a run")
        pending = list(calls)
        from tqdm import tqdm

        for attempt in range(self.config.max_attempts):
            if not pending:
                break
            # One bar per attempt round, advancing with every reply (cached or generated), with ETA.
            label = desc if attempt == 0 else f"{desc} retry {attempt}"
            with tqdm(total=len(pending), desc=label, unit="call", disable=not self.progress, leave=False,
                      dynamic_ncols=True) as bar:
                replies = self._replies(pending, attempt, results, bar.update)
            still: list[Call] = []
            for call in pending:
                res = results[call.id]
                res.attempts = attempt + 1
                if call.id not in replies:  # the backend refused this request
                    still.append(call)
                    continue
                text = replies[call.id]
                res.raw = text
                try:
                    res.value = call.parse(text)
                    res.ok = True
                except MalformedOutput as exc:
                    res.errors.append(f"{exc.reason}: {exc.detail}"[:300])
                    self.stats[f"malformed:{exc.reason}"] += 1
                    still.append(call)
            pending = still
        self.stats["failed_calls"] += len(pending)
        return [results[c.id] for c in calls]

    def _replies(self, calls: Sequence[Call], attempt: int, results: dict[str, CallResult],
                 advance: Callable[[int], object] = lambda n: None) -> dict[str, str]:
        """One attempt for each call: from the cache, else from the backend (chunked, grouped by params)."""
        prepared: dict[str, tuple[list[Message], GenerationParams, str]] = {}
        for call in calls:
            messages, params, truncated = self._prepare(call, attempt)
            results[call.id].truncated = results[call.id].truncated or truncated
            key = call_key(self.backend.model_name, call.template.identity, messages, params)
            prepared[call.id] = (messages, params, key)
        self.stats["calls"] += len(calls)
        replies: dict[str, str] = {}
        if self.cache is not None and self.config.cache:
            cached = self.cache.get_many([p[2] for p in prepared.values()])
            for cid, (_, _, key) in prepared.items():
                if key in cached:
                    replies[cid] = cached[key]
            self.stats["cache_hits"] += len(replies)
            advance(len(replies))
        todo = [c for c in calls if c.id not in replies]
        groups: dict[GenerationParams, list[Call]] = {}
        for call in todo:
            groups.setdefault(prepared[call.id][1], []).append(call)
        size = self.chunk_size
        for params, group in groups.items():
            for i in range(0, len(group), size):
                chunk = group[i:i + size]
                got = self._generate(chunk, [prepared[c.id][0] for c in chunk], params, results)
                if self.cache is not None and self.config.cache and got:
                    names = {c.id: c.template.name for c in chunk}
                    self.cache.put_many({prepared[cid][2]: (self.backend.model_name, names[cid], text)
                                         for cid, text in got.items()})
                replies.update(got)
                advance(len(chunk))
        return replies

    def _generate(self, chunk: Sequence[Call], conversations: list[list[Message]], params: GenerationParams,
                  results: dict[str, CallResult]) -> dict[str, str]:
        """Replies by call id; a request the backend rejects (BackendError) fails only its own call.

        BackendUnavailable (server down) propagates: the run stops, and a re-run resumes from the cache.
        """
        try:
            texts = self.backend.generate_batch(conversations, params)
            self.stats["backend_calls"] += len(chunk)
            return {c.id: t for c, t in zip(chunk, texts, strict=True)}
        except BackendError as exc:
            if len(chunk) == 1:
                results[chunk[0].id].errors.append(f"backend_error: {exc}"[:300])
                self.stats["backend_errors"] += 1
                return {}
            log.warning("a batch failed (%s); retrying its requests one by one", exc)
        out: dict[str, str] = {}
        for call, conv in zip(chunk, conversations, strict=True):
            out.update(self._generate([call], [conv], params, results))
        return out
