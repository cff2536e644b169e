"""Fixtures for the evaluation tests: a miniature PCEB and CPsyCounE written by hand (in tmp dirs).

The mini benchmark mirrors the upstream layout (moral|theory/single|multiple/<level>/*.json,
cases/mix/<level>/*.json, cases/essay/<level>/*.json) and plants one of each known data defect.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

OPTS = {"A": "强迫", "B": "抑郁", "C": "焦虑", "D": "恐惧"}


def _write(path: Path, data: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


def flat(tag: str, n: int, answer: str, start: int = 1) -> list[dict]:
    return [{"id": start + i, "question": f"{tag}题目{start + i}：下列说法正确的是（　　）。", "options": dict(OPTS),
             "answer": answer, "analysis": "解析"} for i in range(n)]


@pytest.fixture
def mini_pceb(tmp_path: Path) -> Path:
    root = tmp_path / "benchmark"
    # theory single: 4 items, one answer padded with an em space, one with a Kangxi radical (⼼ for 心).
    ts = flat("理论单选", 4, "B")
    ts[1]["answer"] = "C\u2003"
    ts[2]["question"] = "⼼理咨询的对象是（　　）。"
    _write(root / "theory/single/second/14 理论单选.json", ts)
    # theory multiple: 3 items + empty answer + a missing option letter (A, C, D).
    tm = flat("理论多选", 3, "ABD")
    tm.append({"id": 9, "question": "五个维度包括（ABCDE）。 E． 神经质", "options": dict(OPTS), "answer": "",
               "analysis": ""})
    tm.append({"id": 10, "question": "能力差异表现在（）。", "options": {"A": "水平", "C": "类型", "D": "早晚"},
               "answer": "ACD", "analysis": ""})
    _write(root / "theory/multiple/simulation/17-18-理论多选.json", tm)
    _write(root / "moral/single/third/11-13 职业道德单选.json", flat("道德单选", 3, "D"))
    _write(root / "moral/multiple/third/11-16 职业道德多选.json", flat("道德多选", 2, "AB"))
    # one case, four questions: single, multiple, a 单选 keyed BCD (kind mismatch), a 多选 keyed D.
    qa = [
        {"question": "单选： 1．该求助者目前的主要症状是（　　）。", "options": dict(OPTS), "answer": "C\u00a0"},
        {"question": "多选： 2．求助者出现了（　　）。", "options": dict(OPTS), "answer": "BC"},
        {"question": "单选：该求助者的情绪状态主要是", "options": dict(OPTS), "answer": "BCD"},
        {"question": "多选：本案例的病程是", "options": dict(OPTS), "answer": "D"},
    ]
    _write(root / "cases/mix/second/15 案例混合选择.json",
           [{"id": 1, "identifier": "一", "general_info": "求助者，女性，25岁。",
             "case_introduction": "求助者因感情问题痛苦，伴有失眠，1个多月。", "questions_and_answers": qa}])
    _write(root / "cases/essay/second/16 案例问答.json", [{
        "general_info": "求助者，男性，35岁。", "case_introduction": "求助者半年前被确定转业，烦躁不安。",
        "questions_and_answers": [
            {"question": "1．对该求助者可考虑哪些诊断？（20 分）",
             "answer": "焦虑性神经症（10 分）、严重心理问题（5 分） 和抑郁发作（5 分）。"},
            {"question": "2．咨询师建立咨询关系应注意什么？", "answer": "尊重，热情，真诚，共情，积极关注。"},
        ]}])
    return root


@pytest.fixture
def mini_cpsycoune(tmp_path: Path) -> Path:
    root = tmp_path / "CPsyCounE"
    _write(root / "Career/1.json", ["求助者：我最近工作压力很大，睡不好。", "支持者：听起来你很辛苦，能多说说吗？",
                                    "求助者：老板总是批评我。", "支持者：被批评让你很难受。"])
    _write(root / "Career/2.json", ["求助者：我想换工作。", "支持者：是什么让你想换呢？"])
    _write(root / "Sex/1.json", ["求助者：我有些难以启齿的困扰。", "支持者：这里很安全，你可以慢慢说。"])
    return root
