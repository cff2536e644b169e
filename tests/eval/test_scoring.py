"""MCQ scoring on hand-made predictions with known scores: strict, elastic, averages, missing."""

from __future__ import annotations

import statistics

import pytest

from eval.published import PUBLISHED
from eval.scoring import MCQRecord, aggregate_mcq, elastic_score, strict_score


@pytest.mark.parametrize(("pred", "gold", "strict", "elastic"), [
    ("BD", "BD", 1.0, 1.0),
    ("DB", "BD", 1.0, 1.0),          # order does not matter
    ("B", "BD", 0.0, 0.5),           # subset: |pred|/|gold|
    ("A", "ABCD", 0.0, 0.25),
    ("ABC", "ABCD", 0.0, 0.75),
    ("BC", "BD", 0.0, 0.0),          # any wrong option: nothing
    ("ABCD", "BD", 0.0, 0.0),        # superset: wrong options included
    ("", "BD", 0.0, 0.0),            # missing answer
    ("B\u2003", "B", 1.0, 1.0),      # stray Unicode space in the key or the reply
    ("", "", 0.0, 0.0),              # an empty key never scores
])
def test_strict_and_elastic(pred: str, gold: str, strict: float, elastic: float) -> None:
    assert strict_score(pred, gold) == strict
    assert elastic_score(pred, gold) == pytest.approx(elastic)


def _records() -> list[MCQRecord]:
    """Hand-made predictions; expected scores worked out by hand below."""
    R = MCQRecord
    return [
        # case single: 2 of 4 right -> 50.0
        R("case_single", "second", "C", "C"), R("case_single", "second", "B", "B"),
        R("case_single", "third", "A", "B"), R("case_single", "third", "D", ""),
        # case multiple: strict 1/4 = 25.0; elastic (1 + 0.5 + 0 + 0)/4 = 37.5
        R("case_multiple", "second", "BD", "BD"), R("case_multiple", "second", "ABCD", "AB"),
        R("case_multiple", "third", "BC", "BD"), R("case_multiple", "third", "AC", ""),
        # moral single: 1/2 -> 50.0
        R("moral_single", "third", "D", "D"), R("moral_single", "third", "D", "A"),
        # moral multiple: strict 0/2; elastic (2/3 + 1/3)/2 = 50.0
        R("moral_multiple", "third", "ABC", "AB"), R("moral_multiple", "third", "ABC", "C"),
        # theory single: 3/3 -> 100.0
        R("theory_single", "simulation", "B", "B"), R("theory_single", "simulation", "C", "C"),
        R("theory_single", "second", "A", "A"),
        # theory multiple: 1/2 strict -> 50.0; elastic (1 + 0)/2 = 50.0
        R("theory_multiple", "simulation", "ACD", "ACD"), R("theory_multiple", "simulation", "ABD", "E"),
    ]


def test_aggregate_by_hand() -> None:
    out = aggregate_mcq(_records())
    g = out["groups"]
    assert g["case_single"]["strict"] == 50.0 and g["case_single"]["elastic"] is None
    assert g["case_single"]["missing"] == 1
    assert (g["case_multiple"]["strict"], g["case_multiple"]["elastic"]) == (25.0, 37.5)
    assert g["case_multiple"]["missing"] == 1
    assert g["moral_single"]["strict"] == 50.0
    assert (g["moral_multiple"]["strict"], g["moral_multiple"]["elastic"]) == (0.0, 50.0)
    assert g["theory_single"]["strict"] == 100.0
    assert (g["theory_multiple"]["strict"], g["theory_multiple"]["elastic"]) == (50.0, 50.0)
    # average of the six strict scores: (50 + 25 + 50 + 0 + 100 + 50) / 6 = 45.83
    assert out["average"] == 45.83
    # elastic average: singles strict, multiples elastic: (50 + 37.5 + 50 + 50 + 100 + 50) / 6 = 56.25
    assert out["elastic_average"] == 56.25
    assert out["complete"] and out["n"] == 17 and out["missing"] == 2


def test_levels_by_hand() -> None:
    out = aggregate_mcq(_records())
    cs = out["groups"]["case_single"]["levels"]
    assert cs["second"] == {"n": 2, "strict": 100.0, "elastic": None}
    assert cs["third"]["strict"] == 0.0
    # Pooled per level: "second" has case 2/2 + case-multi 1/2 + theory 1/1 -> 4/5 = 80.0
    assert out["levels"]["second"] == {"n": 5, "strict": 80.0}
    assert list(out["levels"]) == ["second", "third", "simulation"]


def test_partial_run_is_flagged() -> None:
    out = aggregate_mcq([MCQRecord("moral_single", "third", "D", "D")])
    assert not out["complete"] and out["average"] == 100.0


@pytest.mark.parametrize("name", list(PUBLISHED))
def test_our_averages_reproduce_the_published_ones(name: str) -> None:
    """The published Avg. is the mean of the six strict columns and the bracketed one uses the elastic
    columns for the multiple-choice groups: our definitions reproduce every published row."""
    ref = PUBLISHED[name]
    strict = [v["strict"] for v in ref["groups"].values()]
    elastic = [v.get("elastic", v["strict"]) for v in ref["groups"].values()]
    assert statistics.fmean(strict) == pytest.approx(ref["average"], abs=0.006)
    assert statistics.fmean(elastic) == pytest.approx(ref["elastic_average"], abs=0.006)
