"""The safety guard the chat engine calls: input screen, output screen, fail-closed verdicts.

    from psycollm.safety.guard import Guard
    guard = Guard.from_settings(settings)                 # judge: classifier (default) | llm | classifier+llm | none
    verdict = guard.screen_input(messages, lang="en")     # InputVerdict: level, action, reply/addendum
    out = guard.screen_output(reply, messages, lang="en") # OutputVerdict: ok, or a safe replacement

Actions: high/imminent risk -> CRISIS (fixed, warm, localized reply with crisis resources; the model is
not asked); a dangerous request (lethal means, hiding self-harm, doses, diagnosis, jailbreak) -> REFUSE
with a redirect; low risk -> CAUTION (the model answers with a safety addendum to its system prompt, and
`resources` holds one fixed line with the crisis line to show under the reply); after a crisis reply, a
message with no risk signal that shows a step away from the danger -> SUPPORT (`safety.after_crisis`: the
model answers under a crisis-support addendum, the crisis line under every reply); otherwise ALLOW. Every
verdict carries each layer's contribution (`layers`) for the clinicians' log.

Fail closed: any exception inside a screen returns the `fail_closed` verdict (crisis resources, marked
`failed`), so the user is never left without help; `psycollm.chat.Counselor` adds the timeout.
"""

from __future__ import annotations

import copy
import logging
import re
from collections.abc import Sequence
from typing import Any

from psycollm.backends.base import ChatBackend, Message
from psycollm.config import Settings
from psycollm.errors import ConfigError
from psycollm.safety import lexicon, replies
from psycollm.safety.crisis_screen import LearnedLayer, is_risk_question, lexicon_layer, screen_conversation
from psycollm.safety.output_screen import (
    Problem,
    SentenceBuffer,
    check_reply,
    only_doses_said_back,
    replacement_text,
)
from psycollm.safety.resources import DEFAULT_LOCALE_FOR_LANG, resolve_locale
from psycollm.safety.step_away import steps_away
from psycollm.safety.types import Action, InputVerdict, OutputVerdict, RiskLevel

log = logging.getLogger(__name__)

JUDGES = ("classifier", "llm", "classifier+llm", "none")
LLM_JUDGES = ("llm", "classifier+llm")  # the judges that ask the model backend
ESCALATIONS = ("agreement", "joint")
AFTER_CRISIS = ("support", "support_calm", "judge", "fixed")
# An assistant turn asking whether the person is safe now, and an answer that says no or is unsure (both
# on lexicon.normalize'd text). Written for the crisis-support turns, whose note asks the model to ask.
SAFETY_QUESTION = re.compile(r"\b(are|do) you (feel(ing)? )?safe\b|\bkeep (yourself )?safe\b|(现在|此刻|今晚)?(是否|还)?安全(吗|么|嘛|不)|安不安全")
UNSAFE_ANSWER = re.compile(r"^\W*(no|nope|nah|not (really|sure|safe|at all|very)|i'?m not|idk|i don'?t know|don'?t know|"
                           r"i can'?t|barely|hardly)\b|^\W*(不|没有?|不太|不知道|说不好|不确定|不好说|难说|不算)|"
                           r"不安全|不太安全|not safe|unsafe")
SAFE_ANSWER = re.compile(r"^\W*(yes|yeah|yep|yup|i am|i'?m safe|safe|i think so)\b|^\W*(是|嗯|安全|我安全|是的|对)")


def needs_backend(settings: Settings) -> bool:
    """Does the guard these settings describe ask the model backend (the LLM judge)?"""
    return (settings.safety.judge.strip().lower() in LLM_JUDGES
            or settings.safety.after_crisis.strip().lower() == "judge")


def _unless_dose_said_back(problems: list[Problem], reply: str) -> list[Problem]:
    """The reply classifier's problems, without a dosing finding on a reply that only says the person's own
    dose back (`output_screen.only_doses_said_back`); any other category is kept."""
    if problems and all(p.category == "medication_dosing" for p in problems) and only_doses_said_back(reply):
        return []
    return problems


_QUESTION = re.compile(r"[^.!?。！？\n]*[?？]")


def asks_about_risk(text: str) -> bool:
    """Does this assistant text ask (a sentence ending in a question mark) about suicide or self-harm?
    Naming a line ("the 988 Suicide & Crisis Lifeline") is not asking."""
    return any(is_risk_question(q) for q in _QUESTION.findall(text))


def _asked_before(messages: Sequence[Message]) -> bool:
    """Did an assistant turn already ask about suicide or self-harm? The direct question is asked once:
    asked every turn, it reads as not listening."""
    return any(m.get("role") == "assistant" and asks_about_risk(str(m.get("content", ""))) for m in messages)


class Guard:
    """Implements `psycollm.safety.types.SafetyGuard`."""

    def __init__(self, locale: str = "auto", learned: LearnedLayer | None = None,
                 caution_resources: bool = True, reply_classifier: Any = None, after_crisis: str = "support",
                 direct_question: bool = True, after_crisis_judge: Any = None) -> None:
        resolve_locale(locale, "en")  # a misconfigured locale is reported at start-up, not mid-crisis
        if after_crisis not in AFTER_CRISIS:
            raise ConfigError(f"safety.after_crisis '{after_crisis}' is unknown; use one of {', '.join(AFTER_CRISIS)}.")
        # The LLM judge that decides turns after a crisis reply (`after_crisis = judge`): the given one, or the
        # learned layer when that is the LLM judge. With the classifier screening, the judge is asked only there.
        self.after_crisis_judge = after_crisis_judge or (learned if callable(getattr(learned, "after_crisis", None))
                                                         else None)
        if after_crisis == "judge" and self.after_crisis_judge is None:
            raise ConfigError("safety.after_crisis=judge needs an LLM judge (a model backend).")
        self.locale = locale
        self.region: str | None = None  # the user's region, for `locale = auto` (`for_region`)
        self.after_crisis = after_crisis
        self.learned = learned
        self.caution_resources = caution_resources
        self.direct_question = direct_question
        # `ReplyClassifier` (or anything with `check(reply) -> list[Problem]`): the output screen's
        # learned half; None: the patterns alone.
        self.reply_classifier = reply_classifier

    @staticmethod
    def check_settings(settings: Settings, backend: ChatBackend | None = None) -> None:
        """Raise ConfigError for a safety configuration that cannot work (fast: loads nothing)."""
        judge = settings.safety.judge.strip().lower()
        if judge not in JUDGES:
            raise ConfigError(f"safety.judge '{settings.safety.judge}' is unknown; use one of {', '.join(JUDGES)}.")
        if judge in LLM_JUDGES and backend is None:
            raise ConfigError(f"safety.judge={judge} needs a model backend; pass one, or set safety.judge=classifier.")
        resolve_locale(settings.safety.locale, "en")
        if settings.safety.escalation.strip().lower() not in ESCALATIONS:
            raise ConfigError(f"safety.escalation '{settings.safety.escalation}' is unknown; "
                              f"use one of {', '.join(ESCALATIONS)}.")
        after_crisis = settings.safety.after_crisis.strip().lower()
        if after_crisis not in AFTER_CRISIS:
            raise ConfigError(f"safety.after_crisis '{settings.safety.after_crisis}' is unknown; "
                              f"use one of {', '.join(AFTER_CRISIS)}.")
        if after_crisis == "judge" and backend is None:
            raise ConfigError("safety.after_crisis=judge needs a model backend for the LLM judge (a capable model); "
                              "pass one, or use safety.after_crisis=support.")

    @classmethod
    def from_settings(cls, settings: Settings, backend: ChatBackend | None = None, input_only: bool = False) -> Guard:
        """The guard the settings describe. ``input_only`` (the CLI check, the labelled-set evaluation): no reply
        classifier, which would be loaded for nothing and, on a cold cache, trained first (minutes on 2 cores)."""
        cls.check_settings(settings, backend)
        judge = settings.safety.judge.strip().lower()
        learned: LearnedLayer | None = None
        if judge in ("classifier", "classifier+llm"):
            from psycollm.safety.classifier import RiskClassifier

            learned = RiskClassifier.load_or_train(settings.cache_path / "safety")
            learned.require_agreement = settings.safety.escalation.strip().lower() == "agreement"
            if settings.safety.embed_worker and learned.embedder is not None:
                from psycollm.safety.embedding_worker import overlapped

                learned.embedder = overlapped(learned.embedder) or learned.embedder
            if judge == "classifier+llm":
                from psycollm.safety.llm_judge import ClassifierWithJudge, LLMJudge

                learned = ClassifierWithJudge(learned, LLMJudge(backend))  # type: ignore[arg-type]
        elif judge == "llm":
            from psycollm.safety.llm_judge import LLMJudge

            learned = LLMJudge(backend)
        after_crisis_judge = None
        if needs_backend(settings):
            from psycollm.models import EMBEDDED_DEFAULT

            if settings.backend.model == EMBEDDED_DEFAULT:
                log.warning("safety: the LLM judge runs on the embedded %s, which cannot judge risk: its answers are "
                            "unusable, so it raises nothing and keeps the fixed reply after a crisis (docs/safety.md)",
                            EMBEDDED_DEFAULT)
        if settings.safety.after_crisis.strip().lower() == "judge":
            from psycollm.safety.llm_judge import LLMJudge

            after_crisis_judge = (learned if callable(getattr(learned, "after_crisis", None))
                                  else LLMJudge(backend))  # type: ignore[arg-type]
        reply_classifier = None
        if settings.safety.output_classifier and not input_only:
            try:
                from psycollm.safety.reply_classifier import ReplyClassifier

                reply_classifier = ReplyClassifier.load_or_train(settings.cache_path / "safety" / "replies")
            except Exception:  # the patterns still check every reply
                log.exception("safety: the reply classifier could not be loaded; the output screen uses its patterns alone")
        return cls(locale=settings.safety.locale, learned=learned, caution_resources=settings.safety.caution_resources,
                   reply_classifier=reply_classifier, after_crisis=settings.safety.after_crisis.strip().lower(),
                   direct_question=settings.safety.direct_question, after_crisis_judge=after_crisis_judge)

    def for_region(self, region: str | None) -> Guard:
        """This guard for one user's region (ISO 3166, e.g. from the browser, `ui.i18n.browser_region`): the
        same layers, whose crisis lines follow the region when `locale = auto` and a locale serves it (a UK
        browser gets UK lines, not the US ones an English message alone would). Itself when nothing changes."""
        region = (region or "").strip().upper() or None
        if region == self.region:
            return self
        view = copy.copy(self)  # shares the classifiers, their caches and locks: only `region` differs
        view.region = region
        return view

    def _locale(self, lang: str) -> str:
        try:
            return resolve_locale(self.locale, lang, self.region)
        except Exception:
            return DEFAULT_LOCALE_FOR_LANG.get(lang, "US")

    # -- input ----------------------------------------------------------------------------------
    def screen_input(self, messages: Sequence[Message], lang: str) -> InputVerdict:
        try:
            return self._screen_input(messages, lang)
        except Exception as exc:
            log.exception("safety input screen raised; failing closed")
            return self.fail_closed(lang, exc)

    def _screen_input(self, messages: Sequence[Message], lang: str) -> InputVerdict:
        result = screen_conversation(messages, self.learned)
        locale = self._locale(lang)
        level = RiskLevel(result.level)
        categories = list(dict.fromkeys([*result.categories, *result.requests]))
        layers: dict[str, Any] = {**result.layers, "locale": locale}
        topics = result.topics
        if topics:
            layers["abuse_topics"] = topics
        if level in (RiskLevel.HIGH, RiskLevel.IMMINENT):
            if not result.requests and self._support_turn(messages, level, layers):
                log.warning("safety: crisis support turn (level=%s, categories=%s)", level, categories)
                why = ("after a crisis reply: the LLM judge, reading the whole conversation, let the model answer"
                       if "after_crisis_judge" in layers else "after a crisis reply: the latest message alone carries no risk")
                return InputVerdict(level, Action.SUPPORT, categories, [*result.reasons, why],
                                    system_addendum=replies.support_addendum(lang, locale, result.categories, topics),
                                    resources=replies.caution_resources(lang, locale, result.categories or ["suicide"],
                                                                        topics),
                                    layers={**layers, "after_crisis": "support"})
            reply = replies.crisis_reply(lang, locale, str(level), result.categories,
                                         repeat=replies.crisis_replies_in_a_row(messages[:-1]), topics=topics)
            log.warning("safety: crisis reply (level=%s, categories=%s)", level, categories)
            return InputVerdict(level, Action.CRISIS, categories, result.reasons, reply=reply, layers=layers)
        if result.requests:
            log.warning("safety: refused a dangerous request (%s)", ", ".join(result.requests))
            return InputVerdict(level, Action.REFUSE, categories, result.reasons,
                                reply=replies.refusal_reply(lang, locale, result.requests), layers=layers)
        if level == RiskLevel.LOW:
            question = None
            if self.direct_question and result.ask and not _asked_before(messages):
                question = replies.direct_question(lang, result.ask)
                layers["direct_question"] = result.ask
            return InputVerdict(level, Action.CAUTION, categories, result.reasons,
                                system_addendum=replies.caution_addendum(lang, locale, result.categories, topics),
                                resources=(replies.caution_resources(lang, locale, result.categories, topics)
                                           if self.caution_resources else None),
                                layers=layers, question=question)
        return InputVerdict(level, Action.ALLOW, categories, result.reasons, layers=layers)

    def _support_turn(self, messages: Sequence[Message], level: RiskLevel, layers: dict[str, Any]) -> bool:
        """`after_crisis = support`: the person was already given a crisis reply in this conversation,
        the danger is not in progress, their latest message on its own (screened alone, by every layer,
        with the assistant turn before it) carries no risk signal, and it shows a step away from the danger
        (`step_away.steps_away`, session 31). Then the model answers, as a
        crisis-support companion, instead of the same fixed text turn after turn, which reads as being
        brushed off (and locks a person the screen misread out of the conversation). Any risk signal,
        or imminent risk anywhere, gets the fixed reply again.

        `after_crisis = judge`: the same vetoes, and the lexicon must find nothing in the latest message; then,
        instead of the classifier's reading of it alone and the step away, the LLM judge reads the whole
        conversation and decides (`LLMJudge.after_crisis`, recorded in `layers`); an unusable answer is the fixed
        reply."""
        if self.after_crisis not in ("support", "support_calm", "judge") or level != RiskLevel.HIGH or not messages:
            return False
        if not replies.crisis_reply_shown(messages[:-1]):
            return False
        latest = messages[-1]
        if latest.get("role") != "user":
            return False
        prev = next((m for m in reversed(messages[:-1]) if m.get("role") == "assistant"), None)
        question = str(prev.get("content", "")) if prev is not None else ""
        answer = lexicon.normalize(str(latest.get("content", "")))
        # After a crisis, "no" to "are you safe right now?" and "yes" to "are you thinking of killing
        # yourself?" are new high risk (in a first conversation the screen reads the second as low).
        if SAFETY_QUESTION.search(lexicon.normalize(question)) and UNSAFE_ANSWER.search(answer):
            return False
        # "Already did it", "too late", "我撑不到下周": harmless words on their own, the danger itself after a
        # crisis; the message is screened alone below, so what it refers to must be read here.
        if any(h.signal == "risk_referent" and not h.negated for h in lexicon.scan(answer)):
            return False
        after_reply = prev is None or replies.is_crisis_reply(question)  # the fixed reply asks nothing
        if not after_reply and is_risk_question(question) and any(
                h.signal == "affirmative" for h in lexicon.scan(answer)):
            return False
        # With `after_crisis = judge` the lexicon alone reads the message (the floor); the judge replaces the learned
        # layer's reading of it alone and the step away, and reads it in context (one call: the other would add nothing).
        judged = self.after_crisis == "judge"
        alone = screen_conversation([latest] if after_reply else [prev, latest],  # type: ignore[list-item]
                                    None if judged else self.learned)
        if judged:
            if alone.requests or alone.level != "none":
                return False
            decision, detail = self.after_crisis_judge.after_crisis(messages)  # type: ignore[union-attr]
            layers["after_crisis_judge"] = detail
            return decision == "answer"
        # No risk signal at all, not merely below high: after a crisis, a message read as low is often
        # the danger told quietly ("help is coming but I'm bleeding a lot", "dad's coming but it's too
        # late"). On 299 follow-ups written for this (benchmarks/after_crisis.py), "below high" let 18
        # of 120 dangerous ones through to the model; "none" lets 3, at the cost of a fixed reply to
        # most protective follow-ups that still carry some distress. The one exception: low from the
        # classifier alone (no lexicon evidence) on a message it calls calm (p(high) below what 99 %
        # of training crises score): "I'm safe now, just really tired of everything",
        # "我现在安全了，就是觉得什么都好累". A passive wish the lexicon finds keeps the fixed reply.
        # That exception is opt-in (`support_calm`) since session 17: the classifier also called
        # "ok she's coming over but I still keep thinking about how I'd do it" calm (p(high) 0.02),
        # and a dangerous message must not reach the model.
        if alone.requests:
            return False
        # ...and shows a step away from the danger (session 31): a follow-up that only lacks risk words is often
        # the plan going on quietly ("does the 11:40 train still run on sundays", "今晚江边风大不大", "🙂"); of 80
        # such follow-ups a blind writer wrote (tests/data/followups_quiet_danger.jsonl) 33 reached the model
        # without this, none with it. A "yes" to the model's "are you safe right now?" is a step away too.
        step_away = steps_away(answer) or (SAFETY_QUESTION.search(lexicon.normalize(question)) is not None
                                           and SAFE_ANSWER.search(answer) is not None)
        if alone.level == "none":
            return step_away
        learned = alone.layers.get(getattr(self.learned, "name", ""), {})
        return (self.after_crisis == "support_calm" and alone.level == "low"
                and alone.layers["lexicon"]["level"] == "none" and learned.get("calm") is True and step_away)

    @staticmethod
    def add_question(reply: str, verdict: InputVerdict | None) -> str:
        """The reply, ending with the verdict's direct question unless the model already asked about
        suicide or self-harm itself (a capable model, following the caution note, often does)."""
        if verdict is None or not verdict.question or asks_about_risk(reply):
            return reply
        return f"{reply.rstrip()}\n\n{verdict.question}" if reply.strip() else verdict.question

    # -- output ---------------------------------------------------------------------------------
    def check_reply(self, reply: str) -> list[Problem]:
        """Every unsafe statement in a reply: the patterns, and the reply classifier where they find none."""
        problems = check_reply(reply)
        if not problems and self.reply_classifier is not None:
            problems = _unless_dose_said_back(self.reply_classifier.check(reply), reply)
        return problems

    def screen_output(self, reply: str, messages: Sequence[Message], lang: str) -> OutputVerdict:
        try:
            problems = self.check_reply(reply)
            if not problems:
                return OutputVerdict(ok=True, text=reply)
            text = replacement_text(lang)
            level, _, _, _, _ = lexicon_layer(messages)
            if level != "none" or replies.crisis_reply_shown(messages):  # the replacement carries the resources
                text += "\n\n" + replies.crisis_reply(lang, self._locale(lang), "high", ["suicide"], repeat=True)
            categories = list(dict.fromkeys(p.category for p in problems))
            log.warning("safety: replaced a model reply (%s)", ", ".join(categories))
            return OutputVerdict(ok=False, text=text, categories=categories,
                                 reasons=[p.describe() for p in problems])
        except Exception as exc:
            log.exception("safety output screen raised; failing closed")
            fallback = self.fail_closed(lang, exc)
            return OutputVerdict(ok=False, text=fallback.reply or "", categories=["safety_failure"],
                                 reasons=fallback.reasons, failed=True)

    def check_streamed(self, shown: str, new: str) -> list[Problem]:
        """The stream screen's check of `new`, the complete sentences that follow `shown`: the patterns, and
        the reply classifier judging the reply so far as the end-of-reply check would if it ended there."""
        problems = check_reply(new)
        if not problems and self.reply_classifier is not None:
            problems = _unless_dose_said_back(self.reply_classifier.check_continuation(shown, new), shown + new)
        return problems

    def stream_buffer(self) -> SentenceBuffer:
        """Used by the chat engine while streaming: releases screened sentences only."""
        return SentenceBuffer(self.check_streamed)

    # -- failure --------------------------------------------------------------------------------
    def fail_closed(self, lang: str, error: BaseException | str) -> InputVerdict:
        """Crisis resources for the user, a `failed` verdict for the log."""
        reason = f"safety screen failed: {error!r}" if isinstance(error, BaseException) else f"safety screen failed: {error}"
        return InputVerdict(level=RiskLevel.HIGH, action=Action.CRISIS, categories=["safety_failure"],
                            reasons=[reason], reply=replies.failure_reply(lang, self._locale(lang)),
                            layers={"failure": reason}, failed=True)
