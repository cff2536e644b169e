"""The chat engine: one counseling turn, top to bottom. No Gradio here.

    counselor = Counselor(backend, settings, guard=guard, retriever=kb, sink=store)
    for event in counselor.respond(history, "I can't sleep before exams"):
        print(event.text)      # cumulative reply; event.done on the last one

The turn: (1) screen the input (whole conversation) -> crisis/refusal replies skip the model;
(2) retrieve evidence; (3) build a prompt that fits the context window; (4) stream the reply;
(5) screen the output, replacing an unsafe reply; (6) save the turn. Safety fails closed: if a
screen raises or times out, the user gets crisis resources and the turn is logged as a failure.
"""

from __future__ import annotations

import concurrent.futures
import logging
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from psycollm import prompts
from psycollm.backends.base import CancelToken, ChatBackend, GenerationParams, Message
from psycollm.config import Settings
from psycollm.errors import ConfigError, InputRejected, PsycollmError
from psycollm.retrieval.types import Retriever, Source
from psycollm.safety.types import Action, InputVerdict, OutputVerdict, RiskLevel, SafetyGuard

log = logging.getLogger(__name__)

# Shown when the safety layer itself cannot run (and could not build its own fail-closed reply).
# Kept here, dependency-free, so that this path cannot fail. Numbers: China's national psychological
# assistance hotline 12356 (National Health Commission, 2025); Beijing Psychological Crisis Research
# and Intervention Center 010-82951332; US 988 Suicide & Crisis Lifeline; emergency 110/120, 911, 112.
LAST_RESORT_CRISIS_REPLY = {
    "zh": ("我很在意你的安全。如果你正处在危险中，或有伤害自己的想法，请立刻拨打 120 或 110，"
           "或拨打全国心理援助热线 12356、北京心理危机干预中心 010-82951332。"
           "你不必独自面对，我也愿意继续听你说。"),
    "en": ("Your safety matters to me. If you are in danger or thinking about harming yourself, please "
           "call your local emergency number now (911 in the US, 112 in the EU, 999 in the UK), or in the "
           "US call or text 988 (Suicide & Crisis Lifeline). You don't have to face this alone, and I'm "
           "here to keep talking."),
}


def load_guard(settings: Settings, backend: ChatBackend | None = None) -> SafetyGuard:
    """The configured safety guard. If its learned layer cannot load, the lexicon screens alone.

    Never returns None: running without a screen would fail open. If even the lexicon-only guard
    cannot be built, this raises and the caller fails closed (see `UnavailableGuard`).
    """
    from psycollm.safety.guard import Guard

    try:
        return Guard.from_settings(settings, backend=backend)
    except ConfigError:
        raise
    except Exception:
        if settings.safety.judge.strip().lower() == "none":
            raise
        log.exception("safety: the learned layer (%s) could not be loaded; screening with the lexicon alone",
                      settings.safety.judge)
        return Guard(locale=settings.safety.locale, learned=None)


def load_retriever(settings: Settings) -> Retriever:
    """The knowledge base, built first if it is missing or out of date."""
    from psycollm.retrieval.search import KnowledgeBase

    return KnowledgeBase.from_settings(settings, build_if_missing=True)


class UnavailableGuard:
    """Stands in for a safety layer that could not be loaded: every screen raises, so every turn
    takes the fail-closed path and the user gets crisis resources, never an unscreened reply."""

    def __init__(self, error: BaseException) -> None:
        self.error = error

    def _raise(self, *_: Any) -> Any:
        raise RuntimeError(f"the safety layer is not available: {self.error!r}")

    screen_input = screen_output = fail_closed = _raise


class TurnSink(Protocol):
    """Where finished turns go (the store). Implemented by `psycollm.store`."""

    def save_turn(self, record: TurnRecord) -> Any: ...


@dataclass
class SafetyNotice:
    """What the UI shows as a banner when the safety layer intervened."""

    kind: str  # "crisis" | "refused" | "caution" | "support" | "replaced" | "failure"
    level: str
    categories: list[str] = field(default_factory=list)
    resources: str = ""  # caution, support: one fixed line with the crisis line, shown under the reply


@dataclass
class TurnEvent:
    """One streamed update of a turn; ``text`` is the reply so far."""

    text: str
    done: bool = False
    model: str = ""
    sources: list[Source] = field(default_factory=list)
    notice: SafetyNotice | None = None
    status: str = "streaming"  # streaming | ok | cancelled | crisis | refused | replaced | error
    error: str | None = None
    turn_id: str = ""


@dataclass
class TurnRecord:
    """Everything about a finished turn, for the store and the clinicians."""

    turn_id: str
    session_id: str
    user_text: str
    reply: str
    model: str
    status: str
    lang: str
    sources: list[Source]
    input_verdict: dict[str, Any] | None
    output_verdict: dict[str, Any] | None
    raw_reply: str  # before the output screen (differs when replaced)
    latency_s: float
    params: dict[str, Any]
    error: str | None = None


class Counselor:
    """Runs counseling turns on one backend, with optional safety guard, retriever and sink.

    ``guard`` and ``retriever`` may also be futures (``from_settings(..., background=True)``): the
    app serves its page while they load, and the first turn that needs one waits for it. A guard
    that fails to load becomes `UnavailableGuard`, so every turn fails closed instead of open.
    """

    def __init__(self, backend: ChatBackend, settings: Settings | None = None, *,
                 guard: SafetyGuard | concurrent.futures.Future | None = None,
                 retriever: Retriever | concurrent.futures.Future | None = None,
                 sink: TurnSink | None = None) -> None:
        self.backend = backend
        self.settings = settings or Settings()
        self._guard = guard
        self._retriever = retriever
        self.sink = sink
        # One worker thread runs screens with a timeout, so a hung screen fails closed.
        self._screen_pool = concurrent.futures.ThreadPoolExecutor(max_workers=4, thread_name_prefix="screen")

    @classmethod
    def from_settings(cls, settings: Settings, *, sink: TurnSink | None = None,
                      backend: ChatBackend | None = None, background: bool = False) -> Counselor:
        """Assemble the configured backend, safety guard and knowledge base (imported lazily).

        ``background=True`` (the app) returns at once and loads the guard, then the knowledge base,
        in a daemon thread; otherwise both are loaded here and a failure raises.
        """
        from psycollm.backends import make_backend

        backend = backend or make_backend(settings)
        if settings.safety.enabled:
            try:
                from psycollm.safety.guard import Guard
            except ImportError as exc:  # a broken install must stop the start, not run unscreened
                raise ConfigError(f"the safety layer cannot be imported ({exc}); reinstall with `make install` "
                                  "(only for testing: --set safety.enabled=false)") from exc
            Guard.check_settings(settings, backend)  # a misconfiguration is reported now, not mid-turn
        if not background:
            guard = load_guard(settings, backend) if settings.safety.enabled else None
            retriever = load_retriever(settings) if settings.retrieval.enabled else None
            return cls(backend, settings, guard=guard, retriever=retriever, sink=sink)

        guard_f: concurrent.futures.Future | None = concurrent.futures.Future() if settings.safety.enabled else None
        kb_f: concurrent.futures.Future | None = concurrent.futures.Future() if settings.retrieval.enabled else None

        def warm_up() -> None:
            # One thread, guard first: every reply needs the guard; a second thread would only
            # contend for the GIL with the web server's start-up on a small machine.
            started = time.perf_counter()
            for future, load in ((guard_f, lambda: load_guard(settings, backend)),
                                 (kb_f, lambda: load_retriever(settings))):
                if future is None:
                    continue
                try:
                    future.set_result(load())
                except BaseException as exc:  # noqa: BLE001 (handed to whoever waits on the future)
                    future.set_exception(exc)
            log.info("safety layer and knowledge base ready after %.1f s", time.perf_counter() - started)

        threading.Thread(target=warm_up, name="warm-up", daemon=True).start()
        return cls(backend, settings, guard=guard_f, retriever=kb_f, sink=sink)

    @property
    def guard(self) -> SafetyGuard | None:
        """The safety guard, waiting for it if it is still loading."""
        if isinstance(self._guard, concurrent.futures.Future):
            try:
                self._guard = self._guard.result()
            except Exception as exc:
                log.error("the safety layer could not be loaded (%r): every turn gets crisis resources until "
                          "it is fixed and the app restarted", exc)
                self._guard = UnavailableGuard(exc)
        return self._guard

    @guard.setter
    def guard(self, value: SafetyGuard | None) -> None:
        self._guard = value

    @property
    def retriever(self) -> Retriever | None:
        """The knowledge base, waiting for it if it is still loading; None if it could not be loaded."""
        if isinstance(self._retriever, concurrent.futures.Future):
            try:
                self._retriever = self._retriever.result()
            except Exception:
                log.exception("the knowledge base could not be loaded; answering without sources")
                self._retriever = None
        return self._retriever

    @retriever.setter
    def retriever(self, value: Retriever | None) -> None:
        self._retriever = value

    def wait_ready(self, timeout: float | None = None) -> bool:
        """Block until background-loaded layers are loaded (or failed); False on timeout."""
        pending = [f for f in (self._guard, self._retriever) if isinstance(f, concurrent.futures.Future)]
        return not concurrent.futures.wait(pending, timeout=timeout).not_done

    @property
    def model_name(self) -> str:
        return self.backend.model_name

    # -- input validation -----------------------------------------------------------------------------
    def validate(self, user_text: str) -> str:
        """Clean the message or raise InputRejected with a message for the user."""
        if not isinstance(user_text, str):
            raise InputRejected("Messages must be text.")
        # Control characters (except newline/tab) are dropped: they render as garbage and can
        # confuse tokenizers; the visible text is kept.
        text = "".join(ch for ch in user_text if ch in "\n\t" or ch.isprintable() or ch == "\u3000")
        text = text.strip()
        if not text:
            raise InputRejected("The message is empty. Please type something. / 消息为空，请输入内容。")
        limit = self.settings.ui.max_message_chars
        if len(text) > limit:
            raise InputRejected(f"The message is {len(text)} characters long; the limit is {limit}. "
                                f"Please shorten it. / 消息过长（{len(text)} 字），上限 {limit} 字，请缩短后再发。")
        return text

    # -- the turn -----------------------------------------------------------------------------------
    def respond(self, history: Sequence[Message], user_text: str, *, session_id: str | None = None,
                cancel: CancelToken | None = None, lang: str | None = None,
                params: GenerationParams | None = None, region: str | None = None) -> Iterator[TurnEvent]:
        """Stream one turn. Raises InputRejected before anything happens if the message is invalid.
        `region` (ISO 3166, e.g. the browser's) picks the crisis lines when `safety.locale` is auto."""
        started = time.perf_counter()
        text = self.validate(user_text)
        lang = lang or prompts.detect_language(text, default=_history_language(history))
        params = params or GenerationParams.from_settings(self.settings.generation)
        session_id = session_id or uuid.uuid4().hex
        turn_id = uuid.uuid4().hex
        conversation: list[Message] = [*_clean_history(history), {"role": "user", "content": text}]
        model = self.model_name
        guard = self._guard_for(region)

        def record(reply: str, status: str, *, sources: Sequence[Source] = (), iv: InputVerdict | None = None,
                   ov: OutputVerdict | None = None, raw: str | None = None, error: str | None = None,
                   by: str = model) -> None:
            if self.sink is None:
                return
            rec = TurnRecord(turn_id=turn_id, session_id=session_id, user_text=text, reply=reply, model=by,
                             status=status, lang=lang, sources=list(sources),
                             input_verdict=iv.to_dict() if iv else None,
                             output_verdict=ov.to_dict() if ov else None, raw_reply=raw if raw is not None else reply,
                             latency_s=time.perf_counter() - started, params=params.cache_key(), error=error)
            try:
                self.sink.save_turn(rec)
            except Exception:  # storage trouble must not take the reply away from the user
                log.exception("could not save turn %s", turn_id)

        # 1. Input screen (fails closed).
        verdict = self._screen_input(guard, conversation, lang)
        if verdict is not None and verdict.action in (Action.CRISIS, Action.REFUSE):
            reply = verdict.reply or LAST_RESORT_CRISIS_REPLY.get(lang, LAST_RESORT_CRISIS_REPLY["en"])
            status = "crisis" if verdict.action == Action.CRISIS else "refused"
            kind = "failure" if verdict.failed else status
            notice = SafetyNotice(kind=kind, level=str(verdict.level), categories=list(verdict.categories))
            # Stored as answered by the safety layer, as shown: the model was not asked.
            record(reply, status, iv=verdict, error="safety screen failed" if verdict.failed else None, by="safety")
            yield TurnEvent(reply, done=True, model="safety", notice=notice, status=status, turn_id=turn_id)
            return
        notice = None
        if verdict is not None and verdict.action in (Action.CAUTION, Action.SUPPORT):
            notice = SafetyNotice(kind=str(verdict.action), level=str(verdict.level),
                                  categories=list(verdict.categories), resources=verdict.resources or "")

        # 2. Retrieval: evidence is optional; a broken index degrades to no evidence, loudly in the log.
        sources: list[Source] = []
        if self.retriever is not None and self.settings.retrieval.enabled:
            try:
                sources = self.retriever.search(_retrieval_query(conversation), k=self.settings.retrieval.top_k)
            except Exception:
                log.exception("retrieval failed; answering without evidence")

        # 3. Prompt that fits the window.
        addendum = verdict.system_addendum if verdict is not None else None
        messages = prompts.build_messages(conversation[:-1], text, sources, lang=lang, addendum=addendum)
        budget = max(256, self.backend.context_window - params.max_new_tokens)
        messages = prompts.fit_to_window(messages, self.backend.count_tokens, budget)

        # 4. Stream. Without an output screen the user sees tokens as they come; with one, the reply
        # is shown as it streams but the final text is the screened one (replacement if unsafe). A guard
        # with a `stream_buffer` releases the stream one screened sentence at a time, so an unsafe
        # sentence is never shown, not even before the replacement.
        pieces: list[str] = []
        shown = ""
        buffer, hold = None, False  # hold: the stream screen broke, show nothing until the final screen
        make_buffer = getattr(guard, "stream_buffer", None) if self.settings.safety.enabled else None
        if make_buffer is not None:
            try:
                buffer = make_buffer()
            except Exception:
                log.exception("stream screen failed to start; holding the reply for the final screen")
                hold = True
        try:
            for piece in self.backend.stream(messages, params, cancel):
                pieces.append(piece)
                if buffer is not None and not hold:
                    try:
                        shown = buffer.feed(piece)
                    except Exception:
                        log.exception("stream screen failed; holding the reply for the final screen")
                        hold, shown = True, ""
                elif not hold:
                    shown = "".join(pieces)
                yield TurnEvent(shown, model=model, sources=sources, notice=notice, turn_id=turn_id)
        except PsycollmError as exc:
            # Only what was already shown (screened, when a stream screen runs) is kept.
            partial = shown
            record(partial, "error", sources=sources, iv=verdict, error=str(exc))
            yield TurnEvent(partial, done=True, model=model, sources=sources, notice=notice, status="error",
                            error=str(exc), turn_id=turn_id)
            return
        raw = "".join(pieces).strip()
        status = "cancelled" if cancel is not None and cancel.cancelled else "ok"

        # 5. Output screen (fails closed: an unscreenable reply is not shown).
        final, out_verdict = raw, None
        if guard is not None and self.settings.safety.enabled:
            out_verdict = self._screen_output(guard, raw, conversation, lang)
            if not out_verdict.ok:
                final = out_verdict.text
                status = "replaced"
                notice = SafetyNotice(kind="failure" if out_verdict.failed else "replaced",
                                      level=str(verdict.level) if verdict else "none",
                                      categories=list(out_verdict.categories),
                                      resources=(verdict.resources or "") if verdict else "")
        # 6. A caution turn's direct question ("are you having thoughts of ending your life?"), unless the
        # model asked it. Part of the reply, so the next turn's screen reads a "yes" as the answer to it.
        add_question = getattr(guard, "add_question", None)
        if status == "ok" and verdict is not None and verdict.question and add_question is not None:
            try:
                final = add_question(final, verdict)
            except Exception:  # the reply itself is still shown and saved
                log.exception("could not add the direct question to the reply")
        # 7. Save and finish.
        record(final, status, sources=sources, iv=verdict, ov=out_verdict, raw=raw)
        yield TurnEvent(final, done=True, model=model, sources=sources, notice=notice, status=status,
                        turn_id=turn_id)

    # -- safety with fail-closed -----------------------------------------------------------------
    def _guard_for(self, region: str | None) -> SafetyGuard | None:
        """The guard for this user's region (`Guard.for_region`); the guard itself for one without regions,
        or if that fails (the turn is still screened: only the lines would not follow the region)."""
        for_region = getattr(self.guard, "for_region", None)
        if not region or for_region is None:
            return self.guard
        try:
            return for_region(region)
        except Exception:
            log.exception("safety: could not pick the crisis lines for region %r; using the configured ones", region)
            return self.guard

    def _screen_input(self, guard: SafetyGuard | None, conversation: list[Message], lang: str) -> InputVerdict | None:
        if guard is None or not self.settings.safety.enabled:
            return None
        try:
            future = self._screen_pool.submit(guard.screen_input, conversation, lang)
            return future.result(timeout=self.settings.safety.timeout_s)
        except Exception as exc:  # includes TimeoutError
            log.exception("input screen failed; failing closed")
            return self._fail_closed(guard, lang, exc)

    def _screen_output(self, guard: SafetyGuard, reply: str, conversation: list[Message], lang: str) -> OutputVerdict:
        try:
            future = self._screen_pool.submit(guard.screen_output, reply, conversation, lang)
            return future.result(timeout=self.settings.safety.timeout_s)
        except Exception as exc:
            log.exception("output screen failed; failing closed")
            fallback = self._fail_closed(guard, lang, exc)
            return OutputVerdict(ok=False, text=fallback.reply or LAST_RESORT_CRISIS_REPLY["en"],
                                 categories=["safety_failure"], reasons=[f"output screen failed: {exc!r}"],
                                 failed=True)

    def _fail_closed(self, guard: SafetyGuard, lang: str, exc: BaseException) -> InputVerdict:
        try:
            verdict = guard.fail_closed(lang, exc)
            if verdict.reply:
                return verdict
        except Exception:
            log.exception("fail-closed verdict failed too; using the last-resort reply")
        return InputVerdict(level=RiskLevel.HIGH, action=Action.CRISIS, categories=["safety_failure"],
                            reasons=[f"safety screen failed: {exc!r}"],
                            reply=LAST_RESORT_CRISIS_REPLY.get(lang, LAST_RESORT_CRISIS_REPLY["en"]), failed=True)

    def close(self) -> None:
        self._screen_pool.shutdown(wait=False, cancel_futures=True)


def _clean_history(history: Sequence[Message]) -> list[Message]:
    return [{"role": m["role"], "content": str(m["content"])} for m in history
            if m.get("role") in ("user", "assistant") and str(m.get("content", "")).strip()]


def _history_language(history: Sequence[Message]) -> str:
    users = " ".join(m["content"] for m in history if m.get("role") == "user")
    return prompts.detect_language(users) if users else "en"


def _retrieval_query(conversation: Sequence[Message]) -> str:
    """The newest user message, plus the previous one when it is short (follow-ups like "why?")."""
    users = [m["content"] for m in conversation if m["role"] == "user"]
    query = users[-1]
    if len(query) < 20 and len(users) > 1:
        query = users[-2] + " " + query
    return query
