"""Readers of the pipeline's inputs, each returning plain dicts with a stable ``id``.

- counsel-chat (English QA, MIT): `load_counsel_chat`
- EmoLLM dialogues (Chinese, MIT), first turns: `load_emollm_first_turns`
- user-supplied QA files (.jsonl / .csv): `load_user_qa`
- CPsyCounD case texts (Chinese, CC BY 4.0), the multi-turn seeds: `load_case_seeds`
- CPsyExam MCQs with explanations and its open QA set (CC0), read straight from the zips:
  `load_cpsyexam_mcq`, `load_cpsyexam_qa`

Upstream files are read as they are (never copied); a missing file raises `DatasetInvalid` that says
where the pipeline looked and how to point it elsewhere.
"""

from __future__ import annotations

import csv
import json
import re
import zipfile
from collections import defaultdict
from pathlib import Path
from typing import Any

from psycollm.errors import DatasetInvalid
from training.data.validate import language_of


def require_path(path: Path, what: str) -> Path:
    if not path.exists():
        raise DatasetInvalid(
            f"{what} not found at {path}. Point the recipe's shared_data (or PSYCOLLM_SHARED_DATA) at the "
            "reference data folder, or set the source to '' in the recipe to skip it.")
    return path


# ---------------------------------------------------------------------------------------------------
# Single-turn QA


def load_counsel_chat(path: Path, answers_per_question: int = 1) -> list[dict[str, Any]]:
    """Each question with its ``answers_per_question`` most upvoted therapist answers (ties: longer first)."""
    require_path(path, "counsel-chat CSV")
    by_question: dict[str, list[dict[str, str]]] = defaultdict(list)
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            by_question[row["questionID"]].append(row)
    items = []
    for qid, rows in sorted(by_question.items(), key=lambda kv: int(kv[0]) if kv[0].isdigit() else kv[0]):
        rows.sort(key=lambda r: (-_int(r.get("upvotes")), -len(r.get("answerText") or "")))
        for rank, row in enumerate(rows[:answers_per_question]):
            title = (row.get("questionTitle") or "").strip()
            body = (row.get("questionText") or "").strip()
            question = body if not title or body.startswith(title) else f"{title}\n\n{body}".strip()
            items.append({
                "id": f"counsel_chat-{qid}-{rank}", "source": "counsel_chat", "license": "MIT", "lang": "en",
                "question": question, "answer": row.get("answerText") or "",
                "meta": {"topic": row.get("topic", ""), "upvotes": _int(row.get("upvotes")),
                         "url": row.get("questionLink", "")},
            })
    return items


def _int(value: Any) -> int:
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return 0


def load_emollm_first_turns(path: Path) -> list[dict[str, Any]]:
    """The first seeker message and counselor reply of every EmoLLM dialogue."""
    require_path(path, "EmoLLM data.json")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise DatasetInvalid(f"{path} is not valid JSON: {exc}") from None
    items = []
    for i, entry in enumerate(data):
        conv = entry.get("conversation") if isinstance(entry, dict) else None
        if not conv or not isinstance(conv[0], dict):
            continue
        items.append({"id": f"emollm-{i}", "source": "emollm", "license": "MIT", "lang": "zh",
                      "question": str(conv[0].get("input", "")), "answer": str(conv[0].get("output", "")),
                      "meta": {"turns_in_source": len(conv)}})
    return items


def load_user_qa(spec: dict[str, Any], base: Path) -> list[dict[str, Any]]:
    """A user file of QA pairs: ``{path, name?, license?, question_field?, answer_field?, lang?}``.

    .jsonl: one object per line; .csv: a header row. Field names default to question/answer (also
    accepted: instruction/output, input/output, prompt/response). ``lang`` defaults to detection.
    """
    if "path" not in spec:
        raise DatasetInvalid(f"single_turn.extra_files entry {spec!r} has no 'path'.")
    path = Path(spec["path"]).expanduser()
    path = path if path.is_absolute() or path.exists() else base / path
    require_path(path, "user QA file")
    name = str(spec.get("name") or path.stem)
    rows: list[dict[str, Any]] = []
    if path.suffix == ".jsonl":
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise DatasetInvalid(f"{path}, line {n}: not valid JSON ({exc.msg}).") from None
            if not isinstance(obj, dict):
                raise DatasetInvalid(f"{path}, line {n}: expected a JSON object.")
            rows.append(obj)
    elif path.suffix == ".csv":
        with open(path, encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
    else:
        raise DatasetInvalid(f"{path}: user QA files must be .jsonl or .csv.")
    qf, af = spec.get("question_field"), spec.get("answer_field")
    pairs = [(qf, af)] if qf and af else [("question", "answer"), ("instruction", "output"),
                                           ("input", "output"), ("prompt", "response")]
    items = []
    for n, row in enumerate(rows):
        q_key, a_key = next(((q, a) for q, a in pairs if q in row and a in row), (None, None))
        if q_key is None:
            raise DatasetInvalid(f"{path}, row {n + 1}: no question/answer fields "
                                 f"(set question_field and answer_field; found {sorted(row)}).")
        question, answer = str(row[q_key] or ""), str(row[a_key] or "")
        lang = spec.get("lang") or language_of(question + answer) or "en"
        items.append({"id": f"{name}-{n}", "source": name, "license": str(spec.get("license", "unknown")),
                      "lang": lang, "question": question, "answer": answer, "meta": {}})
    return items


# ---------------------------------------------------------------------------------------------------
# Multi-turn seeds


def load_case_seeds(folder: Path) -> list[dict[str, Any]]:
    """Every ``*.txt`` case text in ``folder`` (sorted by the number in the name), with its language."""
    require_path(folder, "Case seed folder")
    paths = sorted(folder.glob("*.txt"), key=lambda p: (int(m.group()) if (m := re.search(r"\d+", p.stem)) else -1,
                                                        p.name))
    seeds = []
    for path in paths:
        text = path.read_text(encoding="utf-8", errors="replace").strip()
        if not text:
            continue
        seeds.append({"id": path.stem, "file": path.name, "text": text,
                      "lang": language_of(text) or "zh"})
    return seeds


# ---------------------------------------------------------------------------------------------------
# CPsyExam


def _zip_json(zpath: Path, splits: list[str], predicate: Any) -> list[tuple[str, str, Any]]:
    """(split, member name, parsed JSON) for members under one of ``splits``."""
    require_path(zpath, "CPsyExam archive")
    out = []
    with zipfile.ZipFile(zpath) as zf:
        for name in sorted(zf.namelist()):
            if not name.endswith(".json"):
                continue
            parts = name.split("/")
            split = next((p for p in parts[:-1] if p in splits), None)
            if split is None or not predicate(name):
                continue
            out.append((split, name, json.loads(zf.read(name).decode("utf-8"))))
    return out


def load_cpsyexam_mcq(zpath: Path, splits: list[str]) -> list[dict[str, Any]]:
    """MCQs with their options, answer and explanation; ``kind`` is knowledge or analyse (case analysis)."""
    items = []
    for split, name, data in _zip_json(zpath, splits, lambda n: True):
        for i, row in enumerate(data):
            options = {k: str(v).strip() for k, v in (row.get("options") or {}).items() if str(v or "").strip()}
            items.append({
                "id": f"cpsyexam-{row.get('id') or f'{split}-{Path(name).stem}-{i}'}",
                "source": "cpsyexam", "license": "CC0-1.0", "lang": "zh", "split": split,
                "file": Path(name).name, "subject": row.get("subject_name", ""),
                "question_type": row.get("question_type", ""), "kind": row.get("kind", ""),
                "question": str(row.get("question") or ""), "options": options,
                "answer": str(row.get("answer") or ""), "explanation": str(row.get("explanation") or ""),
            })
    return items


def load_cpsyexam_qa(zpath: Path, splits: list[str]) -> list[dict[str, Any]]:
    items = []
    for split, _name, data in _zip_json(zpath, splits, lambda n: "cpsyexam_qa" in n):
        for i, row in enumerate(data):
            items.append({
                "id": f"cpsyexam_qa-{split}-{i}", "source": "cpsyexam_qa", "license": "CC0-1.0", "lang": "zh",
                "split": split, "subject": row.get("subject_name", ""), "question_type": row.get("question_type", ""),
                "question": str(row.get("question") or ""), "answer": str(row.get("answer") or ""),
            })
    return items
