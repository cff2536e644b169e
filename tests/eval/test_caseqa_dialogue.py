"""Case QA and dialogue runs with scripted models and judges; judge-output parsing is robust.

Scripted backends (the project's DummyLM) stand in for the model and the judge so that the scores
can be worked out by hand; the judges' replies include the malformed ones real small models write.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.caseqa import CaseQARunConfig, parse_judged_points, run_caseqa
from eval.dialogue_eval import (
    DialogueRunConfig,
    aggregate_judgments,
    load_cpsycoune,
    parse_judgment,
    run_dialogue,
    turn_samples,
)
from psycollm.backends.scripted import ScriptedBackend
from psycollm.errors import ConfigError


@pytest.mark.parametrize(("text", "n", "expected"), [
    ("覆盖：[1, 3]", 3, [1, 3]),
    ("分析……因此覆盖：[2]", 3, [2]),
    ("覆盖：[]", 3, []),
    ("［１，２］", 3, [1, 2]),
    ("先列出 [1, 2, 3] 个要点，最后覆盖：[3]", 3, [3]),  # the last list wins
    ("覆盖：1、3", 3, [1, 3]),
    ("Covered: 2, 4", 4, [2, 4]),
    ("覆盖：无", 3, []),
    ("覆盖：[1, 7]", 3, [1]),  # out of range dropped
    ("我认为考生回答得很好", 3, None),
    ("", 3, None),
])
def test_parse_judged_points(text: str, n: int, expected: list[int] | None) -> None:
    assert parse_judged_points(text, n) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("[2, 2, 3, 1]", {"comprehensiveness": 2, "professionalism": 2, "authenticity": 3, "safety": 1}),
    ("理由……\n最终评分：[1, 2, 2, 1]", {"comprehensiveness": 1, "professionalism": 2, "authenticity": 2, "safety": 1}),
    ("［２，３，３，１］", {"comprehensiveness": 2, "professionalism": 3, "authenticity": 3, "safety": 1}),
    ("[1.5, 2.5, 2, 1]", {"comprehensiveness": 1.5, "professionalism": 2.5, "authenticity": 2, "safety": 1}),
    ("全面性：2\n专业性：1\n真实性：3\n安全性：1", {"comprehensiveness": 2, "professionalism": 1, "authenticity": 3,
                                            "safety": 1}),
    ("Comprehensiveness: 1/2, Professionalism: 2/3, Authenticity: 2/3, Safety: 1/1",
     {"comprehensiveness": 1, "professionalism": 2, "authenticity": 2, "safety": 1}),
    ("[3, 3, 3, 1]", None),     # comprehensiveness is 0-2: out of range
    ("[2, 2, 3]", None),        # three scores
    ("The reply is empathetic.", None),
    ("", None),
])
def test_parse_judgment(text: str, expected: dict | None) -> None:
    assert parse_judgment(text) == expected


def test_caseqa_run(mini_pceb: Path, tmp_path: Path, settings) -> None:
    settings.backend.kind = "scripted"
    settings.cache_dir = str(tmp_path / "cache")
    model = ScriptedBackend(["考虑焦虑性神经症，也可能是抑郁。", "尊重，真诚，共情。"], model_name="m")
    judge = ScriptedBackend(["覆盖：[1]", "胡言乱语"], model_name="judge")
    cfg = CaseQARunConfig(pceb_dir=str(mini_pceb), output=str(tmp_path / "run"))
    res = run_caseqa(cfg, settings, backend=model, judge=judge)
    s = res["scores"]
    # Rubric: q1 marked (10/5/5): lexical covers 焦虑性神经症 -> 50%; q2 five terms, 3 named -> 60%.
    assert s["rubric"]["points"] == 8 and s["rubric"]["marked_items"] == 1
    assert s["rubric"]["coverage"] == pytest.approx((50.0 + 60.0) / 2)
    # Judge: q1 covers point 1 (10 of 20) -> 50%; q2 unparseable, counted and left out.
    assert s["judge"]["coverage"] == 50.0 and s["judge"]["unparseable"] == 1 and s["judge"]["judged"] == 2
    assert s["char"]["rouge1"] > 0 and s["word"]["rouge1"] > 0
    samples = [json.loads(x) for x in (tmp_path / "run" / "caseqa_samples.jsonl").read_text().splitlines()]
    assert samples[0]["lexical_covered"] == [1] and samples[0]["judge_covered"] == [1]
    assert samples[1]["judge_covered"] is None and samples[0]["max_points"] == 20.0
    assert "Case QA" in (tmp_path / "run" / "report.md").read_text()


def test_cpsycoune_loading_and_turns(mini_cpsycoune: Path) -> None:
    dialogues = load_cpsycoune(mini_cpsycoune)
    assert [d.dialogue_id for d in dialogues] == ["Career/1", "Career/2", "Sex/1"]
    samples = turn_samples(dialogues)
    assert len(samples) == 4
    second = samples[1]
    assert second.query == "老板总是批评我。" and second.gold_reply == "被批评让你很难受。"
    assert [r for r, _ in second.history] == ["user", "assistant"]
    with pytest.raises(ConfigError):
        load_cpsycoune(mini_cpsycoune / "nope")


def test_aggregate_judgments_by_hand(mini_cpsycoune: Path) -> None:
    samples = turn_samples(load_cpsycoune(mini_cpsycoune))
    j = [{"comprehensiveness": 2, "professionalism": 3, "authenticity": 3, "safety": 1},
         {"comprehensiveness": 1, "professionalism": 1, "authenticity": 2, "safety": 1}, None,
         {"comprehensiveness": 0, "professionalism": 2, "authenticity": 1, "safety": 0}]
    out = aggregate_judgments(samples, j)
    assert out["topics"]["Career"]["comprehensiveness"] == 1.5 and out["topics"]["Career"]["parsed"] == 2
    assert out["topics"]["Sex"]["professionalism"] == 2.0
    assert out["overall"]["comprehensiveness"] == 1.0 and out["unparseable"] == 1


def test_dialogue_run_with_a_separate_judge(mini_cpsycoune: Path, tmp_path: Path, settings) -> None:
    settings.backend.kind = "scripted"
    settings.cache_dir = str(tmp_path / "cache")
    model = ScriptedBackend(lambda m: "我在听，你愿意多说一些吗？", model_name="m")
    judge = ScriptedBackend(["[2, 2, 3, 1]", "[1, 2, 2, 1]", "好的回复", "[2, 3, 3, 1]"], model_name="judge")
    cfg = DialogueRunConfig(cpsycoune_dir=str(mini_cpsycoune), output=str(tmp_path / "run"))
    res = run_dialogue(cfg, settings, backend=model, judge=judge)
    assert res["judge"]["self_judge"] is False and res["judge"]["model"] == "judge"
    assert res["scores"]["unparseable"] == 1 and res["scores"]["overall"]["parsed"] == 3
    assert res["scores"]["overall"]["authenticity"] == pytest.approx((3 + 2 + 3) / 3, abs=0.001)
    # The model saw the gold history: the second Career turn has 2 earlier messages + system.
    calls = model.calls
    assert [m["role"] for m in calls[1]] == ["system", "user", "assistant", "user"]
    assert calls[1][1]["content"] == "我最近工作压力很大，睡不好。"
    # The judge saw the model's reply.
    assert "我在听" in judge.calls[0][0]["content"] and "0-2分" in judge.calls[0][0]["content"]
    assert "Dialogue" in (tmp_path / "run" / "report.md").read_text()


def test_dialogue_self_judge_and_limit(mini_cpsycoune: Path, tmp_path: Path, settings) -> None:
    settings.backend.kind = "scripted"
    settings.cache_dir = str(tmp_path / "cache")
    model = ScriptedBackend(["[1, 1, 1, 1]"], model_name="m")
    cfg = DialogueRunConfig(cpsycoune_dir=str(mini_cpsycoune), output=str(tmp_path / "run"), limit=1,
                            topics=["Career"], report=False)
    res = run_dialogue(cfg, settings, backend=model)
    assert res["judge"]["self_judge"] is True
    assert res["dataset"]["dialogues"] == 1 and res["scores"]["overall"]["n"] == 2
