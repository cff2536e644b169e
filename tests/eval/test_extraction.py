"""Answer extraction on the phrasings models actually produce (Chinese, English, reasoning, noise)."""

from __future__ import annotations

import pytest

from eval.extraction import extract_choice

OPTIONS = {"A": "强迫", "B": "抑郁", "C": "焦虑", "D": "恐惧"}

# (reply, expected letters); "" means no answer found (scored wrong, counted as missing).
CASES = [
    ("答案：B", "B"),
    ("答案:B", "B"),
    ("答案是 A、C", "AC"),
    ("答案为：ABD", "ABD"),
    ("正确答案为：ABD", "ABD"),
    ("正确答案应该是C", "C"),
    ("参考答案：D", "D"),
    ("最终答案：BC", "BC"),
    ("B和D", "BD"),
    ("B 和 D", "BD"),
    ("选BD", "BD"),
    ("应选A和C", "AC"),
    ("综上，本题选D。", "D"),
    ("我选择A", "A"),
    ("(A)(C)", "AC"),
    ("（Ａ）（Ｃ）", "AC"),
    ("ＢＤ", "BD"),
    ("答案：（Ｃ）", "C"),
    ("[B]", "B"),
    ("C) 焦虑", "C"),
    ("B. 焦虑", "B"),
    ("A、C", "AC"),
    ("A,B,C", "ABC"),
    ("ABCD", "ABCD"),
    ("D", "D"),
    ("正确选项是A，C，D", "ACD"),
    ("选项A和B", "AB"),
    ("选项C正确", "C"),
    ("A选项错误，选项B正确", "B"),
    ("首先分析A选项错误，B选项正确，所以答案是B", "B"),
    ("答案：C。因为求助者焦虑", "C"),
    ("答案：\nB", "B"),
    ("<think>也许是A？再想想，是B</think>答案：C", "C"),
    ("**答案：** B", "B"),
    ("The answer is A", "A"),
    ("The answer is (A).", "A"),
    ("Answer: B", "B"),
    ("**Answer:** (B)", "B"),
    ("Answer: B\nC is wrong because ...", "B"),
    ("The correct answers are B, D.", "BD"),
    ("The answer would be C", "C"),
    ("Options A and D are correct", "AD"),
    ("Option B is wrong, option C is right", "C"),
    ("I choose A", "A"),
    ("A good question. The answer is D.", "D"),
    ("A lot of people choose B", "B"),
    ("I think B is correct", "B"),
    ("我认为是C", "C"),
    ("Because the client is anxious, C.", "C"),
    ("焦虑", "C"),
    ("我不确定", ""),
    ("", ""),
    ("A psychologist would listen first.", ""),
    ("CBT is useful here.", ""),
    ("答案：Because it depends", ""),
]


@pytest.mark.parametrize(("reply", "expected"), CASES)
def test_extract_choice(reply: str, expected: str) -> None:
    got = extract_choice(reply, "ABCD", OPTIONS)
    assert got.letters == expected, (reply, got)
    assert got.missing == (expected == "")


def test_enough_phrasings_are_covered() -> None:
    assert len(CASES) >= 40


def test_letters_outside_the_options_are_ignored() -> None:
    # Three options only (an item with a missing letter): "D" is not an answer.
    assert extract_choice("答案：D", "ABC").letters == ""
    # "AD" names a letter that is not an option: not read as "A" (which could earn partial credit).
    assert extract_choice("答案：AD", "ABC").letters == ""


def test_methods_are_reported() -> None:
    assert extract_choice("答案：B").method == "marker"
    assert extract_choice("BD").method == "leading"
    assert extract_choice("我认为是C").method == "standalone"
    assert extract_choice("焦虑", options=OPTIONS).method == "option_text"
    assert extract_choice("不知道").method == "none"
