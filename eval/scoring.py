"""Scores: MCQ strict/elastic accuracy and the PCEB averages; ROUGE/BLEU/BERTScore for Chinese;
rubric points parsed from marking-scheme answers.

    strict_score("BD", "BD")                  # 1.0
    elastic_score("B", "BD")                  # 0.5: a subset of the key earns |pred|/|gold|
    elastic_score("BC", "BD")                 # 0.0: any wrong option earns nothing
    table = aggregate_mcq(records)            # per group, per level, averages (see docstring)
    text_metrics(preds, refs, "char")         # {"rouge1": .., "rougeL": .., "bleu4": ..} in percent
    parse_rubric("收入情况（2 分）、居住情况（2 分）")   # two points, weight 2 each

Elastic accuracy (the paper reports it in brackets and does not define it; our rule): a multiple-
choice answer earns |pred| / |gold| when every chosen option is in the key, 0 when any chosen option
is wrong or nothing was chosen; the exact key earns 1. The "elastic average" is the mean of the three
single-choice strict scores and the three multiple-choice elastic scores, which reproduces how the
published bracketed averages relate to their columns (PsycoLLM: 64.71).

Chinese tokenization: rouge-score's default tokenizer keeps only [a-z0-9] and scores Chinese 0, and
`evaluate.load` needs the hub; we tokenize (jieba words, or characters), compute ROUGE on those
tokens (rouge-score's definitions, cross-checked against it in the tests) and give sacrebleu the
same tokens (``tokenize="none"``), so ROUGE and BLEU count the same units.
"""

from __future__ import annotations

import math
import re
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from eval.pceb import GROUPS, LEVELS

# ---------------------------------------------------------------------------------------------------
# MCQ


def _letters(x: str | Iterable[str]) -> frozenset[str]:
    return frozenset(c for c in "".join(x).upper() if "A" <= c <= "Z")


def strict_score(pred: str | Iterable[str], gold: str | Iterable[str]) -> float:
    """1 when the chosen set equals the key, else 0 (an empty answer is wrong)."""
    p, g = _letters(pred), _letters(gold)
    return 1.0 if p and p == g else 0.0


def elastic_score(pred: str | Iterable[str], gold: str | Iterable[str]) -> float:
    """|pred|/|gold| when pred is a non-empty subset of gold, else 0 (see the module docstring)."""
    p, g = _letters(pred), _letters(gold)
    if not p or not g or not p <= g:
        return 0.0
    return len(p) / len(g)


@dataclass(frozen=True)
class MCQRecord:
    """What aggregation needs from one scored item."""

    group: str
    level: str
    gold: str
    pred: str

    @property
    def kind(self) -> str:
        return self.group.rsplit("_", 1)[1]

    @property
    def strict(self) -> float:
        return strict_score(self.pred, self.gold)

    @property
    def elastic(self) -> float:
        # Single choice has no partial credit: elastic == strict.
        return elastic_score(self.pred, self.gold) if self.kind == "multiple" else self.strict


def _pct(values: Sequence[float]) -> float | None:
    return round(100.0 * sum(values) / len(values), 2) if values else None


def aggregate_mcq(records: Sequence[MCQRecord]) -> dict[str, Any]:
    """Strict/elastic accuracy per group and per exam level, the six-group averages, missing counts.

    ``average`` is the mean of the six strict scores, ``elastic_average`` the bracketed one (module
    docstring); both are over the groups present, and ``complete`` says whether all six were.
    """
    by_group: dict[str, list[MCQRecord]] = {}
    for r in records:
        by_group.setdefault(r.group, []).append(r)
    groups: dict[str, Any] = {}
    for g in GROUPS:
        rs = by_group.get(g, [])
        if not rs:
            continue
        levels = {}
        for lv in sorted({r.level for r in rs}, key=lambda x: LEVELS.index(x) if x in LEVELS else 99):
            sub = [r for r in rs if r.level == lv]
            levels[lv] = {"n": len(sub), "strict": _pct([r.strict for r in sub]),
                          "elastic": _pct([r.elastic for r in sub]) if g.endswith("multiple") else None}
        groups[g] = {
            "n": len(rs),
            "correct": int(sum(r.strict for r in rs)),
            "strict": _pct([r.strict for r in rs]),
            "elastic": _pct([r.elastic for r in rs]) if g.endswith("multiple") else None,
            "missing": sum(1 for r in rs if not _letters(r.pred)),
            "levels": levels,
        }
    strict = [v["strict"] for v in groups.values()]
    elastic = [v["elastic"] if v["elastic"] is not None else v["strict"] for v in groups.values()]
    level_totals = {}
    for lv in LEVELS:
        sub = [r for r in records if r.level == lv]
        if sub:
            level_totals[lv] = {"n": len(sub), "strict": _pct([r.strict for r in sub])}
    return {
        "groups": groups,
        "levels": level_totals,
        "average": round(statistics.fmean(strict), 2) if strict else None,
        "elastic_average": round(statistics.fmean(elastic), 2) if elastic else None,
        "complete": all(g in groups for g in GROUPS),
        "n": len(records),
        "missing": sum(1 for r in records if not _letters(r.pred)),
    }


# ---------------------------------------------------------------------------------------------------
# Chinese tokenization, ROUGE, BLEU

_TOKEN_CHARS = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]|[A-Za-z]+|\d+(?:\.\d+)?")
_WORDLIKE = re.compile(r"[\w\u3400-\u9fff]")


class CharTokenizer:
    """CJK characters one by one; ASCII words and numbers whole; punctuation and spaces dropped."""

    name = "char"

    def tokenize(self, text: str) -> list[str]:
        return [t.lower() for t in _TOKEN_CHARS.findall(text or "")]


class JiebaTokenizer:
    """jieba words (precise mode), punctuation and spaces dropped, ASCII lower-cased."""

    name = "word"

    def __init__(self) -> None:
        import logging

        import jieba

        jieba.setLogLevel(logging.WARNING)
        self._jieba = jieba

    def tokenize(self, text: str) -> list[str]:
        return [t.strip().lower() for t in self._jieba.lcut(text or "") if t.strip() and _WORDLIKE.search(t)]


_TOKENIZERS: dict[str, Any] = {}


def tokenizer(kind: str) -> Any:
    """``"char"`` or ``"word"`` (jieba); one shared instance each."""
    if kind not in ("char", "word"):
        raise ValueError(f"unknown tokenization {kind!r}: use 'char' or 'word'")
    if kind not in _TOKENIZERS:
        _TOKENIZERS[kind] = CharTokenizer() if kind == "char" else JiebaTokenizer()
    return _TOKENIZERS[kind]


def _f1(overlap: int, n_pred: int, n_ref: int) -> float:
    if not overlap or not n_pred or not n_ref:
        return 0.0
    p, r = overlap / n_pred, overlap / n_ref
    return 2 * p * r / (p + r)


def _lcs_len(a: Sequence[str], b: Sequence[str]) -> int:
    """Longest common subsequence length, O(len(a) * len(b)) time, O(len(b)) memory."""
    if not a or not b:
        return 0
    prev = [0] * (len(b) + 1)
    for x in a:
        cur = [0]
        for j, y in enumerate(b, 1):
            cur.append(prev[j - 1] + 1 if x == y else max(prev[j], cur[j - 1]))
        prev = cur
    return prev[-1]


def rouge_pair(pred_tokens: Sequence[str], ref_tokens: Sequence[str]) -> dict[str, float]:
    """ROUGE-1 F1 (clipped unigram overlap) and ROUGE-L F1 (LCS), 0-100, as rouge-score defines them.

    Written by hand because rouge-score imports nltk (and with it scipy) at import time for an English
    stemmer we never use, 2-12 s per process here; `tests/eval/test_text_metrics.py` cross-checks these
    numbers against rouge-score with our tokenizer.
    """
    from collections import Counter

    overlap = sum((Counter(pred_tokens) & Counter(ref_tokens)).values())
    return {"rouge1": 100.0 * _f1(overlap, len(pred_tokens), len(ref_tokens)),
            "rougeL": 100.0 * _f1(_lcs_len(pred_tokens, ref_tokens), len(pred_tokens), len(ref_tokens))}


def rouge_per_item(preds: Sequence[str], refs: Sequence[str], kind: str) -> list[dict[str, float]]:
    """ROUGE-1 and ROUGE-L F1 (0-100) per pair, on ``kind`` tokens."""
    tok = tokenizer(kind)
    return [rouge_pair(tok.tokenize(p), tok.tokenize(r)) for p, r in zip(preds, refs, strict=True)]


def bleu4(preds: Sequence[str], refs: Sequence[str], kind: str) -> float:
    """Corpus BLEU-4 (sacrebleu, exp smoothing) on ``kind`` tokens, 0-100."""
    import sacrebleu

    tok = tokenizer(kind)
    hyps = [" ".join(tok.tokenize(p)) for p in preds]
    ref = [" ".join(tok.tokenize(r)) for r in refs]
    return float(sacrebleu.corpus_bleu(hyps, [ref], tokenize="none").score)


def sentence_bleu4(pred: str, ref: str, kind: str) -> float:
    import sacrebleu

    tok = tokenizer(kind)
    return float(sacrebleu.sentence_bleu(" ".join(tok.tokenize(pred)), [" ".join(tok.tokenize(ref))],
                                         tokenize="none").score)


def text_metrics(preds: Sequence[str], refs: Sequence[str], kind: str) -> dict[str, float]:
    """Mean ROUGE-1/ROUGE-L F1 and corpus BLEU-4, all in percent."""
    if not preds:
        return {"rouge1": math.nan, "rougeL": math.nan, "bleu4": math.nan}
    per = rouge_per_item(preds, refs, kind)
    return {"rouge1": round(statistics.fmean(p["rouge1"] for p in per), 2),
            "rougeL": round(statistics.fmean(p["rougeL"] for p in per), 2),
            "bleu4": round(bleu4(preds, refs, kind), 2)}


def bertscore(preds: Sequence[str], refs: Sequence[str], model: str, num_layers: int | None = None,
              batch_size: int = 8) -> dict[str, float]:
    """BERTScore P/R/F1 (percent) with a local model folder (bert-score package, offline).

    For Chinese use a Chinese or multilingual encoder (bert-base-chinese, xlm-roberta); ``num_layers``
    defaults to bert-score's choice for known names and to the last layer for other folders.
    """
    try:
        from bert_score import score
    except ImportError:
        from psycollm.errors import ConfigError

        raise ConfigError("BERTScore needs the bert-score package: pip install 'psycollm[eval]'.") from None
    if num_layers is None:
        from transformers import AutoConfig

        num_layers = int(getattr(AutoConfig.from_pretrained(model), "num_hidden_layers", 12))
    p, r, f = score(list(preds), list(refs), model_type=model, num_layers=num_layers, batch_size=batch_size,
                    lang="zh", verbose=False)
    return {"precision": round(100 * float(p.mean()), 2), "recall": round(100 * float(r.mean()), 2),
            "f1": round(100 * float(f.mean()), 2)}


# ---------------------------------------------------------------------------------------------------
# Rubric points


@dataclass(frozen=True)
class RubricPoint:
    text: str
    weight: float
    marked: bool  # weight given by a "（N 分）" mark in the reference (else 1)


_MARK = re.compile(r"[（(](\d+(?:\.\d+)?)分[）)]")
# Enumerators that may start a point anywhere: （1） (1) 1） ① ... ⑳
_ENUM_INLINE = r"(?:[（(]\d{1,2}[）)]|(?<![\d.．])\d{1,2}[）)]|[\u2460-\u2473])"
# At a line start also "1．", "1.", "1、", "a．", "B．".
_ENUM_LINE = r"(?:\d{1,2}[．.、](?!\d)|[A-Za-z][．.、)）])"
_LEAD_JUNK = re.compile(r"^(?:[\s，,、；;：:。．.）)]|和|及|以及|与|或)+")
_COLONISH = ("：", ":", "．", ".")
# Labels that introduce content rather than being content ("（2）诊断依据．", "糟糕至极\n表现．①…").
_LABEL_TAIL = re.compile(r"(?:回答\d*|答|诊断依据|依据|理由是?|表现(?:形式)?|具体表现在?|诊断过程|常用方法|具体体现为?|"
                         r"如下|包括|主要有|分别是)[．.：:]?$")


def _cjk_len(text: str) -> int:
    return len(_TOKEN_CHARS.findall(text))


def _clean_reference(text: str) -> str:
    text = re.sub(r"[ \t\u3000\u2003\u00a0]+", "", text or "")
    # PDF line wraps: a newline not followed by an enumerator joins the lines.
    text = re.sub(rf"\n+(?!{_ENUM_INLINE}|{_ENUM_LINE})", "", text)
    return text.strip()


def _segments(text: str) -> list[str]:
    """Split at enumerators: inline ones anywhere, line-start ones after a newline or a full stop."""
    pattern = re.compile(rf"{_ENUM_INLINE}|(?:^|(?<=[\n。；;：:])){_ENUM_LINE}")
    pieces, last = [], 0
    for m in pattern.finditer(text):
        if m.start() > last:
            pieces.append(text[last:m.start()])
        last = m.end()
    pieces.append(text[last:])
    return [p.strip().strip("\n") for p in pieces]


def _strip(text: str) -> str:
    return _LEAD_JUNK.sub("", text).strip()


def parse_rubric(reference: str) -> list[RubricPoint]:
    """Scoring points of a marking-scheme answer.

    Marked answers ("焦虑性神经症（10 分）、严重心理问题（5 分）"): each mark closes a point whose text
    runs back to the previous mark, enumerator or line start. Unmarked answers: one point per
    enumerated item ("（1）…", "①…"), bare headers ("诊断依据．") dropped; with no enumerator, one
    point per sentence, or per comma-separated term for a short list ("尊重，热情，真诚，共情").
    """
    text = _clean_reference(reference)
    if not text:
        return []
    if _MARK.search(text):
        points: list[RubricPoint] = []
        for line in text.split("\n"):
            last = 0
            for m in _MARK.finditer(line):
                chunk = line[last:m.start()]
                segs = _segments(chunk)
                body = _strip(segs[-1]) if segs else ""
                weight = float(m.group(1))
                if _cjk_len(body) == 0 and points:
                    # "(1分)(1分)" or a mark right after an enumerator: the weight belongs to the last point.
                    prev = points[-1]
                    points[-1] = RubricPoint(prev.text, prev.weight + weight, True)
                elif _cjk_len(body):
                    points.append(RubricPoint(body.rstrip("，,、；;"), weight, True))
                last = m.end()
        return points
    segs = [s for s in _segments(text) if _cjk_len(s)]
    out: list[str] = []
    for i, seg in enumerate(segs):
        seg = _LABEL_TAIL.sub("", _strip(seg)).strip()
        if not _cjk_len(seg):
            continue  # a bare label ("诊断依据．") whose content is in the items below
        if i == 0 and len(segs) > 1 and seg.endswith(_COLONISH):
            # Preamble leading into the list: keep its sentences but the last ("应注意：").
            sentences = [s for s in re.split(r"(?<=[。；;])", seg) if _cjk_len(s)]
            seg = "".join(sentences[:-1])
            if not _cjk_len(seg):
                continue
        out.append(seg)
    if len(out) == 1:
        sentences = [_strip(s) for s in re.split(r"[。；;\n]", out[0]) if _cjk_len(s)]
        if len(sentences) == 1:
            terms = [_strip(t) for t in re.split(r"[，,、]", sentences[0]) if _cjk_len(t)]
            if len(terms) > 1 and all(_cjk_len(t) <= 8 for t in terms):
                sentences = terms
        out = sentences
    return [RubricPoint(s.rstrip("，,、；;"), 1.0, False) for s in out if _cjk_len(s)]


def _ngrams(tokens: Sequence[str], n: int) -> set[tuple[str, ...]]:
    return {tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1)}


def point_recall(point: str, response: str) -> float:
    """Share of the point's character bigrams (unigrams for a one-character point) found in the response."""
    tok = tokenizer("char")
    p, r = tok.tokenize(point), tok.tokenize(response)
    if not p:
        return 0.0
    n = 2 if len(p) >= 2 else 1
    want = _ngrams(p, n)
    return len(want & _ngrams(r, n)) / len(want)


def rubric_coverage(points: Sequence[RubricPoint], response: str, threshold: float = 0.5) -> dict[str, Any]:
    """Weighted share of rubric points the response covers, lexically.

    ``coverage``: points whose bigram recall reaches ``threshold`` count fully; ``soft``: each point
    counts by its recall. Both 0-100.
    """
    if not points:
        return {"coverage": None, "soft": None, "covered": [], "n_points": 0}
    total = sum(p.weight for p in points)
    recalls = [point_recall(p.text, response) for p in points]
    covered = [i for i, r in enumerate(recalls) if r >= threshold]
    return {
        "coverage": round(100 * sum(points[i].weight for i in covered) / total, 2),
        "soft": round(100 * sum(p.weight * r for p, r in zip(points, recalls, strict=True)) / total, 2),
        "covered": covered,
        "n_points": len(points),
    }
