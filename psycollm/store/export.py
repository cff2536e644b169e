"""Exports: ratings, comparisons and conversations as JSONL/CSV; DPO preference pairs as JSONL.

    psycollm export ratings -o ratings.csv
    psycollm export conversations --format jsonl -o conversations.jsonl
    psycollm export preferences -o dpo.jsonl --min-margin 1.0

Preference pairs are the input of `psycollm train dpo` (TRL's conversational format), one JSON
object a line:

    {"prompt": [{"role": "user", "content": ...}, ...],        # context, ends with the user turn
     "chosen": [{"role": "assistant", "content": ...}], "rejected": [{"role": "assistant", ...}],
     "source": "ab" | "rubric", "item_id": "conversation:<session>:<hash>", "margin": 0.67}

- ``ab``: blinded A/B choices. Votes of all raters on one pair of responses are pooled; the pair is
  written when one side has more votes, margin = (wins - losses) / votes (ties count as votes).
- ``rubric``: two responses to the same context scored with the rubric. Each response's score is the
  mean over raters of the mean of the six dimensions; a response flagged harmful by at least half
  of its raters is never chosen. A pair is written when the better response is not harmful and leads
  by at least ``min_margin`` points, or the other one is harmful; margin = the score gap.

Files are written to a temporary name and renamed, so an interrupted export leaves no half file.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from psycollm.atomic_io import atomic_write_text
from psycollm.errors import InputRejected
from psycollm.store.repository import Store
from psycollm.store.rubric import DIMENSIONS

KINDS = ("ratings", "comparisons", "conversations", "preferences")


# ---------------------------------------------------------------------------------------------------
# Rows


def rating_records(store: Store) -> list[dict[str, Any]]:
    return store.rating_rows()


def comparison_records(store: Store) -> list[dict[str, Any]]:
    return store.comparison_rows()


def conversation_records(store: Store, *, include_superseded: bool = False,
                         owner: str | None = None) -> list[dict[str, Any]]:
    """One record per conversation with its turns (``owner`` limits to one user's conversations)."""
    out = []
    for session_id, session_owner in store.iter_sessions():
        if owner is not None and session_owner != owner:
            continue
        info, turns = store.load_conversation(session_id, None, include_superseded=include_superseded)
        out.append(conversation_record(info, turns, session_owner))
    return out


def conversation_record(info: Any, turns: Iterable[Any], owner: str | None = None) -> dict[str, Any]:
    record: dict[str, Any] = {"session_id": info.id, "title": info.title, "lang": info.lang,
                              "created_at": info.created_at.isoformat(), "updated_at": info.updated_at.isoformat()}
    if owner is not None:
        record["owner"] = owner
    record["turns"] = [{**{k: v for k, v in asdict(t).items() if k not in ("created_at",)},
                        "created_at": t.created_at.isoformat()} for t in turns]
    return record


def conversation_markdown(info: Any, turns: Iterable[Any], lang: str = "en") -> str:
    """A conversation as Markdown, for the chat tab's download button."""
    you, assistant = ("你", "助手") if lang == "zh" else ("You", "Assistant")
    lines = [f"# {info.title or info.id}", "", f"*{info.created_at:%Y-%m-%d %H:%M} UTC · {info.id}*", ""]
    for t in turns:
        lines += [f"**{you}:** {t.user_text}", "", f"**{assistant}** ({t.model}):", "", t.reply, ""]
        for e in t.safety:
            lines.append(f"> safety: {e['stage']} {e['action']} ({e['level']})")
        if t.sources:
            lines.append("Sources: " + "; ".join(s.title for s in t.sources))
        lines.append("")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------------
# DPO pairs


def preference_pairs(store: Store, *, min_margin: float = 1.0, sources: tuple[str, ...] = ("ab", "rubric"),
                     system_prompt: bool = False) -> list[dict[str, Any]]:
    """DPO pairs from A/B choices and rubric gaps (see the module docstring for the rules)."""
    from psycollm import prompts

    pairs: list[dict[str, Any]] = []

    def prompt_of(context: list[dict[str, str]], lang: str) -> list[dict[str, str]]:
        messages = [{"role": m["role"], "content": m["content"]} for m in context]
        if system_prompt and messages[0]["role"] != "system":
            messages.insert(0, {"role": "system", "content": prompts.SYSTEM_PROMPTS.get(lang or "en",
                                                                                         prompts.SYSTEM_PROMPTS["en"])})
        return messages

    def pair(context: list, lang: str, chosen: str, rejected: str, source: str, item: str, margin: float) -> dict:
        return {"prompt": prompt_of(context, lang), "chosen": [{"role": "assistant", "content": chosen}],
                "rejected": [{"role": "assistant", "content": rejected}], "source": source, "item_id": item,
                "margin": round(float(margin), 4)}

    if "ab" in sources:
        votes: dict[tuple[int, int], dict[str, Any]] = {}
        for row in store.comparison_rows():
            lo, hi = sorted((row["left_id"], row["right_id"]))
            texts = {row["left_id"]: row["left"], row["right_id"]: row["right"]}
            v = votes.setdefault((lo, hi), {"n": 0, lo: 0, hi: 0, "texts": texts, "row": row})
            v["n"] += 1
            if row["choice"] == "left":
                v[row["left_id"]] += 1
            elif row["choice"] == "right":
                v[row["right_id"]] += 1
        for (lo, hi), v in votes.items():
            net = v[lo] - v[hi]
            if net == 0:
                continue
            win, lose = (lo, hi) if net > 0 else (hi, lo)
            row = v["row"]
            pairs.append(pair(row["context"], row["lang"], v["texts"][win], v["texts"][lose], "ab",
                              f"{row['origin']}:{row['external_id']}", abs(net) / v["n"]))

    if "rubric" in sources:
        by_response: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for row in store.rating_rows():
            by_response[row["response_id"]].append(row)
        by_item: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for response_id, rows in by_response.items():
            score = sum(r["mean"] for r in rows) / len(rows)
            harmful = sum(1 for r in rows if r["harmful"]) * 2 >= len(rows)
            by_item[rows[0]["item_id"]].append({"id": response_id, "score": score, "harmful": harmful,
                                                "text": rows[0]["response"], "row": rows[0]})
        for responses in by_item.values():
            responses.sort(key=lambda r: (-r["score"], r["id"]))
            for i, better in enumerate(responses):
                if better["harmful"]:
                    continue
                for worse in responses[i + 1:]:
                    gap = better["score"] - worse["score"]
                    if gap >= min_margin or (worse["harmful"] and gap >= 0):
                        row = better["row"]
                        pairs.append(pair(row["context"], row["lang"], better["text"], worse["text"], "rubric",
                                          f"{row['origin']}:{row['external_id']}", gap))
    return pairs


# ---------------------------------------------------------------------------------------------------
# Writing


def export(store: Store, kind: str, fmt: str = "jsonl", *, min_margin: float = 1.0,
           include_superseded: bool = False, system_prompt: bool = False) -> tuple[str, int]:
    """The export as text and its record count."""
    if kind not in KINDS:
        raise InputRejected(f"Unknown export '{kind}'. Choose one of: {', '.join(KINDS)}.")
    if fmt not in ("jsonl", "csv"):
        raise InputRejected(f"Unknown format '{fmt}'. Choose jsonl or csv.")
    if kind == "preferences":
        if fmt != "jsonl":
            raise InputRejected("Preference pairs are nested messages: export them as jsonl.")
        records = preference_pairs(store, min_margin=min_margin, system_prompt=system_prompt)
    elif kind == "ratings":
        records = rating_records(store)
    elif kind == "comparisons":
        records = comparison_records(store)
    else:
        records = conversation_records(store, include_superseded=include_superseded)
        if fmt == "csv":  # one row per turn
            records = [{"session_id": c["session_id"], "owner": c.get("owner", ""), "title": c["title"], **t}
                       for c in records for t in c["turns"]]
    return (to_jsonl(records) if fmt == "jsonl" else to_csv(records)), len(records)


def to_jsonl(records: Iterable[dict[str, Any]]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False, default=str) + "\n" for r in records)


def to_csv(records: list[dict[str, Any]]) -> str:
    """CSV with a header; lists and dicts are JSON-encoded into their cell."""
    buffer = io.StringIO()
    columns: list[str] = []
    for r in records:
        columns.extend(k for k in r if k not in columns)
    if not columns and not records:
        columns = ["rating_id", "item_id", "response_id", "rater", *DIMENSIONS, "harmful", "comment"]
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    for r in records:
        writer.writerow({k: json.dumps(v, ensure_ascii=False, default=str) if isinstance(v, (list, dict)) else v
                         for k, v in r.items()})
    return buffer.getvalue()


def write_atomic(path: str | os.PathLike[str], text: str) -> Path:
    """Write text to ``path`` through a temporary file in the same folder and a rename."""
    target = Path(path).expanduser()
    atomic_write_text(target, text, newline="")
    return target
