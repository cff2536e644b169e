"""Keep PCEB (the benchmark) out of anything we retrieve from or train on: the CPsyExam overlap rule.

    fps = pceb_fingerprints("../shared/data/pceb")
    result = decontaminate(iter_cpsyexam("../shared/data/cpsyexam"), fps)
    result.kept, result.removed, result.counts()          # counts by reason: {"stem": 367, "case": 709}
    fps.contamination("该求助者目前的主要症状是（　　）。")   # "stem", "case" or None

    psycollm kb import-cpsyexam --out cpsyexam.jsonl      # decontaminated explanations for `kb build --add`

CPsyExam and PCEB both come from the Chinese psychological counselor exams, so some CPsyExam items
are PCEB items. An item is removed when either holds:

1. ``stem``: its normalized question stem equals the normalized stem of any PCEB question (theory,
   professional ethics, or a case question). Normalization (`normalize_stem`): Unicode NFKC, lower
   case, drop a leading "单选："/"多选：" tag and question number, a trailing "多选"/"单选" tag, and every
   character that is not a letter, digit or CJK character (whitespace, punctuation, the blank "（　　）").
2. ``case``: it is built on a PCEB case (CPsyExam's case-analysis items carry the whole case text,
   often lightly edited: "1年" vs "一年"). At least ``CASE_CONTAINMENT`` of the character
   ``SHINGLE``-grams of a PCEB case introduction occur in the item.

Exact-match only (rule 1) misses the second kind entirely. Both rules are deliberately
conservative: a short generic stem ("思维的特征包括") removes every item with that stem, because
a false removal costs one training example and a missed one inflates a benchmark score.
The data pipeline (``training/data``) imports this module so both use the same rule.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SHINGLE = 8
CASE_CONTAINMENT = 0.5
_MIN_CASE_TEXT = 60  # normalized characters; shorter texts cannot carry a case

_LEAD_TAG = re.compile(r"^\s*(?:[（(]?\s*(?:单选|多选|单选题|多选题)\s*[)）]?\s*[:：]?\s*)?(?:\d+\s*[.．、)）]\s*)?")
_TRAIL_TAG = re.compile(r"(?:单选|多选)\s*[。.]?\s*$")
_NOT_WORD = re.compile(r"[^0-9a-z\u3400-\u4dbf\u4e00-\u9fff]+")


def normalize_stem(text: str) -> str:
    """The comparison form of a question stem (see the module docstring)."""
    text = unicodedata.normalize("NFKC", text or "").lower().strip()
    text = _LEAD_TAG.sub("", text, count=1)
    text = _TRAIL_TAG.sub("", text)
    return _NOT_WORD.sub("", text)


def _shingles(norm: str, n: int = SHINGLE) -> set[str]:
    return {norm[i:i + n] for i in range(max(0, len(norm) - n + 1))}


@dataclass
class PcebFingerprints:
    """Normalized PCEB stems and an inverted index of case-text shingles."""

    stems: set[str] = field(default_factory=set)
    case_shingle_counts: list[int] = field(default_factory=list)
    shingle_to_cases: dict[str, list[int]] = field(default_factory=dict)

    def add_stem(self, text: str) -> None:
        norm = normalize_stem(text)
        if norm:
            self.stems.add(norm)

    def add_case(self, text: str) -> None:
        shingles = _shingles(normalize_stem(text))
        if not shingles:
            return
        case_id = len(self.case_shingle_counts)
        self.case_shingle_counts.append(len(shingles))
        for s in shingles:
            self.shingle_to_cases.setdefault(s, []).append(case_id)

    def contamination(self, text: str) -> str | None:
        """'stem' or 'case' when ``text`` (a question, with its case if any) overlaps PCEB, else None."""
        norm = normalize_stem(text)
        if not norm:
            return None
        if norm in self.stems:
            return "stem"
        if len(norm) >= _MIN_CASE_TEXT and self.case_shingle_counts:
            hits: Counter[int] = Counter()
            for s in _shingles(norm):
                for case_id in self.shingle_to_cases.get(s, ()):
                    hits[case_id] += 1
            if any(n >= CASE_CONTAINMENT * self.case_shingle_counts[c] for c, n in hits.items()):
                return "case"
        return None


def pceb_fingerprints(pceb_dir: str | os.PathLike[str]) -> PcebFingerprints:
    """Fingerprints of every PCEB question (``<pceb_dir>/benchmark/**/*.json`` or ``<pceb_dir>/**/*.json``)."""
    root = Path(pceb_dir)
    if (root / "benchmark").is_dir():
        root = root / "benchmark"
    files = sorted(root.rglob("*.json"))
    if not files:
        raise FileNotFoundError(f"no PCEB JSON files under {pceb_dir}")
    fps = PcebFingerprints()
    for file in files:
        data = json.loads(file.read_text(encoding="utf-8"))
        for item in data if isinstance(data, list) else [data]:
            if not isinstance(item, dict):
                continue
            if "questions_and_answers" in item:  # a case with its questions
                fps.add_case(item.get("case_introduction", ""))
                for qa in item.get("questions_and_answers") or []:
                    fps.add_stem(qa.get("question", ""))
            elif "question" in item:
                fps.add_stem(item["question"])
    return fps


# ---------------------------------------------------------------------------------------------------
# CPsyExam


def iter_cpsyexam(cpsyexam_dir: str | os.PathLike[str], include_qa: bool = True) -> Iterator[dict[str, Any]]:
    """CPsyExam items (MCQs, then QA if ``include_qa``) with ``split`` and ``file`` added.

    Reads ``cpsyexam.zip``/``cpsyexam_qa.zip`` in place (as shipped) or already extracted JSON files.
    """
    root = Path(cpsyexam_dir)
    archives = [root / "cpsyexam.zip"] + ([root / "cpsyexam_qa.zip"] if include_qa else [])
    if any(a.exists() for a in archives):
        for archive in archives:
            if not archive.exists():
                continue
            with zipfile.ZipFile(archive) as zf:
                for name in sorted(n for n in zf.namelist() if n.endswith(".json")):
                    yield from _items(json.loads(zf.read(name).decode("utf-8") or "[]"), name)
        return
    files = sorted(root.rglob("*.json"))
    if not files:
        raise FileNotFoundError(f"no CPsyExam data under {cpsyexam_dir} (expected cpsyexam.zip or JSON files)")
    for file in files:
        name = str(file.relative_to(root))
        if include_qa or "cpsyexam_qa" not in name:
            yield from _items(json.loads(file.read_text(encoding="utf-8") or "[]"), name)


def _items(data: Any, name: str) -> Iterator[dict[str, Any]]:
    parts = Path(name).parts
    split = next((p for p in parts if p in ("train", "dev", "test")), "")
    for item in data if isinstance(data, list) else []:
        if isinstance(item, dict) and item.get("question"):
            yield {**item, "split": split, "file": name}


@dataclass
class DecontaminationResult:
    kept: list[dict[str, Any]]
    removed: list[tuple[dict[str, Any], str]]  # (item, reason)

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {"kept": len(self.kept), "removed": len(self.removed)}
        for _, reason in self.removed:
            out[reason] = out.get(reason, 0) + 1
        return out


def decontaminate(items: Iterable[dict[str, Any]], fps: PcebFingerprints,
                  text: Callable[[dict[str, Any]], str] = lambda it: str(it.get("question", ""))) -> DecontaminationResult:
    """Split ``items`` into kept and removed (with the reason), by ``fps.contamination(text(item))``."""
    kept, removed = [], []
    for item in items:
        reason = fps.contamination(text(item))
        if reason:
            removed.append((item, reason))
        else:
            kept.append(item)
    return DecontaminationResult(kept, removed)


def cpsyexam_explanation_records(cpsyexam_dir: str | os.PathLike[str], pceb_dir: str | os.PathLike[str]
                                 ) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """Knowledge-base records (JSONL rows for ``kb build --add``) from decontaminated CPsyExam MCQs
    that have an explanation: question, options, answer and explanation as one text."""
    fps = pceb_fingerprints(pceb_dir)
    items = list(iter_cpsyexam(cpsyexam_dir, include_qa=False))
    result = decontaminate(items, fps)
    records = []
    seen: set[str] = set()
    for item in result.kept:
        explanation = str(item.get("explanation") or "").strip()
        if not explanation:
            continue
        key = normalize_stem(item["question"]) + "|" + normalize_stem(explanation)
        item_id = str(item.get("id") or "")
        if key in seen or (item_id and item_id in seen):  # the same item appears in several files/splits
            continue
        seen.update((key, item_id) if item_id else (key,))
        options = "；".join(f"{k}. {v}" for k, v in (item.get("options") or {}).items() if str(v).strip())
        answer = str(item.get("answer") or "").strip()
        text = f"题目：{item['question'].strip()}\n选项：{options}\n" + (f"答案：{answer}\n" if answer else "") \
            + f"解析：{explanation}"
        subject = str(item.get("subject_name") or "").strip()
        records.append({"id": f"cpsyexam-{item.get('id') or len(records)}", "title": f"CPsyExam·{subject}",
                        "text": text, "lang": "zh", "topic": "cpsyexam",
                        "source": f"CPsyExam (CC0-1.0), {item['file']}"})
    counts = result.counts()
    counts["items"] = len(items)
    counts["records"] = len(records)
    counts["removed_with_explanation"] = sum(1 for it, _ in result.removed if str(it.get("explanation") or "").strip())
    return records, counts
