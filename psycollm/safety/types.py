"""Types the safety layer returns to the chat engine (the contract between `safety/` and `chat.py`).

    verdict = guard.screen_input(messages, lang="zh")
    if verdict.action in ("crisis", "refuse"):
        show(verdict.reply)            # fixed reply, the model is not asked
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

from psycollm.backends.base import Message


class RiskLevel(StrEnum):
    """C-SSRS-aligned risk levels."""

    NONE = "none"
    LOW = "low"  # distress, passive wish to be dead
    HIGH = "high"  # active ideation with method/plan/intent/preparation, recent attempt, ongoing self-harm
    IMMINENT = "imminent"  # in progress: "I took the pills", "I'm on the roof"


class Action(StrEnum):
    ALLOW = "allow"  # the model answers
    CAUTION = "caution"  # the model answers with a safety-aware system prompt addition
    CRISIS = "crisis"  # fixed, localized crisis reply; the model is not asked
    REFUSE = "refuse"  # dangerous request: fixed refusal with a helpful redirect; the model is not asked
    # After a crisis reply, a turn that brings no new high risk: the model answers under a crisis-support
    # system note, the crisis line is shown under the reply, the turn is logged at the conversation's
    # level (`safety.after_crisis`).
    SUPPORT = "support"


@dataclass
class InputVerdict:
    level: RiskLevel
    action: Action
    categories: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    reply: str | None = None  # set for CRISIS and REFUSE
    system_addendum: str | None = None  # set for CAUTION and SUPPORT
    resources: str | None = None  # CAUTION, SUPPORT: one fixed line with the crisis line, shown under the reply
    # CAUTION: one direct question about suicide or self-harm, to end the reply with unless the model asks
    # one itself (`Guard.add_question`); once per conversation (`safety.direct_question`)
    question: str | None = None
    layers: dict[str, Any] = field(default_factory=dict)  # each layer's contribution
    failed: bool = False  # True when produced by the fail-closed path

    def to_dict(self) -> dict[str, Any]:
        return {"level": str(self.level), "categories": list(self.categories), "action": str(self.action),
                "reasons": list(self.reasons), "failed": self.failed, "layers": self.layers,
                **({"resources": self.resources} if self.resources else {}),
                **({"question": self.question} if self.question else {})}


@dataclass
class OutputVerdict:
    ok: bool
    text: str  # what the user sees: the reply itself, or a safe replacement
    categories: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    failed: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "categories": list(self.categories), "reasons": list(self.reasons),
                "failed": self.failed}


class SafetyGuard(Protocol):
    """Implemented by `psycollm.safety.guard.Guard`; the chat engine depends only on this."""

    def screen_input(self, messages: Sequence[Message], lang: str) -> InputVerdict: ...

    def screen_output(self, reply: str, messages: Sequence[Message], lang: str) -> OutputVerdict: ...

    def fail_closed(self, lang: str, error: BaseException | str) -> InputVerdict:
        """Verdict used when screening raised or timed out: crisis resources, logged as a failure."""
        ...
