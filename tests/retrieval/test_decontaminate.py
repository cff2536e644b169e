"""CPsyExam vs PCEB decontamination: stem normalization, stem and case overlap, the real data sets."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from psycollm.retrieval.decontaminate import (
    cpsyexam_explanation_records,
    decontaminate,
    iter_cpsyexam,
    normalize_stem,
    pceb_fingerprints,
)

CASE = ("求助者由于工作问题烦躁，情绪不好两个多月。下面是心理咨询师与求助者之间的一段咨询对话。心理咨询师：您好，请问我能为您"
        "提供什么帮助吗？求助者：我最近心情不好，烦躁。心理咨询师：您能谈谈是什么事情让您感到烦躁吗？")


@pytest.mark.parametrize(("a", "b"), [
    ("支配呼吸和心跳的神经中枢位于（　　）。", "支配呼吸和心跳的神经中枢位于( )"),
    ("单选： 1．该求助者目前的主要症状是（　　）。", "该求助者目前的主要症状是()"),
    ("在本案例中咨询师使用了系统脱敏法，其正确的操作步骤包括()。多选", "在本案例中咨询师使用了系统脱敏法其正确的操作步骤包括"),
    ("ＡＢＣ理论认为", "abc理论认为"),
])
def test_normalize_stem_ignores_layout_tags_and_punctuation(a: str, b: str):
    assert normalize_stem(a) == normalize_stem(b) != ""


def test_different_questions_stay_different():
    assert normalize_stem("支配呼吸的中枢位于") != normalize_stem("支配心跳的中枢位于")
    assert normalize_stem("2018年修订的守则") == "2018年修订的守则"  # a leading year is not a question number


def _write_pceb(root: Path) -> Path:
    theory = root / "benchmark" / "theory" / "single" / "second"
    theory.mkdir(parents=True)
    (theory / "16 理论单选.json").write_text(json.dumps([
        {"id": 1, "question": "支配呼吸和心跳的神经中枢位于（　　）。", "answer": "C", "options": {"A": "小脑"}}],
        ensure_ascii=False), encoding="utf-8")
    cases = root / "benchmark" / "cases" / "mix" / "second"
    cases.mkdir(parents=True)
    (cases / "15 案例混合选择.json").write_text(json.dumps([
        {"id": 1, "general_info": "求助者，男性，30岁。", "case_introduction": CASE,
         "questions_and_answers": [{"question": "单选： 1．该求助者的主要症状是（　　）。", "answer": "C"}]}],
        ensure_ascii=False), encoding="utf-8")
    return root


def _write_cpsyexam(root: Path) -> Path:
    root.mkdir(parents=True)
    items = [
        {"question": "支配呼吸和心跳的神经中枢位于( )", "options": {"A": "延脑"}, "answer": "A", "explanation": "延脑。",
         "id": "same-stem", "subject_name": "普通心理学"},
        # The PCEB case, lightly edited ("什么事" for "什么事情"), with a new question: removed as a case.
        {"question": "案例一：一般资料：求助者，男性。案例介绍：" + CASE.replace("什么事情", "什么事") + "咨询师使用的技术是()。",
         "options": {"A": "具体化"}, "answer": "A", "explanation": "具体化。", "id": "same-case", "subject_name": "心理咨询"},
        {"question": "系统脱敏法的创立者是( )", "options": {"A": "沃尔普", "B": "艾利斯"}, "answer": "A",
         "explanation": "系统脱敏法由沃尔普创立。", "id": "clean", "subject_name": "心理咨询"},
        {"question": "没有解析的题目( )", "options": {"A": "x"}, "answer": "A", "explanation": "", "id": "no-expl"},
    ]
    with zipfile.ZipFile(root / "cpsyexam.zip", "w") as zf:
        zf.writestr("train/", "")
        zf.writestr("train/KG-test-单项选择题.json", json.dumps(items, ensure_ascii=False))
        zf.writestr("test/KG-test-单项选择题.json", json.dumps(items[2:3], ensure_ascii=False))  # a duplicate
    with zipfile.ZipFile(root / "cpsyexam_qa.zip", "w") as zf:
        zf.writestr("cpsyexam_qa/train/cpsyexam_qa.json",
                    json.dumps([{"question": "简述共情。", "answer": "共情是……"}], ensure_ascii=False))
    return root


def test_stem_and_case_overlaps_are_removed(tmp_path: Path):
    fps = pceb_fingerprints(_write_pceb(tmp_path / "pceb"))
    assert fps.contamination("该求助者的主要症状是") == "stem"
    items = list(iter_cpsyexam(_write_cpsyexam(tmp_path / "cpsyexam")))
    assert sorted(it["split"] for it in items) == ["test"] + ["train"] * 5
    result = decontaminate(items, fps)
    assert {it["id"]: reason for it, reason in result.removed} == {"same-stem": "stem", "same-case": "case"}
    assert result.counts() == {"kept": 4, "removed": 2, "stem": 1, "case": 1}


def test_explanation_records_for_the_knowledge_base(tmp_path: Path):
    records, counts = cpsyexam_explanation_records(_write_cpsyexam(tmp_path / "cpsyexam"), _write_pceb(tmp_path / "pceb"))
    assert [r["id"] for r in records] == ["cpsyexam-clean"]  # deduplicated across splits; no explanation: skipped
    assert records[0]["text"].startswith("题目：系统脱敏法的创立者是") and "解析：系统脱敏法由沃尔普创立。" in records[0]["text"]
    assert counts["removed"] == 2 and counts["removed_with_explanation"] == 2 and counts["items"] == 5


@pytest.mark.realdata
def test_real_cpsyexam_against_real_pceb(shared_data: Path):
    fps = pceb_fingerprints(shared_data / "pceb")
    items = list(iter_cpsyexam(shared_data / "cpsyexam", include_qa=False))
    assert len(items) == 14_854  # the README's count of CPsyExam MCQs
    result = decontaminate(items, fps)
    counts = result.counts()
    # The README reports 103 overlapping stems (its normalization is not documented); ours is broader
    # (layout-insensitive stems plus whole reused cases) and must find at least that many.
    assert counts["stem"] >= 103 and counts["case"] > 0
    assert not any(normalize_stem(it["question"]) in fps.stems for it in result.kept)
    print(f"\nCPsyExam MCQs: {len(items)}; removed {counts['removed']} ({counts['stem']} stem, {counts['case']} case)")
