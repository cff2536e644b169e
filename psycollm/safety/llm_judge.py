"""The LLM judge: the configured model rates the conversation's risk (settings.safety.judge = "llm").

    judge = LLMJudge(backend)                 # any ChatBackend (vLLM server, llama.cpp, scripted)
    verdict = judge.assess(messages)          # LayerVerdict; may only raise the lexicon's level

Use it with a capable model (PsycoLLM / Qwen-class behind vLLM). With the embedded 135M model the
judge's answers are mostly unparseable or wrong: they are then ignored (recorded as such in the
layer report) and the lexicon decides. A backend error propagates, so the guard fails closed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

from psycollm.backends.base import ChatBackend, GenerationParams, Message
from psycollm.safety.crisis_screen import LEVELS, RISK_CATEGORIES, LayerVerdict
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

_JSON = re.compile(r"\{.*\}", re.DOTALL)


def parse_judgement(text: str) -> LayerVerdict | None:
    """The judge's JSON, validated; None when it is not usable."""
    m = _JSON.search(text or "")
    if not m:
        return None
    try:
        data = json.loads(m.group(0))
    except json.JSONDecodeError:
        return None
    level = str(data.get("level", "")).strip().lower()
    if level not in LEVELS:
        return None
    cats = [c for c in data.get("categories", []) if c in RISK_CATEGORIES] if isinstance(
        data.get("categories"), list) else []
    reqs = [r for r in data.get("requests", []) if r in REQUEST_SIGNALS] if isinstance(
        data.get("requests"), list) else []
    return LayerVerdict(level=level, categories=cats, requests=reqs, reasons=["llm judge"])


class LLMJudge:
    name = "llm_judge"
    max_from_none = "imminent"  # a capable judge reads implicit risk the lexicon cannot see

    def __init__(self, backend: ChatBackend, max_turns: int = 12, max_new_tokens: int = 80) -> None:
        self.backend = backend
        self.max_turns = max_turns
        self.params = GenerationParams(max_new_tokens=max_new_tokens, temperature=0.0, top_p=1.0, seed=0)

    def prompt(self, messages: Sequence[Message]) -> list[Message]:
        turns = [m for m in messages if m.get("role") in ("user", "assistant")][-self.max_turns:]
        transcript = "\n".join(f"{m['role'].upper()}: {m['content']}" for m in turns)
        return [{"role": "system", "content": JUDGE_PROMPT},
                {"role": "user", "content": f"Conversation:\n{transcript}\n\nJSON:"}]

    def assess(self, messages: Sequence[Message], evidence: str = "none") -> LayerVerdict:
        raw = self.backend.generate_batch([self.prompt(messages)], self.params)[0]
        verdict = parse_judgement(raw)
        if verdict is None:
            return LayerVerdict(detail={"status": "unparseable", "raw": raw[:200]})
        verdict.detail = {"status": "ok", "model": self.backend.model_name}
        return verdict
