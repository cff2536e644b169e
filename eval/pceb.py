"""Load the PsycoLLM benchmark (PCEB): six MCQ groups and the 100 open case questions.

    from eval.pceb import load_pceb
    bench = load_pceb("../shared/data/pceb/benchmark")     # the upstream repo's `benchmark/` folder
    bench.groups["case_single"][0].question
    print(bench.defects.summary())

Layout of the upstream folder: ``{moral,theory}/{single,multiple}/{second,third,simulation}/*.json``
(flat items), ``cases/mix/<level>/*.json`` (case + mixed single/multiple questions, told apart by
the ``单选：``/``多选：`` prefix of the question) and ``cases/essay/<level>/*.json`` (open questions
with marking-scheme answers). Case questions carry ``general_info`` + ``case_introduction`` as context.

Known data defects are detected, counted and handled by one documented rule (docs/eval.md):

- ``padded_answer``      answer key ends in a Unicode space (U+2003, U+00A0, ...): normalized, scored.
- ``kangxi_radicals``    text uses Kangxi-radical look-alikes (⼈ for 人, ⼼ for 心) from PDF
                         extraction: mapped to the ordinary characters (NFKC on that block only), scored.
- ``missing_option``     option letters have a gap (A, C, D): shown as they are, scored against the key.
- ``empty_answer``       no answer key: excluded from scoring.
- ``kind_mismatch``      a single-choice question keyed with several letters, or a multiple-choice
                         question keyed with one: the label and the key contradict each other (for the
                         two cases in PCEB the analysis text contradicts the key), so excluded.
- ``answer_not_in_options`` a key letter has no option: excluded.

Excluded items are listed in every result so that a reader can re-score them differently.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from psycollm.errors import ConfigError

CATEGORIES = ("case", "moral", "theory")
KINDS = ("single", "multiple")
#: The six MCQ groups in the order of the published table.
GROUPS = tuple(f"{c}_{k}" for c in CATEGORIES for k in KINDS)
#: Exam levels, as the upstream folders name them.
LEVELS = ("second", "third", "simulation")
LEVEL_LABELS = {"second": "Level 2 (二级)", "third": "Level 3 (三级)", "simulation": "Simulation (模拟)"}
GROUP_LABELS = {
    "case_single": "Case SMCQ", "case_multiple": "Case MMCQ",
    "moral_single": "Moral SMCQ", "moral_multiple": "Moral MMCQ",
    "theory_single": "Theory SMCQ", "theory_multiple": "Theory MMCQ",
}

# Defects that keep an item out of scoring; the others are repaired and scored.
EXCLUDING_DEFECTS = frozenset({"empty_answer", "kind_mismatch", "answer_not_in_options"})

_KIND_PREFIX = re.compile(r"^\s*(单选|多选)\s*[:：]?\s*")
# Kangxi radicals (U+2F00-U+2FDF) and CJK radical supplement (U+2E80-U+2EFF) look like ordinary
# ideographs but are different code points; NFKC maps each to its ideograph. We apply NFKC to this
# block only: full NFKC would also rewrite full-width punctuation the exam text uses on purpose.
_KANGXI = re.compile("[\u2e80-\u2eff\u2f00-\u2fdf]")
_KANGXI_TABLE = {cp: unicodedata.normalize("NFKC", chr(cp)) for cp in range(0x2E80, 0x2FE0)
                 if unicodedata.normalize("NFKC", chr(cp)) != chr(cp)}


def fix_kangxi(text: str) -> str:
    """Map Kangxi-radical look-alikes to the ordinary CJK ideographs."""
    return text.translate(_KANGXI_TABLE)


def answer_letters(raw: str) -> frozenset[str]:
    """The set of option letters in an answer key: ``"ABCD\\u2003"`` -> {A, B, C, D}."""
    return frozenset(ch for ch in raw.upper() if "A" <= ch <= "Z")


# ---------------------------------------------------------------------------------------------------
# Items


@dataclass(frozen=True)
class MCQItem:
    """One multiple-choice question, normalized."""

    item_id: str  # stable: "<relative file>#<id>" (cases: "#<case id>.<question index>")
    category: str  # case | moral | theory
    kind: str  # single | multiple (as labelled by the upstream data)
    level: str  # second | third | simulation
    question: str  # the question without its 单选/多选 prefix
    options: dict[str, str]  # letter -> text, letters as upstream (may have gaps)
    answer: frozenset[str]  # key as a set of letters
    raw_answer: str
    context: str = ""  # case questions: general_info + case_introduction
    analysis: str = ""
    source: str = ""  # relative path of the upstream file
    defects: tuple[str, ...] = ()

    @property
    def group(self) -> str:
        return f"{self.category}_{self.kind}"

    @property
    def excluded(self) -> bool:
        return any(d in EXCLUDING_DEFECTS for d in self.defects)

    @property
    def answer_str(self) -> str:
        return "".join(sorted(self.answer))


@dataclass(frozen=True)
class CaseQAItem:
    """One open case question with its marking-scheme reference answer."""

    item_id: str
    level: str
    question: str
    reference: str
    context: str
    source: str = ""
    defects: tuple[str, ...] = ()

    @property
    def max_points(self) -> float | None:
        """Marks stated in the question, e.g. "（10 分）" -> 10."""
        m = re.search(r"[（(]\s*(\d+(?:\.\d+)?)\s*分\s*[）)]", re.sub(r"\s+", "", self.question))
        return float(m.group(1)) if m else None


@dataclass
class DefectReport:
    """What was wrong with the data and what was done about it."""

    counts: Counter = field(default_factory=Counter)
    items: dict[str, list[str]] = field(default_factory=dict)  # defect -> item ids

    def add(self, defect: str, item_id: str) -> None:
        self.counts[defect] += 1
        self.items.setdefault(defect, []).append(item_id)

    @property
    def excluded_ids(self) -> list[str]:
        out: list[str] = []
        for d in sorted(EXCLUDING_DEFECTS):
            out.extend(i for i in self.items.get(d, []) if i not in out)
        return out

    def summary(self) -> str:
        if not self.counts:
            return "no data defects found"
        parts = [f"{k}={v}" for k, v in sorted(self.counts.items())]
        return ", ".join(parts) + f" ({len(self.excluded_ids)} excluded from scoring)"

    def to_dict(self) -> dict[str, object]:
        return {"counts": dict(sorted(self.counts.items())), "excluded": self.excluded_ids,
                "items": {k: v for k, v in sorted(self.items.items())},
                "rule": "excluded: " + ", ".join(sorted(EXCLUDING_DEFECTS)) + "; repaired and scored: others"}


@dataclass
class PCEB:
    """The loaded benchmark."""

    root: Path
    mcq: list[MCQItem]
    caseqa: list[CaseQAItem]
    defects: DefectReport
    dataset_hash: str

    @property
    def groups(self) -> dict[str, list[MCQItem]]:
        out: dict[str, list[MCQItem]] = {g: [] for g in GROUPS}
        for item in self.mcq:
            out[item.group].append(item)
        return out

    def scorable(self, group: str | None = None) -> list[MCQItem]:
        return [i for i in self.mcq if not i.excluded and (group is None or i.group == group)]

    def counts(self) -> dict[str, int]:
        return {g: len(v) for g, v in self.groups.items()}


# ---------------------------------------------------------------------------------------------------
# Loading


def dataset_hash(root: Path) -> str:
    """sha256 over the sorted relative paths and bytes of every JSON file: names the exact data used."""
    h = hashlib.sha256()
    for path in sorted(root.rglob("*.json")):
        h.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
        h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def _level(rel: Path) -> str:
    for part in rel.parts:
        if part in LEVELS:
            return part
    return "unknown"


def _read(path: Path) -> list[dict]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"PCEB file {path} is not readable JSON ({exc}); re-copy the upstream benchmark/.") from None
    if not isinstance(data, list):
        raise ConfigError(f"PCEB file {path} should hold a JSON list.")
    return data


def _context(case: dict) -> str:
    info = fix_kangxi(str(case.get("general_info", "")).strip())
    intro = fix_kangxi(str(case.get("case_introduction", "")).strip())
    return "\n".join(p for p in (info, intro) if p)


def _make_mcq(item_id: str, category: str, kind: str, level: str, question: str, options: object,
              raw_answer: object, context: str, analysis: str, source: str, report: DefectReport) -> MCQItem:
    defects: list[str] = []
    raw = "" if raw_answer is None else str(raw_answer)
    if raw != raw.strip():
        defects.append("padded_answer")
    if any(_KANGXI.search(t) for t in [question, context, *(options.values() if isinstance(options, dict) else [])]):
        defects.append("kangxi_radicals")
    opts = {str(k).strip().upper(): fix_kangxi(str(v).strip()) for k, v in (options or {}).items()} \
        if isinstance(options, dict) else {}
    letters = sorted(opts)
    if letters and letters != [chr(ord("A") + i) for i in range(len(letters))]:
        defects.append("missing_option")
    answer = answer_letters(raw)
    if not answer:
        defects.append("empty_answer")
    elif (kind == "single") != (len(answer) == 1):
        defects.append("kind_mismatch")
    if answer and not answer <= set(opts):
        defects.append("answer_not_in_options")
    for d in defects:
        report.add(d, item_id)
    return MCQItem(item_id=item_id, category=category, kind=kind, level=level,
                   question=_KIND_PREFIX.sub("", fix_kangxi(question.strip())), options=opts, answer=answer,
                   raw_answer=raw, context=context, analysis=fix_kangxi(str(analysis or "")), source=source,
                   defects=tuple(defects))


def load_pceb(root: str | Path) -> PCEB:
    """Load every MCQ group and the case QA from the upstream ``benchmark/`` folder."""
    base = Path(root).expanduser()
    if not base.is_dir():
        raise ConfigError(f"PCEB folder not found: {base}. Point --pceb-dir at the upstream repo's benchmark/ "
                          "folder (github.com/MindIntLab-HFUT/PsycoLLM).")
    if not any((base / c).is_dir() for c in ("cases", "moral", "theory")):
        raise ConfigError(f"{base} does not look like PCEB's benchmark/ folder (no cases/, moral/, theory/).")
    report = DefectReport()
    mcq: list[MCQItem] = []
    caseqa: list[CaseQAItem] = []
    for path in sorted(base.rglob("*.json")):
        rel = path.relative_to(base)
        parts = rel.parts
        level = _level(rel)
        source = rel.as_posix()
        if parts[0] in ("moral", "theory") and len(parts) >= 2 and parts[1] in KINDS:
            for n, it in enumerate(_read(path)):
                iid = f"{source}#{it.get('id', n)}"
                mcq.append(_make_mcq(iid, parts[0], parts[1], level, str(it.get("question", "")), it.get("options"),
                                     it.get("answer"), "", str(it.get("analysis", "")), source, report))
        elif parts[0] == "cases" and len(parts) >= 2 and parts[1] == "mix":
            for n, case in enumerate(_read(path)):
                ctx = _context(case)
                cid = case.get("id", n)
                for q, qa in enumerate(case.get("questions_and_answers", [])):
                    text = str(qa.get("question", ""))
                    m = _KIND_PREFIX.match(text)
                    # Without a prefix we follow the key: one letter reads as single choice.
                    kind = ("single" if m.group(1) == "单选" else "multiple") if m else \
                        ("single" if len(answer_letters(str(qa.get("answer", "")))) <= 1 else "multiple")
                    iid = f"{source}#{cid}.{q}"
                    if not m:
                        report.add("no_kind_prefix", iid)
                    mcq.append(_make_mcq(iid, "case", kind, level, text, qa.get("options"), qa.get("answer"), ctx,
                                         str(qa.get("analysis", "")), source, report))
        elif parts[0] == "cases" and len(parts) >= 2 and parts[1] == "essay":
            for n, case in enumerate(_read(path)):
                ctx = _context(case)
                cid = case.get("id", n)
                for q, qa in enumerate(case.get("questions_and_answers", [])):
                    iid = f"{source}#{cid}.{q}"
                    question = str(qa.get("question", ""))
                    reference = str(qa.get("answer", ""))
                    defects = ("kangxi_radicals",) if _KANGXI.search(question + reference + ctx) else ()
                    caseqa.append(CaseQAItem(item_id=iid, level=level, question=fix_kangxi(question.strip()),
                                             reference=fix_kangxi(reference.strip()), context=ctx, source=source,
                                             defects=defects))
    if not mcq and not caseqa:
        raise ConfigError(f"No PCEB items found under {base}.")
    return PCEB(root=base, mcq=mcq, caseqa=caseqa, defects=report, dataset_hash=dataset_hash(base))


# ---------------------------------------------------------------------------------------------------
# Selection


def select_items(bench: PCEB, groups: list[str] | None = None, limit: int | None = None, seed: int = 0,
                 held_out: set[str] | frozenset[str] = frozenset()) -> list[MCQItem]:
    """Scorable items of the chosen groups, in file order.

    ``limit`` caps items per group with a seeded random sample (so a capped run covers every exam
    level, not just the first file); ``held_out`` items (few-shot examples) are never scored.
    """
    import random

    out: list[MCQItem] = []
    for g in groups or list(GROUPS):
        if g not in GROUPS:
            raise ConfigError(f"Unknown PCEB group '{g}'. Choose from: {', '.join(GROUPS)}.")
        items = [i for i in bench.scorable(g) if i.item_id not in held_out]
        if limit is not None and len(items) > limit:
            rng = random.Random(f"{seed}:{g}")
            keep = set(rng.sample(range(len(items)), limit))
            items = [it for n, it in enumerate(items) if n in keep]
        out.extend(items)
    return out


@dataclass(frozen=True)
class FewShotSplit:
    """Few-shot examples per group and every item they keep out of scoring."""

    examples: dict[str, list[str]]
    held_out: frozenset[str]


def _case_key(item_id: str) -> str:
    return item_id.rsplit(".", 1)[0]


def fewshot_split(bench: PCEB, shots: int, seed: int = 0) -> FewShotSplit:
    """Carve ``shots`` scorable examples per group out of PCEB (it has no dev split); never scored.

    A seeded sample per group. Case examples come from distinct cases, and every question of such a
    case leaves the scored set too: a sibling question would otherwise be answered with its case's
    worked example in view.
    """
    import random

    if shots <= 0:
        return FewShotSplit({}, frozenset())
    rng = random.Random(f"fewshot:{seed}")
    examples: dict[str, list[str]] = {}
    used_cases: set[str] = set()
    for g in GROUPS:
        pool = bench.scorable(g)
        if g.startswith("case"):
            by_case: dict[str, MCQItem] = {}
            for it in pool:
                by_case.setdefault(_case_key(it.item_id), it)
            cases = [c for c in sorted(by_case) if c not in used_cases]
            rng.shuffle(cases)
            chosen = cases[:shots]
            used_cases.update(chosen)
            examples[g] = [by_case[c].item_id for c in chosen]
        else:
            examples[g] = [i.item_id for i in rng.sample(pool, min(shots, len(pool)))]
    held = {i for ids in examples.values() for i in ids}
    held |= {i.item_id for i in bench.mcq if i.category == "case" and _case_key(i.item_id) in used_cases}
    return FewShotSplit(examples, frozenset(held))


def constant_answer_floor(items: list[MCQItem]) -> tuple[str, float]:
    """Strict accuracy of the best constant answer (e.g. always "C"): a model below it is not reading."""
    if not items:
        return "", 0.0
    counts = Counter(i.answer_str for i in items)
    best, n = counts.most_common(1)[0]
    return best, 100.0 * n / len(items)


# ---------------------------------------------------------------------------------------------------
# Prompts

#: Part of every cache key: bump when the wording below changes.
MCQ_TEMPLATE_VERSION = "pceb-mcq-v1"

_SYSTEM = {
    "zh": "你是一名经验丰富的心理咨询师，正在参加心理咨询师职业资格考试。请认真阅读题目，选出正确答案。",
    "en": "You are an experienced psychological counselor taking the Chinese psychological counselor "
          "certification exam. Read each question carefully and choose the correct answer.",
}
_INSTRUCTION = {
    ("zh", "single"): "这是单选题，只有一个正确选项。请只回答选项字母，格式为“答案：X”。",
    ("zh", "multiple"): "这是多选题，有两个或两个以上正确选项。请回答所有正确选项的字母，格式为“答案：XY”。",
    ("en", "single"): "This is a single-choice question: exactly one option is correct. Reply with its "
                      "letter only, as \"Answer: X\".",
    ("en", "multiple"): "This is a multiple-choice question: two or more options are correct. Reply with "
                        "all correct letters, as \"Answer: XY\".",
}
_CASE_HEADER = {"zh": "【案例】", "en": "[Case]"}
ANSWER_PREFIX = {"zh": "答案：", "en": "Answer: "}


def mcq_user_message(item: MCQItem, lang: str = "zh", context: str | None = None) -> str:
    """The question as the model sees it: case text (if any), question, options, answer format."""
    ctx = item.context if context is None else context
    parts = []
    if ctx:
        parts.append(f"{_CASE_HEADER[lang]}\n{ctx}")
    options = "\n".join(f"{k}. {v}" for k, v in sorted(item.options.items()))
    parts.append(f"{item.question}\n{options}")
    parts.append(_INSTRUCTION[(lang, item.kind)])
    return "\n\n".join(parts)


def mcq_messages(item: MCQItem, lang: str = "zh", examples: list[MCQItem] = (),  # type: ignore[assignment]
                 context: str | None = None) -> list[dict[str, str]]:
    """System prompt, few-shot examples as earlier user/assistant turns, then the question."""
    if lang not in _SYSTEM:
        raise ConfigError(f"Unknown prompt language '{lang}': use zh or en.")
    messages = [{"role": "system", "content": _SYSTEM[lang]}]
    for ex in examples:
        messages.append({"role": "user", "content": mcq_user_message(ex, lang)})
        messages.append({"role": "assistant", "content": ANSWER_PREFIX[lang] + ex.answer_str})
    messages.append({"role": "user", "content": mcq_user_message(item, lang, context)})
    return messages
