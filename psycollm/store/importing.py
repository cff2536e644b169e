"""Prompt sets for the clinicians' rating queue, read from JSONL and checked line by line.

    items, problems = parse_prompt_set(Path("prompts.jsonl").read_bytes())
    psycollm ratings import prompts.jsonl --set-name pilot          # the same from the command line

One JSON object per line; any of these shapes:

    {"id": "p1", "prompt": "I can't sleep before exams"}
    {"id": "p2", "messages": [{"role": "user", "content": "..."}, {"role": "assistant", "content": "..."},
                              {"role": "user", "content": "..."}],
     "responses": ["reply A", {"text": "reply B", "model": "qwen2.5-7b"}], "lang": "zh"}
    {"prompt": [...messages...], "chosen": [...], "rejected": [...]}        # a TRL-style pair: both rated

The context must end with a user message. Without responses, `psycollm ratings generate` (or the
admin tab) asks the configured model for them. Invalid UTF-8, bad JSON, wrong shapes and
over-long texts are reported with their line numbers; nothing is half-imported.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from psycollm import prompts

MAX_TEXT_CHARS = 20_000


def parse_prompt_set(data: bytes, max_chars: int = MAX_TEXT_CHARS) -> tuple[list[dict[str, Any]], list[str]]:
    """Valid items and a list of problems ("line 3: ..."); blank lines and # comments are skipped."""
    items: list[dict[str, Any]] = []
    problems: list[str] = []
    seen: set[str] = set()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]  # a UTF-8 BOM from Windows editors
    for number, raw in enumerate(data.split(b"\n"), start=1):
        try:
            line = raw.decode("utf-8").strip()
        except UnicodeDecodeError as exc:
            problems.append(f"line {number}: not valid UTF-8 (byte {exc.start}); save the file as UTF-8")
            continue
        if not line or line.startswith("#"):
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(f"line {number}: not valid JSON ({exc.msg} at column {exc.colno})")
            continue
        try:
            item = _item(obj, max_chars)
        except ValueError as exc:
            problems.append(f"line {number}: {exc}")
            continue
        if item["id"] in seen:
            problems.append(f"line {number}: id '{item['id']}' appears twice in the file")
            continue
        seen.add(item["id"])
        items.append(item)
    if not items and not problems:
        problems.append("the file has no items")
    return items, problems


def _text(value: Any, what: str, max_chars: int) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{what} must be text, got {type(value).__name__}")
    text = "".join(ch for ch in value if ch in "\n\t" or ch.isprintable() or ch == "\u3000").strip()
    if not text:
        raise ValueError(f"{what} is empty")
    if len(text) > max_chars:
        raise ValueError(f"{what} is {len(text)} characters long; the limit is {max_chars}")
    return text


def _messages(value: Any, what: str, max_chars: int) -> list[dict[str, str]]:
    if isinstance(value, str):
        return [{"role": "user", "content": _text(value, what, max_chars)}]
    if not isinstance(value, list) or not value:
        raise ValueError(f"{what} must be a text or a non-empty list of messages")
    out = []
    for i, m in enumerate(value):
        if not isinstance(m, dict) or m.get("role") not in ("system", "user", "assistant"):
            raise ValueError(f"{what}[{i}] must be {{\"role\": system|user|assistant, \"content\": ...}}")
        out.append({"role": m["role"], "content": _text(m.get("content"), f"{what}[{i}].content", max_chars)})
    return out


def _item(obj: Any, max_chars: int) -> dict[str, Any]:
    if not isinstance(obj, dict):
        raise ValueError("each line must be a JSON object")
    if "messages" in obj:
        context = _messages(obj["messages"], "messages", max_chars)
    elif "prompt" in obj:
        context = _messages(obj["prompt"], "prompt", max_chars)
    else:
        raise ValueError('needs "prompt" (text or messages) or "messages"')
    if context[-1]["role"] != "user":
        raise ValueError("the context must end with a user message")
    responses: list[dict[str, str]] = []
    raw_responses = list(obj.get("responses") or [])
    if "response" in obj:
        raw_responses.append(obj["response"])
    for key in ("chosen", "rejected"):  # TRL preference rows: both replies become candidates
        if key in obj:
            value = obj[key]
            if isinstance(value, list) and value and isinstance(value[-1], dict):
                value = value[-1].get("content")
            raw_responses.append(value)
    for i, r in enumerate(raw_responses):
        if isinstance(r, dict):
            responses.append({"text": _text(r.get("text", r.get("content")), f"responses[{i}]", max_chars),
                              "model": str(r.get("model", ""))[:200]})
        else:
            responses.append({"text": _text(r, f"responses[{i}]", max_chars), "model": str(obj.get("model", ""))[:200]})
    item_id = obj.get("id")
    if item_id is None:
        item_id = hashlib.sha256(json.dumps(context, ensure_ascii=False).encode()).hexdigest()[:16]
    item_id = str(item_id).strip()[:200]
    if not item_id:
        raise ValueError('"id" is empty')
    lang = obj.get("lang")
    if lang not in ("zh", "en"):
        lang = prompts.detect_language(" ".join(m["content"] for m in context if m["role"] == "user"))
    return {"id": item_id, "messages": context, "responses": responses, "lang": lang}
