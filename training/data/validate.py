"""Checks on model output and on data-set records: nothing malformed is ever written.

Model output is parsed by the ``parse_*`` functions, which return clean values or raise
`MalformedOutput` with a short ``reason`` (counted in the stage statistics: ``bad_json``,
``wrong_roles``, ``empty_turn``, ``language_switch``, ...). The pipeline retries a malformed call
with a bounded budget, then drops the item and counts it.

`check_record` is the schema of a published record (the chat ``messages`` format TRL's SFT reads):
every stage runs it before writing a shard, and the mix stage runs it again before publishing.
"""

from __future__ import annotations

import json
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from psycollm.backends.base import Message


class MalformedOutput(ValueError):
    """A model reply that cannot go into the data set; ``reason`` is a short counter name."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


class InvalidRecord(ValueError):
    """A record that breaks the published schema (a bug upstream if it ever reaches the mix stage)."""


# ---------------------------------------------------------------------------------------------------
# Language


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" or "\uf900" <= ch <= "\ufaff"


def script_counts(text: str) -> tuple[int, int, int]:
    """(CJK ideographs, Latin letters, letters of any other script: kana, Hangul, Cyrillic, ...)."""
    cjk = latin = other = 0
    for ch in text:
        if _is_cjk(ch):
            cjk += 1
        elif ch.isascii():
            latin += ch.isalpha()
        elif ch.isalpha():
            # Accented Latin letters (é, ü) count as Latin; everything else as another script.
            if "\u00c0" <= ch <= "\u024f":
                latin += 1
            else:
                other += 1
    return cjk, latin, other


def language_of(text: str) -> str:
    """'zh', 'en', 'other' (mostly another script), or '' (no letters: punctuation, digits)."""
    cjk, latin, other = script_counts(text)
    total = cjk + latin + other
    if total == 0:
        return ""
    if other > 0.2 * total:
        return "other"
    # One CJK character carries about as much as one English word (~4.5 letters): as in prompts.py.
    return "zh" if cjk * 4 >= latin else "en"


def is_language(text: str, lang: str) -> bool:
    found = language_of(text)
    return found in ("", lang)


# ---------------------------------------------------------------------------------------------------
# Text quality


def is_degenerate(text: str, min_chars: int = 200, ratio: float = 0.2) -> bool:
    """Looping text (a weak model repeating itself) compresses far better than prose does."""
    data = text.encode("utf-8")
    if len(text) < min_chars:
        return False
    return len(zlib.compress(data, 9)) / len(data) < ratio


_ROLE_PREFIX = re.compile(
    r"^\s*(?:来访者|求助者|咨询师|心理咨询师|咨询者|seeker|client|counsel+or|therapist|user|assistant)\s*[:：]\s*",
    re.IGNORECASE)


# The JSON examples in the templates: a weak model copies them; they must never pass as content.
PLACEHOLDERS = {"来访者说的话", "咨询师说的话", "what the seeker says", "what the counselor says", "……", "...", "…",
                "问题", "答案", "the question", "the answer", "理由", "why", "改写后的回答", "the rewritten answer"}


def is_placeholder(text: str) -> bool:
    return text.strip().strip("。.").lower() in PLACEHOLDERS or text.strip() in PLACEHOLDERS


def strip_role_prefix(text: str) -> str:
    return _ROLE_PREFIX.sub("", text, count=1)


# ---------------------------------------------------------------------------------------------------
# JSON in model output

_FENCE = re.compile(r"```(?:json|JSON)?\s*\n?(.*?)```", re.DOTALL)


def extract_json(text: str) -> Any:
    """The first JSON object or array in a reply (inside a ``` fence or bare, with chatter around it)."""
    if not text or not text.strip():
        raise MalformedOutput("empty_reply")
    candidates = [m.group(1) for m in _FENCE.finditer(text)] + [text]
    decoder = json.JSONDecoder()
    for cand in candidates:
        for i, ch in enumerate(cand):
            if ch in "{[":
                try:
                    value, _ = decoder.raw_decode(cand, i)
                except json.JSONDecodeError:
                    continue
                if isinstance(value, (dict, list)):
                    return value
    raise MalformedOutput("bad_json", text[:120])


# ---------------------------------------------------------------------------------------------------
# Dialogues

_USER_ROLES = {"seeker", "client", "user", "help-seeker", "patient", "来访者", "求助者", "咨询者"}
_ASSISTANT_ROLES = {"counselor", "counsellor", "therapist", "assistant", "psychologist", "咨询师", "心理咨询师"}


def normalize_role(role: Any) -> str | None:
    r = str(role or "").strip().lower()
    if r in _USER_ROLES:
        return "user"
    if r in _ASSISTANT_ROLES:
        return "assistant"
    return None


def parse_dialogue(text: str, lang: str, *, min_exchanges: int = 1, max_exchanges: int = 50,
                   max_turn_chars: int = 2000) -> list[Message]:
    """A dialogue reply -> alternating user/assistant messages, or MalformedOutput.

    Accepts ``{"dialogue": [...]}``, ``{"messages": [...]}`` or a bare list of ``{role, content}``
    (``speaker``/``text`` too). A trailing seeker turn (a closing thank-you) is trimmed; everything else
    that is off (unknown or non-alternating roles, empty or overlong turns, another language, looping
    text, repeated turns, too few or too many exchanges) is malformed.
    """
    data = extract_json(text)
    turns = data
    if isinstance(data, dict):
        turns = next((data[k] for k in ("dialogue", "messages", "conversation", "turns") if k in data), None)
    if not isinstance(turns, list) or not turns:
        raise MalformedOutput("no_dialogue", "expected a list of turns under 'dialogue'")
    messages: list[Message] = []
    for i, turn in enumerate(turns):
        if not isinstance(turn, dict):
            raise MalformedOutput("bad_turn", f"turn {i} is not an object")
        role = normalize_role(turn.get("role", turn.get("speaker")))
        if role is None:
            raise MalformedOutput("wrong_roles", f"turn {i} has role {turn.get('role', turn.get('speaker'))!r}")
        content = turn.get("content", turn.get("text"))
        if not isinstance(content, str):
            raise MalformedOutput("empty_turn", f"turn {i} has no text")
        content = strip_role_prefix(content).strip()
        if not content:
            raise MalformedOutput("empty_turn", f"turn {i} is empty")
        if is_placeholder(content):
            raise MalformedOutput("placeholder", f"turn {i} copies the prompt's example")
        if len(content) > max_turn_chars:
            raise MalformedOutput("turn_too_long", f"turn {i} has {len(content)} characters")
        messages.append({"role": role, "content": content})
    if messages and messages[-1]["role"] == "user":
        messages = messages[:-1]
    check_alternation(messages)
    exchanges = len(messages) // 2
    if exchanges < min_exchanges:
        raise MalformedOutput("too_few_turns", f"{exchanges} exchanges < {min_exchanges}")
    if exchanges > max_exchanges:
        raise MalformedOutput("too_many_turns", f"{exchanges} exchanges > {max_exchanges}")
    check_turns_quality(messages, lang)
    return messages


def check_alternation(messages: Sequence[Message]) -> None:
    if not messages:
        raise MalformedOutput("no_dialogue")
    for i, m in enumerate(messages):
        expected = "user" if i % 2 == 0 else "assistant"
        if m["role"] != expected:
            raise MalformedOutput("wrong_roles", f"message {i} is {m['role']}, expected {expected}")
    if messages[-1]["role"] != "assistant":
        raise MalformedOutput("wrong_roles", "the counselor must speak last")


def check_turns_quality(messages: Sequence[Message], lang: str) -> None:
    seen: set[str] = set()
    repeated = 0
    for i, m in enumerate(messages):
        found = language_of(m["content"])
        if found not in ("", lang):
            raise MalformedOutput("language_switch", f"message {i} is {found}, expected {lang}")
        if is_degenerate(m["content"]):
            raise MalformedOutput("degenerate", f"message {i} repeats itself")
        key = re.sub(r"\s+", "", m["content"])
        repeated += key in seen
        seen.add(key)
    if len(messages) >= 4 and repeated > 0.25 * len(messages):
        raise MalformedOutput("repeated_turns", f"{repeated} of {len(messages)} turns repeat earlier ones")


def same_shape(original: Sequence[Message], refined: Sequence[Message]) -> None:
    """Refinement keeps the number and order of turns."""
    if [m["role"] for m in original] != [m["role"] for m in refined]:
        raise MalformedOutput("shape_changed", f"{len(original)} turns became {len(refined)}")


def render_numbered(messages: Sequence[Message], lang: str) -> str:
    """The dialogue as the judge sees it: counselor turns numbered from 1."""
    seeker, counselor = ("来访者", "咨询师") if lang == "zh" else ("Seeker", "Counselor")
    colon = "：" if lang == "zh" else ": "
    lines, n = [], 0
    for m in messages:
        if m["role"] == "assistant":
            n += 1
            lines.append(f"{counselor} #{n}{colon}{m['content']}")
        else:
            lines.append(f"{seeker}{colon}{m['content']}")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------------
# Judgment

VERDICTS = {"supported": "supported", "no_claim": "no_claim", "unsupported": "unsupported",
            "支持": "supported", "有依据": "supported", "无事实陈述": "no_claim", "不支持": "unsupported",
            "无依据": "unsupported", "none": "no_claim", "no claim": "no_claim", "not_supported": "unsupported"}


@dataclass
class Judgment:
    turns: list[dict[str, Any]]  # {turn, verdict, unsupported_claims, reason}

    @property
    def score(self) -> float:
        """Share of counselor turns that are supported or make no claim about the seeker."""
        if not self.turns:
            return 0.0
        return sum(t["verdict"] != "unsupported" for t in self.turns) / len(self.turns)

    def to_dict(self, threshold: float | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {"score": round(self.score, 4), "turns": self.turns}
        if threshold is not None:
            out["threshold"] = threshold
            out["passed"] = self.score >= threshold
        return out


def parse_judgment(text: str, n_turns: int) -> Judgment:
    data = extract_json(text)
    turns = data.get("turns") if isinstance(data, dict) else data
    if not isinstance(turns, list):
        raise MalformedOutput("bad_judgment", "expected {'turns': [...]}")
    by_index: dict[int, dict[str, Any]] = {}
    for item in turns:
        if not isinstance(item, dict):
            raise MalformedOutput("bad_judgment", "a turn verdict is not an object")
        try:
            idx = int(item.get("turn", item.get("index")))
        except (TypeError, ValueError):
            raise MalformedOutput("bad_judgment", f"turn number {item.get('turn')!r}") from None
        verdict = VERDICTS.get(str(item.get("verdict", "")).strip().lower())
        if verdict is None:
            raise MalformedOutput("bad_judgment", f"verdict {item.get('verdict')!r}")
        claims = item.get("unsupported_claims") or []
        if isinstance(claims, str):
            claims = [claims]
        if not isinstance(claims, list):
            raise MalformedOutput("bad_judgment", "unsupported_claims is not a list")
        reason = str(item.get("reason", "")).strip()
        if not reason or is_placeholder(reason):
            raise MalformedOutput("bad_judgment", f"turn {idx} has no reason")
        by_index[idx] = {"turn": idx, "verdict": verdict, "unsupported_claims": [str(c) for c in claims],
                         "reason": reason}
    if sorted(by_index) != list(range(1, n_turns + 1)):
        raise MalformedOutput("judgment_coverage", f"judged turns {sorted(by_index)} != 1..{n_turns}")
    return Judgment([by_index[i] for i in range(1, n_turns + 1)])


# ---------------------------------------------------------------------------------------------------
# Single answers and QA pairs


def parse_answer(text: str, lang: str, *, reference: str = "", min_ratio: float = 0.4,
                 max_ratio: float = 2.5) -> str:
    """``{"answer": ...}`` in the right language, not far shorter or longer than ``reference``."""
    data = extract_json(text)
    answer = data.get("answer") if isinstance(data, dict) else None
    if not isinstance(answer, str) or not answer.strip():
        raise MalformedOutput("empty_turn", "no 'answer'")
    answer = strip_role_prefix(answer).strip()
    if is_placeholder(answer):
        raise MalformedOutput("placeholder", "the answer copies the prompt's example")
    found = language_of(answer)
    if found not in ("", lang):
        raise MalformedOutput("language_switch", f"answer is {found}, expected {lang}")
    if is_degenerate(answer):
        raise MalformedOutput("degenerate")
    if reference:
        ratio = len(answer) / max(1, len(reference))
        if not min_ratio <= ratio <= max_ratio:
            raise MalformedOutput("length_drift", f"rewrite is {ratio:.2f}x the original")
    return answer


def grounding(answer: str, source: str, lang: str) -> float:
    """Share of the answer's units (character bigrams for zh, words for en) found in the source."""
    if lang == "zh":
        def units(t: str) -> list[str]:
            chars = [c for c in t if _is_cjk(c) or c.isalnum()]
            return ["".join(chars[i:i + 2]) for i in range(len(chars) - 1)]
    else:
        def units(t: str) -> list[str]:
            return re.findall(r"[a-z0-9]+", t.lower())
    have = units(answer)
    if not have:
        return 0.0
    pool = set(units(source))
    return sum(u in pool for u in have) / len(have)


def parse_pairs(text: str, lang: str, *, source: str, min_grounding: float, max_pairs: int) -> list[dict[str, Any]]:
    """``{"pairs": [{question, answer}]}``; each pair in the right language and grounded in ``source``.

    Ungrounded pairs are dropped one by one (their share is reported); a reply with no usable pair
    is malformed.
    """
    data = extract_json(text)
    pairs = data.get("pairs") if isinstance(data, dict) else data
    if not isinstance(pairs, list) or not pairs:
        raise MalformedOutput("no_pairs")
    out: list[dict[str, Any]] = []
    problems: list[str] = []
    for p in pairs[:max_pairs]:
        if not isinstance(p, dict):
            problems.append("bad_pair")
            continue
        q, a = str(p.get("question", "")).strip(), str(p.get("answer", "")).strip()
        if not q or not a:
            problems.append("empty_turn")
            continue
        if is_placeholder(q) or is_placeholder(a):
            problems.append("placeholder")
            continue
        if not (is_language(q, lang) and is_language(a, lang)):
            problems.append("language_switch")
            continue
        if is_degenerate(a):
            problems.append("degenerate")
            continue
        g = grounding(a, source, lang)
        if g < min_grounding:
            problems.append("ungrounded")
            continue
        out.append({"question": q, "answer": a, "grounding": round(g, 3)})
    if not out:
        raise MalformedOutput(problems[0] if problems else "no_pairs", f"{len(problems)} unusable pairs")
    return out


# ---------------------------------------------------------------------------------------------------
# The published record

RECORD_FIELDS = ("id", "stage", "source", "license", "lang", "messages")
STAGES = ("single_turn", "multi_turn", "knowledge")


def check_record(record: dict[str, Any]) -> None:
    """Raise InvalidRecord unless ``record`` is publishable (chat ``messages`` TRL's SFT reads)."""
    for key in RECORD_FIELDS:
        if key not in record:
            raise InvalidRecord(f"record {record.get('id')!r} lacks '{key}'")
    if record["stage"] not in STAGES:
        raise InvalidRecord(f"record {record['id']!r}: unknown stage {record['stage']!r}")
    if record["lang"] not in ("zh", "en"):
        raise InvalidRecord(f"record {record['id']!r}: lang must be zh or en")
    messages = record["messages"]
    if not isinstance(messages, list) or len(messages) < 2:
        raise InvalidRecord(f"record {record['id']!r}: needs at least one user and one assistant message")
    body = messages[1:] if messages[0].get("role") == "system" else messages
    for i, m in enumerate(messages):
        if set(m) != {"role", "content"} or not isinstance(m["content"], str) or not m["content"].strip():
            raise InvalidRecord(f"record {record['id']!r}: message {i} must be a non-empty {{role, content}}")
    try:
        check_alternation(body)
    except MalformedOutput as exc:
        raise InvalidRecord(f"record {record['id']!r}: {exc}") from None
    for i, m in enumerate(body):
        if language_of(m["content"]) not in ("", record["lang"]):
            raise InvalidRecord(f"record {record['id']!r}: message {i} is not in {record['lang']}")
