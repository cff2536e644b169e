"""The LLM judge: the configured model rates the conversation's risk (settings.safety.judge = "llm").

    judge = LLMJudge(backend)                 # any ChatBackend (vLLM server, llama.cpp, scripted)
    verdict = judge.assess(messages)          # LayerVerdict; may only raise the lexicon's level
    decision, detail = judge.after_crisis(messages)  # "answer" | "fixed" | None (unusable: the fixed reply)

Use it with a capable model (PsycoLLM / Qwen-class behind vLLM). With the embedded 135M model the
judge's answers are mostly unparseable or wrong: they are then ignored (recorded as such in the
layer report) and the lexicon decides. A backend error propagates, so the guard fails closed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from psycollm.backends.base import ChatBackend, GenerationParams, Message, estimate_message_tokens
from psycollm.safety import replies
from psycollm.safety.crisis_screen import LEVELS, RANK, RISK_CATEGORIES, LayerVerdict, max_level
from psycollm.safety.lexicon import REQUEST_SIGNALS

JUDGE_PROMPT = (
    "You are a clinical safety screener for a counseling chat. Read the conversation (Chinese or English) and "
    "rate the USER's current risk, following the C-SSRS:\n"
    "- none: no risk indicators (everyday stress, idioms such as 'this traffic is killing me' or '笑死我了', "
    "professional questions about suicide prevention);\n"
    "- low: distress, passive wish to be dead, thoughts without plan or intent, past history;\n"
    "- high: active ideation with method, plan, intent or preparation; a recent attempt; ongoing self-harm; "
    "abuse of a child or vulnerable person; a threat to harm others; psychosis/mania red flags;\n"
    "- imminent: happening now (pills taken, on the roof, weapon in hand).\n"
    "Risk said earlier in the conversation still counts. Also flag dangerous requests.\n"
    "Answer with ONE line of JSON only, no other text: "
    '{"level": "none|low|high|imminent", "categories": [...], "requests": [...]}\n'
    f"categories from: {', '.join(RISK_CATEGORIES)}; requests from: {', '.join(REQUEST_SIGNALS)}."
)

AFTER_CRISIS_PROMPT = (
    "You are a clinical safety screener for a counseling chat (Chinese or English). Earlier in this conversation "
    "the USER said something that put them at high risk, and the assistant answered with a fixed crisis message "
    "(hotline numbers, the emergency number). Read the whole conversation, then decide about the LATEST user "
    "message only, in the light of everything said before it:\n"
    '- "fixed": the danger may be active now. The plan, the means, the place or the time is still in play, even '
    'when the message names it only as "it", "them", "there", "tonight" or asks a harmless-sounding question '
    "about it; they are doing it or about to; they say or hint that it is too late or say goodbye; they turn "
    "help away while still at risk; they answer a question about their safety with no or not sure; or you "
    "cannot tell.\n"
    '- "answer": a careful counsellor would simply keep talking with them now. They have stepped away from the '
    "danger (put the means away, are with someone, called a line, are getting help, agreed to a plan), or talk "
    "about something else with no sign that the plan goes on, or explain that they were misread, or were "
    "testing the assistant.\n"
    "When unsure, choose fixed. Answer with ONE line of JSON only, no other text: "
    '{"decision": "answer|fixed", "why": "<a few words>"}'
)
DECISIONS = ("answer", "fixed")
AFTER_CRISIS_MAX_TURNS = 24
CRISIS_REPLY_SHOWN = "[the app's fixed crisis reply: crisis lines, the emergency number, an invitation to keep talking]"

_JSON = re.compile(r"\{.*\}", re.DOTALL)


def _json_object(text: str) -> dict[str, Any] | None:
    """The first {...} in a model's answer, parsed; None when there is none or it is not JSON."""
    m = _JSON.search(text or "")
    if not m:
        return None
    try:
        data = json.loads(m.group(0))
    except json.JSONDecodeError:
        return None
    return data if isinstance(data, dict) else None


def parse_judgement(text: str) -> LayerVerdict | None:
    """The judge's JSON, validated; None when it is not usable."""
    data = _json_object(text)
    if data is None:
        return None
    level = str(data.get("level", "")).strip().lower()
    if level not in LEVELS:
        return None
    cats = [c for c in data.get("categories", []) if c in RISK_CATEGORIES] if isinstance(
        data.get("categories"), list) else []
    reqs = [r for r in data.get("requests", []) if r in REQUEST_SIGNALS] if isinstance(
        data.get("requests"), list) else []
    return LayerVerdict(level=level, categories=cats, requests=reqs, reasons=["llm judge"])


def parse_after_crisis(text: str) -> str | None:
    """The judge's after-crisis decision, "answer" or "fixed"; None when the answer is not usable."""
    data = _json_object(text)
    decision = str(data.get("decision", "")).strip().lower() if data is not None else ""
    return decision if decision in DECISIONS else None


class LLMJudge:
    name = "llm_judge"
    max_from_none = "imminent"  # a capable judge reads implicit risk the lexicon cannot see

    def __init__(self, backend: ChatBackend, max_turns: int = 12, max_new_tokens: int = 80) -> None:
        self.backend = backend
        self.max_turns = max_turns
        self.params = GenerationParams(max_new_tokens=max_new_tokens, temperature=0.0, top_p=1.0, seed=0)

    def prompt(self, messages: Sequence[Message]) -> list[Message]:
        turns = [m for m in messages if m.get("role") in ("user", "assistant")][-self.max_turns:]
        prompt = self._fitted(JUDGE_PROMPT, [], turns, cut=True)
        assert prompt is not None  # with `cut` there is always one
        return prompt

    def _fitted(self, system: str, head: Sequence[Message], tail: Sequence[Message],
                cut: bool = False) -> list[Message] | None:
        """The judge's prompt: `head`, then as many of the latest `tail` turns as fit the backend's context window
        with the answer (`prompts.fit_to_window`: the oldest left out, marked). Where the latest turn alone does not
        fit, ``cut`` keeps its end (the conversation screen, where the lexicon and the rules still read the whole
        message); without it the answer is None then (the judge cannot read the turn)."""
        from psycollm.prompts import fit_to_window

        count = getattr(self.backend, "count_tokens", None) or estimate_message_tokens
        budget = (getattr(self.backend, "context_window", 0) or 4096) - self.params.max_new_tokens
        tail = list(tail)

        def build(turns: Sequence[Message]) -> list[Message]:
            gap = [{"role": "assistant", "content": "[...]"}] if len(turns) < len(tail) else []
            transcript = "\n".join(f"{m['role'].upper()}: {m['content']}" for m in [*head, *gap, *turns])
            return [{"role": "system", "content": system},
                    {"role": "user", "content": f"Conversation:\n{transcript}\n\nJSON:"}]

        kept = fit_to_window([{"role": "system", "content": ""}, *tail], lambda msgs: count(build(msgs[1:])), budget)[1:]
        prompt = build(kept)
        if not cut and (not kept or kept[-1]["content"] != tail[-1]["content"] or count(prompt) > budget):
            return None
        return prompt  # with `cut`, a system prompt too long for the window is the backend's error: it fails closed

    def after_crisis(self, messages: Sequence[Message]) -> tuple[str | None, dict[str, Any]]:
        """After a crisis reply: may the model answer the latest user turn ("answer"), or does it get the
        fixed reply again ("fixed")? The decision (None when the answer is unusable) and what to log."""
        turns = [m for m in messages if m.get("role") in ("user", "assistant")]
        # From the message that brought the crisis reply on: the danger the latest turn may refer to must be in
        # the transcript, however long the conversation has grown since (the turns after it are cut from the
        # oldest on). The fixed replies themselves are named, not quoted: their lists of lines would fill a
        # small model's window and tell the judge nothing.
        first = next((i for i, m in enumerate(turns) if m["role"] == "assistant"
                      and replies.is_crisis_reply(str(m.get("content", "")))), 0)
        turns = [{"role": m["role"], "content": CRISIS_REPLY_SHOWN if m["role"] == "assistant"
                  and replies.is_crisis_reply(str(m.get("content", ""))) else str(m.get("content", ""))}
                 for m in turns[max(0, first - 1):]]
        prompt = self._fitted(AFTER_CRISIS_PROMPT, turns[:2], turns[2:][-(AFTER_CRISIS_MAX_TURNS - 3):])
        if prompt is None:  # not even the opener and the latest turn fit: the judge cannot read it
            return None, {"status": "too long"}
        raw = self.backend.generate_batch([prompt], self.params)[0]
        decision = parse_after_crisis(raw)
        if decision is None:
            return None, {"status": "unparseable", "raw": raw[:200]}
        return decision, {"status": "ok", "decision": decision, "model": self.backend.model_name}

    def assess(self, messages: Sequence[Message], evidence: str = "none") -> LayerVerdict:
        raw = self.backend.generate_batch([self.prompt(messages)], self.params)[0]
        verdict = parse_judgement(raw)
        if verdict is None:
            return LayerVerdict(detail={"status": "unparseable", "raw": raw[:200]})
        verdict.detail = {"status": "ok", "model": self.backend.model_name}
        return verdict


class ClassifierWithJudge:
    """`judge = "classifier+llm"`: the in-project classifier screens as always, and the LLM judge reads the
    conversation too; either may raise the level (the judge's findings stand without lexicon evidence, as they do
    for the judge alone). Where the judge's answer is unusable the classifier's verdict is the layer's verdict.
    So recall can only rise above the classifier's measured one, and false alarms with it: measure both on your
    model with `psycollm eval safety --judge classifier+llm ...`."""

    name = "classifier+llm"
    max_from_none = "low"  # the classifier's own rule; the judge's levels come in as `vouched`

    def __init__(self, classifier: Any, judge: LLMJudge) -> None:
        self.classifier, self.judge = classifier, judge

    @property
    def meta(self) -> Any:
        return getattr(self.classifier, "meta", None)

    def prefetch(self, messages: Sequence[Message]) -> None:
        prefetch = getattr(self.classifier, "prefetch", None)
        if prefetch is not None:
            prefetch(messages)

    def after_crisis(self, messages: Sequence[Message]) -> tuple[str | None, dict[str, Any]]:
        return self.judge.after_crisis(messages)

    def assess(self, messages: Sequence[Message], evidence: str = "none") -> LayerVerdict:
        verdict = self.classifier.assess(messages, evidence)
        judged = self.judge.assess(messages, evidence)
        verdict.detail = {**verdict.detail, "llm_judge": {"level": judged.level, **judged.detail}}
        if judged.detail.get("status") != "ok":
            return verdict
        if RANK[judged.level] > RANK[verdict.level]:
            verdict.level = judged.level
            verdict.categories = list(dict.fromkeys([*judged.categories, *verdict.categories]))
            verdict.reasons = [*verdict.reasons, f"llm judge: {judged.level}"]
        verdict.vouched = max_level(verdict.vouched, judged.level)
        if RANK[judged.level] >= RANK["high"]:  # on the latest user turn: the screen's ordinary-turn discount applies
            latest = max((i for i, m in enumerate(messages) if m.get("role") == "user"), default=None)
            if latest is not None:
                verdict.vouched_turns = {**verdict.vouched_turns,
                                         latest: max_level(verdict.vouched_turns.get(latest, "none"), judged.level)}
        if judged.requests:  # the judge stands behind its requests, as it does alone
            verdict.requests = list(dict.fromkeys([*judged.requests, *verdict.requests]))
            verdict.requests_vouched = True
        return verdict
