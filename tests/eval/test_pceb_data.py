"""Loading PCEB: group split, case context, defect detection and handling (fixture and real data)."""

from __future__ import annotations

from pathlib import Path

import pytest

from eval.pceb import (
    GROUPS,
    answer_letters,
    constant_answer_floor,
    fewshot_split,
    fix_kangxi,
    load_pceb,
    mcq_messages,
    select_items,
)
from psycollm.errors import ConfigError


def test_groups_and_defects_on_the_fixture(mini_pceb: Path) -> None:
    bench = load_pceb(mini_pceb)
    assert bench.counts() == {"case_single": 2, "case_multiple": 2, "moral_single": 3, "moral_multiple": 2,
                              "theory_single": 4, "theory_multiple": 5}
    assert dict(bench.defects.counts) == {"padded_answer": 2, "kangxi_radicals": 1, "empty_answer": 1,
                                          "missing_option": 1, "kind_mismatch": 2}
    assert len(bench.defects.excluded_ids) == 3
    assert {g: len(bench.scorable(g)) for g in GROUPS} == {
        "case_single": 1, "case_multiple": 1, "moral_single": 3, "moral_multiple": 2, "theory_single": 4,
        "theory_multiple": 4}
    assert len(bench.caseqa) == 2


def test_items_are_normalized(mini_pceb: Path) -> None:
    bench = load_pceb(mini_pceb)
    padded = next(i for i in bench.mcq if "padded_answer" in i.defects and i.category == "theory")
    assert padded.answer == frozenset("C") and padded.raw_answer == "C\u2003" and not padded.excluded
    kangxi = next(i for i in bench.mcq if "kangxi_radicals" in i.defects)
    assert kangxi.question.startswith("心理咨询") and "\u2f3c" not in kangxi.question
    gap = next(i for i in bench.mcq if "missing_option" in i.defects)
    assert sorted(gap.options) == ["A", "C", "D"] and not gap.excluded
    case = bench.scorable("case_single")[0]
    assert case.question.startswith("1．") and "单选" not in case.question  # the 单选：prefix is removed
    assert case.context.startswith("求助者，女性") and "失眠" in case.context
    mismatch = [i for i in bench.mcq if "kind_mismatch" in i.defects]
    assert {(i.kind, i.answer_str) for i in mismatch} == {("single", "BCD"), ("multiple", "D")}
    assert all(i.excluded for i in mismatch)


def test_case_prompt_carries_the_case(mini_pceb: Path) -> None:
    bench = load_pceb(mini_pceb)
    item = bench.scorable("case_multiple")[0]
    user = mcq_messages(item, "zh")[-1]["content"]
    assert user.startswith("【案例】\n求助者，女性") and "多选题" in user and "A. 强迫" in user
    assert "single-choice" in mcq_messages(bench.scorable("case_single")[0], "en")[-1]["content"]


def test_limit_is_a_seeded_sample_per_group(mini_pceb: Path) -> None:
    bench = load_pceb(mini_pceb)
    a = select_items(bench, ["theory_single"], limit=2, seed=1)
    assert len(a) == 2 and a == select_items(bench, ["theory_single"], limit=2, seed=1)
    with pytest.raises(ConfigError):
        select_items(bench, ["nonsense"])


def test_fewshot_split_is_deterministic(mini_pceb: Path) -> None:
    bench = load_pceb(mini_pceb)
    s1, s2 = fewshot_split(bench, 2, seed=3), fewshot_split(bench, 2, seed=3)
    assert s1 == s2 and len(s1.examples["theory_single"]) == 2
    assert set(s1.examples["theory_single"]) <= s1.held_out
    assert fewshot_split(bench, 0).held_out == frozenset()


def test_helpers() -> None:
    assert answer_letters("ABCD\u2003") == frozenset("ABCD") and answer_letters("") == frozenset()
    assert fix_kangxi("⼈格⼼理") == "人格心理"
    assert constant_answer_floor([]) == ("", 0.0)


def test_bad_folders_fail_clearly(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_pceb(tmp_path / "missing")
    with pytest.raises(ConfigError, match="does not look like"):
        load_pceb(tmp_path)
    (tmp_path / "theory" / "single" / "second").mkdir(parents=True)
    (tmp_path / "theory" / "single" / "second" / "x.json").write_text("{not json")
    with pytest.raises(ConfigError, match="not readable JSON"):
        load_pceb(tmp_path)


@pytest.mark.realdata
def test_real_pceb_counts_and_defects(shared_data: Path) -> None:
    """Counts and traps as documented in ../shared/data/README.md."""
    bench = load_pceb(shared_data / "pceb" / "benchmark")
    assert len(bench.mcq) == 3863 and len(bench.caseqa) == 100
    assert bench.counts() == {"case_single": 748, "case_multiple": 878, "moral_single": 152,
                              "moral_multiple": 158, "theory_single": 1143, "theory_multiple": 784}
    d = bench.defects
    assert d.counts["empty_answer"] == 1 and d.counts["kind_mismatch"] == 2 and d.counts["missing_option"] == 3
    assert d.counts["padded_answer"] == 296  # U+2003 / U+00A0 (and one newline) after case answers
    assert sorted(d.excluded_ids) == sorted([
        "theory/multiple/simulation/17-18-理论多选.json#109",
        "cases/mix/third/11-13 案例混合选择.json#16.0",
        "cases/mix/third/11-13 案例混合选择.json#32.6"])
    assert sorted(d.items["missing_option"]) == sorted(
        f"theory/multiple/simulation/17-18-理论多选.json#{i}" for i in (28, 123, 181))
    # Trivial floors from the README: best constant answer per group.
    floors = {g: constant_answer_floor(bench.scorable(g)) for g in GROUPS}
    assert {g: (a, round(s, 1)) for g, (a, s) in floors.items()} == {
        "case_single": ("C", 29.7), "case_multiple": ("ABCD", 12.9), "moral_single": ("C", 31.6),
        "moral_multiple": ("ABC", 22.2), "theory_single": ("B", 31.1), "theory_multiple": ("ABC", 15.7)}
    assert all(i.context for i in bench.mcq if i.category == "case")
