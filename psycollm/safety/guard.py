"""The safety guard the chat engine calls: input screen, output screen, fail-closed verdicts.

    from psycollm.safety.guard import Guard
    guard = Guard.from_settings(settings)                 # judge: classifier (default) | llm | none
    verdict = guard.screen_input(messages, lang="en")     # InputVerdict: level, action, reply/addendum
    out = guard.screen_output(reply, messages, lang="en") # OutputVerdict: ok, or a safe replacement

Actions: high/imminent risk -> CRISIS (fixed, warm, localized reply with crisis resources; the model is
not asked); a dangerous request (lethal means, hiding self-harm, doses, diagnosis, jailbreak) -> REFUSE
with a redirect; low risk -> CAUTION (the model answers with a safety addendum to its system prompt, and
`resources` holds one fixed line with the crisis line to show under the reply);
otherwise ALLOW. Every verdict carries each layer's contribution (`layers`) for the clinicians' log.

Fail closed: any exception inside a screen returns the `fail_closed` verdict (crisis resources, marked
`failed`), so the user is never left without help; `psycollm.chat.Counselor` adds the timeout.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from psycollm.backends.base import ChatBackend, Message
from psycollm.config import Settings
from psycollm.errors import ConfigError
from psycollm.safety import replies
from psycollm.safety.crisis_screen import LearnedLayer, lexicon_layer, screen_conversation
from psycollm.safety.output_screen import Problem, SentenceBuffer, check_reply, replacement_text
from psycollm.safety.resources import DEFAULT_LOCALE_FOR_LANG, resolve_locale
from psycollm.safety.types import Action, InputVerdict, OutputVerdict, RiskLevel

log = logging.getLogger(__name__)

JUDGES = ("classifier", "llm", "none")
ESCALATIONS = ("agreement", "joint")


class Guard:
    """Implements `psycollm.safety.types.SafetyGuard`."""

    def __init__(self, locale: str = "auto", learned: LearnedLayer | None = None,
                 caution_resources: bool = True, reply_classifier: Any = None) -> None:
        resolve_locale(locale, "en")  # a misconfigured locale is reported at start-up, not mid-crisis
        self.locale = locale
        self.learned = learned
        self.caution_resources = caution_resources
        # `ReplyClassifier` (or anything with `check(reply) -> list[Problem]`): the output screen's
        # learned half; None: the patterns alone.
        self.reply_classifier = reply_classifier

    @staticmethod
    def check_settings(settings: Settings, backend: ChatBackend | None = None) -> None:
        """Raise ConfigError for a safety configuration that cannot work (fast: loads nothing)."""
        judge = settings.safety.judge.strip().lower()
        if judge not in JUDGES:
            raise ConfigError(f"safety.judge '{settings.safety.judge}' is unknown; use one of {', '.join(JUDGES)}.")
        if judge == "llm" and backend is None:
            raise ConfigError("safety.judge=llm needs a model backend; pass one, or set safety.judge=classifier.")
        resolve_locale(settings.safety.locale, "en")
        if settings.safety.escalation.strip().lower() not in ESCALATIONS:
            raise ConfigError(f"safety.escalation '{settings.safety.escalation}' is unknown; "
                              f"use one of {', '.join(ESCALATIONS)}.")

    @classmethod
    def from_settings(cls, settings: Settings, backend: ChatBackend | None = None) -> Guard:
        cls.check_settings(settings, backend)
        judge = settings.safety.judge.strip().lower()
        learned: LearnedLayer | None = None
        if judge == "classifier":
            from psycollm.safety.classifier import RiskClassifier

            learned = RiskClassifier.load_or_train(settings.cache_path / "safety")
            learned.require_agreement = settings.safety.escalation.strip().lower() == "agreement"
        elif judge == "llm":
            from psycollm.safety.llm_judge import LLMJudge

            learned = LLMJudge(backend)
        reply_classifier = None
        if settings.safety.output_classifier:
            try:
                from psycollm.safety.reply_classifier import ReplyClassifier

                reply_classifier = ReplyClassifier.load_or_train(settings.cache_path / "safety" / "replies")
            except Exception:  # the patterns still check every reply
                log.exception("safety: the reply classifier could not be loaded; the output screen uses its patterns alone")
        return cls(locale=settings.safety.locale, learned=learned, caution_resources=settings.safety.caution_resources,
                   reply_classifier=reply_classifier)

    def _locale(self, lang: str) -> str:
        try:
            return resolve_locale(self.locale, lang)
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
        if level in (RiskLevel.HIGH, RiskLevel.IMMINENT):
            prev = next((m["content"] for m in reversed(messages[:-1]) if m.get("role") == "assistant"), "")
            reply = replies.crisis_reply(lang, locale, str(level), result.categories,
                                         repeat=replies.is_crisis_reply(prev))
            log.warning("safety: crisis reply (level=%s, categories=%s)", level, categories)
            return InputVerdict(level, Action.CRISIS, categories, result.reasons, reply=reply, layers=layers)
        if result.requests:
            log.warning("safety: refused a dangerous request (%s)", ", ".join(result.requests))
            return InputVerdict(level, Action.REFUSE, categories, result.reasons,
                                reply=replies.refusal_reply(lang, locale, result.requests), layers=layers)
        if level == RiskLevel.LOW:
            return InputVerdict(level, Action.CAUTION, categories, result.reasons,
                                system_addendum=replies.caution_addendum(lang, locale, result.categories),
                                resources=(replies.caution_resources(lang, locale, result.categories)
                                           if self.caution_resources else None),
                                layers=layers)
        return InputVerdict(level, Action.ALLOW, categories, result.reasons, layers=layers)

    # -- output ---------------------------------------------------------------------------------
    def check_reply(self, reply: str) -> list[Problem]:
        """Every unsafe statement in a reply: the patterns, and the reply classifier where they find none."""
        problems = check_reply(reply)
        if not problems and self.reply_classifier is not None:
            problems = self.reply_classifier.check(reply)
        return problems

    def screen_output(self, reply: str, messages: Sequence[Message], lang: str) -> OutputVerdict:
        try:
            problems = self.check_reply(reply)
            if not problems:
                return OutputVerdict(ok=True, text=reply)
            text = replacement_text(lang)
            level, _, _, _, _ = lexicon_layer(messages)
            if level != "none":  # the conversation carried risk: the replacement carries the resources
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

    def stream_buffer(self) -> SentenceBuffer:
        """Used by the chat engine while streaming: releases screened sentences only."""
        return SentenceBuffer(self.check_reply)

    # -- failure --------------------------------------------------------------------------------
    def fail_closed(self, lang: str, error: BaseException | str) -> InputVerdict:
        """Crisis resources for the user, a `failed` verdict for the log."""
        reason = f"safety screen failed: {error!r}" if isinstance(error, BaseException) else f"safety screen failed: {error}"
        return InputVerdict(level=RiskLevel.HIGH, action=Action.CRISIS, categories=["safety_failure"],
                            reasons=[reason], reply=replies.failure_reply(lang, self._locale(lang)),
                            layers={"failure": reason}, failed=True)
