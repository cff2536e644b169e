"""Counselor prompts (Chinese and English), reply-language detection, evidence block, window fitting.

    lang = detect_language("我最近总是睡不着")           # "zh"
    messages = build_messages(history, "I can't sleep", sources, lang="en")
    messages = fit_to_window(messages, count_tokens, budget=2048 - 384)

``PROMPT_VERSION`` is part of every cache key downstream (eval, data pipeline): bump it when a
prompt's wording changes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from psycollm.backends.base import Message
from psycollm.retrieval.types import Source

PROMPT_VERSION = "counselor-v1"

SYSTEM_PROMPTS: dict[str, str] = {
    "zh": (
        "你是一名温暖、尊重、不评判的心理咨询助手。请用中文回答。\n"
        "- 先倾听和共情：复述对方的感受，让对方感到被理解。\n"
        "- 多用开放式问题，帮助对方探索自己的想法、情绪和处境。\n"
        "- 可以提供一般性的心理学知识和自助方法，但不做诊断，不开药，不给药物剂量。\n"
        "- 回答简洁、具体、口语化，一次只聚焦一两个要点。\n"
        "- 在需要时鼓励对方寻求专业的心理咨询师或医生的帮助；"
        "如有自伤、自杀或伤害他人的风险，优先关注安全并提供危机求助资源。"
    ),
    "en": (
        "You are a warm, respectful and non-judgmental counseling assistant. Reply in English.\n"
        "- Listen first: reflect the person's feelings so they feel understood.\n"
        "- Ask open questions that help them explore their thoughts, feelings and situation.\n"
        "- You may share general psychological knowledge and self-help ideas, but never diagnose, "
        "prescribe, or give medication doses.\n"
        "- Keep replies short, concrete and conversational; focus on one or two points at a time.\n"
        "- Encourage professional help from a counselor or doctor when it fits; if there is any risk "
        "of self-harm, suicide or harm to others, put safety first and share crisis resources."
    ),
}

EVIDENCE_HEADER = {
    "zh": "以下是可能相关的心理学知识（仅在与对方问题相关时使用，不要逐字照搬，不要提及“资料”）：",
    "en": "Possibly relevant background knowledge (use only what fits the person's question; "
    "do not quote it verbatim or mention 'the sources'):",
}


def detect_language(text: str, default: str = "en") -> str:
    """'zh' when CJK characters make up a fair share of the letters, else 'en'.

    Written by hand: counselling messages are short and mixed (English words inside Chinese text),
    where general language-ID libraries are unreliable, and we only need to choose zh vs en.
    """
    cjk = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf")
    latin = sum(1 for ch in text if ch.isascii() and ch.isalpha())
    if cjk == 0 and latin == 0:
        return default
    # One CJK character carries about as much as one English word (~4.5 letters).
    return "zh" if cjk * 4 >= latin else "en"


def format_evidence(sources: Sequence[Source], lang: str, max_chars_each: int = 600) -> str:
    lines = [EVIDENCE_HEADER.get(lang, EVIDENCE_HEADER["en"])]
    for i, src in enumerate(sources, 1):
        text = " ".join(src.text.split())
        if len(text) > max_chars_each:
            text = text[:max_chars_each] + "…"
        lines.append(f"[{i}] {src.title}: {text}")
    return "\n".join(lines)


def system_prompt(lang: str, sources: Sequence[Source] = (), addendum: str | None = None) -> str:
    parts = [SYSTEM_PROMPTS.get(lang, SYSTEM_PROMPTS["en"])]
    if addendum:
        parts.append(addendum)
    if sources:
        parts.append(format_evidence(sources, lang))
    return "\n\n".join(parts)


def build_messages(history: Sequence[Message], user_text: str, sources: Sequence[Source] = (),
                   lang: str = "en", addendum: str | None = None) -> list[Message]:
    """System prompt (+ safety addendum + evidence), then the conversation, then the new message."""
    messages: list[Message] = [{"role": "system", "content": system_prompt(lang, sources, addendum)}]
    messages.extend({"role": m["role"], "content": m["content"]} for m in history if m["role"] != "system")
    messages.append({"role": "user", "content": user_text})
    return messages


def fit_to_window(messages: Sequence[Message], count_tokens: Callable[[Sequence[Message]], int],
                  budget: int) -> list[Message]:
    """Drop the oldest turns until the prompt fits ``budget`` tokens.

    The system prompt and the newest user message are always kept; turns are dropped from the
    front in user/assistant pairs so the model never sees an answer without its question. If the
    system prompt plus the newest message alone are too long, the evidence is dropped from the
    system prompt, then the newest message is cut from its start (its end is what was just said).
    """
    msgs = list(messages)
    system = msgs[0] if msgs and msgs[0]["role"] == "system" else None
    body = msgs[1:] if system else msgs
    if not body:
        return msgs

    def assemble(b: list[Message], sys_msg: Message | None = system) -> list[Message]:
        return ([sys_msg] if sys_msg else []) + b

    while len(body) > 1 and count_tokens(assemble(body)) > budget:
        body = body[1:]
        # Never start the kept history with an assistant turn.
        while len(body) > 1 and body[0]["role"] == "assistant":
            body = body[1:]
    if count_tokens(assemble(body)) <= budget:
        return assemble(body)

    # Only the newest message is left and it still does not fit: shrink the system prompt first.
    if system is not None:
        header_idx = min((system["content"].find(h) for h in EVIDENCE_HEADER.values()
                          if h in system["content"]), default=-1)
        if header_idx > 0:
            system = {"role": "system", "content": system["content"][:header_idx].rstrip()}
            if count_tokens(assemble(body, system)) <= budget:
                return assemble(body, system)
    last = dict(body[-1])
    text = last["content"]
    lo, hi = 0, len(text)
    # Binary search for the longest tail of the message that fits.
    while lo < hi:
        mid = (lo + hi + 1) // 2
        trial: Message = {"role": last["role"], "content": text[len(text) - mid:]}
        if count_tokens(assemble([trial], system)) <= budget:
            lo = mid
        else:
            hi = mid - 1
    return assemble([{"role": last["role"], "content": text[len(text) - lo:]}], system)
