"""The lexicon's literal prefilter: what literals it reads off a regex, and that a prefiltered scan
finds exactly what running every pattern finds, on every labelled message this project has."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from psycollm.safety import lexicon
from psycollm.safety.prefilter import LiteralPrefilter, required_literals

DATA = [Path(__file__).resolve().parent.parent / "data", Path(lexicon.__file__).parent / "data"]


@pytest.mark.parametrize(("regex", "literals"), [
    (r"\bkill (myself|me)\b", {"kill myself", "kill me"}),
    (r"(想|要)(去)?自杀", {"想自杀", "想去自杀", "要自杀", "要去自杀"}),
    (r"[吃吞]了?整瓶", {"吃整瓶", "吃了整瓶", "吞整瓶", "吞了整瓶"}),
    (r"[吃吞].{0,3}(一整瓶|整瓶)", {"一整瓶", "整瓶"}),  # the longest shortest literal wins
    (r"(?<![他她])死了(以后|之后)", {"死了以后", "死了之后"}),  # a lookbehind needs no text
    (r"took \d+ (pills|tablets)", {" pills", " tablets"}),
    (r"pills?", {"pill", "pills"}),
])
def test_required_literals(regex: str, literals: set[str]) -> None:
    assert required_literals(regex) == literals


@pytest.mark.parametrize("regex", [r".*", r"\w+", r"(?i)suicide", r"(a|.)b?"])
def test_patterns_without_a_required_literal_always_run(regex: str) -> None:
    assert required_literals(regex) is None
    prefilter = LiteralPrefilter([r"\bpills\b", regex])
    assert prefilter.candidates("nothing here") == [1]


def test_candidates_are_the_patterns_whose_literals_occur() -> None:
    prefilter = LiteralPrefilter([r"\bpills?\b", r"(想|要)自杀", r"rope|noose", r"自杀"])
    assert prefilter.active
    assert prefilter.candidates("i bought a rope and some pills") == [0, 2]
    assert prefilter.candidates("我想自杀") == [1, 3]  # overlapping literals are all found
    assert prefilter.candidates("a quiet day") == []


def _labelled_texts() -> list[str]:
    texts = []
    for folder in DATA:
        for path in sorted(folder.glob("*.jsonl")):
            for line in path.read_text(encoding="utf-8").splitlines():
                item = json.loads(line)
                texts += [item["text"]] if "text" in item else [m["content"] for m in item.get("messages", [])]
    return texts


def test_every_lexicon_pattern_has_literals() -> None:
    """A pattern with no readable literal runs on every sentence: that costs the latency budget."""
    for lang, patterns in lexicon.compiled_patterns().items():
        assert not [p.id for p in patterns if not required_literals(p.regex.pattern)], lang
    assert all(pf.active for pf in lexicon._prefilters().values())


def test_prefiltered_scan_equals_the_full_scan_on_every_labelled_message() -> None:
    texts = _labelled_texts()
    assert len(texts) > 6000
    differ = [t for t in texts if lexicon.scan(t) != lexicon.scan(t, prefilter=False)]
    assert not differ, differ[:3]


def test_prefiltered_idiom_masking_equals_masking_with_every_idiom() -> None:
    tables = [[re.compile(p) for p in table] for table in (lexicon.IDIOMS_EN, lexicon.IDIOMS_ZH)]
    for text in _labelled_texts() + ["this traffic is killing me", "笑死我了，跳楼价"]:
        norm = lexicon.normalize(text)
        for patterns, idioms in zip(tables, lexicon._idioms(), strict=True):
            full = norm
            for pat in patterns:
                full = pat.sub(lambda m: "·" * len(m.group(0)), full)
            assert lexicon._mask(norm, idioms) == full, text


def test_skipping_opencc_for_text_without_traditional_characters_changes_nothing() -> None:
    from opencc import OpenCC

    assert lexicon._traditional_chars() is not None  # the shortcut is in use
    assert {"沈", "說", "們"} <= lexicon._traditional_chars()  # 沈默 -> 沉默 is a phrase rule
    converter = OpenCC("t2s")
    for text in _labelled_texts() + ["他沈默了很久", "我們說好了"]:
        assert lexicon._to_simplified(text) == converter.convert(text), text
