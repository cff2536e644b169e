"""Text normalization and quality heuristics for single-turn QA (and any text entering the data set).

    text = normalize_text(raw)                  # NFC, HTML entities/tags, whitespace, glued sentences
    reason = qa_filter_reason(q, a, lang, cfg)  # None when the pair is kept, else a counter name

Written by hand: the filters are small, data-specific rules (counsel-chat glues sentences together,
therapists advertise phone numbers); a general cleaning library would not know them, and every
rule here is counted in the stage statistics and the dataset card.
"""

from __future__ import annotations

import html
import re
import unicodedata

from psycollm.backends.base import estimate_tokens
from training.data.recipe import SingleTurnConfig
from training.data.validate import is_degenerate, language_of

_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
_TAG = re.compile(r"</?(?:p|br|div|span|b|i|em|strong|a|ul|ol|li)(?:\s[^>]*)?/?>", re.IGNORECASE)
# counsel-chat lost its line breaks: "hang out with.Seriously, the" -> "hang out with. Seriously, the"
_GLUED = re.compile(r"([a-z\)][.!?])([A-Z][a-z])")
_SPACES = re.compile(r"[ \t\u00a0\u2002\u2003\u3000]+")
_MANY_NEWLINES = re.compile(r"\n\s*\n\s*\n+")

_URL = re.compile(r"(?:https?://|www\.)\S+|\b[\w-]+\.(?:com|org|net|edu|gov|cn|io)\b", re.IGNORECASE)
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.]+\b")
_PHONE = re.compile(r"(?<!\d)(?:\+?\d[\d\s().-]{8,}\d)(?!\d)")
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?。！？])\s*")


def normalize_text(text: str) -> str:
    text = unicodedata.normalize("NFC", str(text or ""))
    text = html.unescape(text)
    text = _TAG.sub("\n", text)
    text = _ZERO_WIDTH.sub("", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _GLUED.sub(r"\1 \2", text)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    text = "\n".join(lines)
    return _MANY_NEWLINES.sub("\n\n", text).strip()


def repeated_sentence_share(text: str) -> float:
    sentences = [s.strip() for s in _SENTENCE_SPLIT.split(text) if len(s.strip()) > 3]
    if len(sentences) < 3:
        return 0.0
    return 1.0 - len(set(sentences)) / len(sentences)


def symbol_share(text: str) -> float:
    """Share of characters that are neither letters, digits, whitespace nor ordinary punctuation."""
    if not text:
        return 0.0
    odd = 0
    for ch in text:
        cat = unicodedata.category(ch)
        if cat[0] in ("L", "N", "Z", "P") or ch in "\n\t":
            continue
        odd += 1
    return odd / len(text)


_HOTLINE = re.compile(r"hotline|helpline|lifeline|crisis|suicide|prevention|emergency|samaritans|热线|危机|急救|求助电话",
                      re.IGNORECASE)


def has_contact_info(text: str) -> bool:
    """URLs, e-mail addresses or phone numbers, except crisis lines: a therapist advertising a practice
    is dropped, a therapist giving a suicide or abuse hotline is the safety behaviour we want to keep."""
    def near_hotline(m: re.Match[str]) -> bool:
        return bool(_HOTLINE.search(text[max(0, m.start() - 80):m.end() + 40]))

    for m in list(_URL.finditer(text)) + list(_EMAIL.finditer(text)):
        if not near_hotline(m):
            return True
    # A phone number has at least 9 digits; year ranges ("2010 - 2015") and counts have fewer.
    return any(sum(c.isdigit() for c in m.group()) >= 9 and not near_hotline(m) for m in _PHONE.finditer(text))


def qa_filter_reason(question: str, answer: str, lang: str, cfg: SingleTurnConfig) -> str | None:
    """Why a QA pair is dropped (a counter name), or None to keep it. Checks run cheapest first."""
    if not question or not answer:
        return "empty"
    q_tokens, a_tokens = estimate_tokens(question), estimate_tokens(answer)
    if q_tokens < cfg.min_question_tokens:
        return "question_too_short"
    if q_tokens > cfg.max_question_tokens:
        return "question_too_long"
    if a_tokens < cfg.min_answer_tokens:
        return "answer_too_short"
    if a_tokens > cfg.max_answer_tokens:
        return "answer_too_long"
    if language_of(question) not in ("", lang) or language_of(answer) not in ("", lang):
        return "language"
    if cfg.drop_contact_info and has_contact_info(answer):
        return "contact_info"
    if symbol_share(question) > cfg.max_symbol_ratio or symbol_share(answer) > cfg.max_symbol_ratio:
        return "symbols"
    if repeated_sentence_share(answer) > cfg.max_repeated_sentences or is_degenerate(answer):
        return "repetitive"
    return None
