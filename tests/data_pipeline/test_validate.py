"""Parsing and validation of model output, and the published record schema (pure functions, no model)."""

from __future__ import annotations

import json

import pytest

from psycollm.errors import ConfigError
from training.data.templates import all_templates, load_template, parse_template
from training.data.validate import (
    InvalidRecord,
    MalformedOutput,
    check_record,
    extract_json,
    language_of,
    parse_answer,
    parse_dialogue,
    parse_judgment,
    parse_pairs,
)


def _dialogue(turns: list[tuple[str, str]]) -> str:
    return json.dumps({"dialogue": [{"role": r, "content": c} for r, c in turns]}, ensure_ascii=False)


GOOD_EN = [("seeker", "I can't sleep."), ("counselor", "That sounds exhausting. What keeps you awake?"),
           ("seeker", "Work worries."), ("counselor", "Work has been weighing on you. Tell me more?")]


def reason(fn, *args, **kw) -> str:
    with pytest.raises(MalformedOutput) as info:
        fn(*args, **kw)
    return info.value.reason


def test_every_template_loads_with_a_version_and_renders():
    templates = all_templates()
    assert {(t.name, t.lang) for t in templates} >= {(n, lang) for n in ("multi_generate", "multi_judge",
                                                                      "multi_refine", "single_rewrite", "kb_qa")
                                                  for lang in ("zh", "en")}
    for t in templates:
        assert t.version and t.sha and t.truncate in t.variables
        messages = t.render(**{v: f"<{v}>" for v in t.variables})
        assert messages[0]["role"] == "system" and messages[-1]["role"] == "user"
        assert all(f"<{v}>" in "".join(m["content"] for m in messages) for v in t.variables)
        assert "$" not in messages[-1]["content"]
    # The JSON example's braces survive substitution untouched.
    assert '{"dialogue": [{"role": "seeker"' in load_template("multi_generate", "en").render(
        case="c", min_exchanges="1", max_exchanges="2")[-1]["content"]


def test_template_errors_are_clear():
    with pytest.raises(ConfigError, match="needs"):
        load_template("multi_judge", "en").render(case="only the case")
    with pytest.raises(ConfigError, match="header"):
        parse_template("### user\nhello")
    assert load_template("kb_qa", "fr").lang == "en"  # no French template: English


def test_extract_json_from_chatter_and_fences():
    assert extract_json('Here you go:\n```json\n{"a": 1}\n```\nThanks') == {"a": 1}
    assert extract_json('noise {"a": [1, 2]} trailing') == {"a": [1, 2]}
    assert reason(extract_json, "no json at all") == "bad_json"
    assert reason(extract_json, "  ") == "empty_reply"


def test_parse_dialogue_accepts_good_and_normalizes():
    text = _dialogue([*GOOD_EN, ("seeker", "Thanks!")])  # a trailing seeker turn is trimmed
    msgs = parse_dialogue(text, "en", min_exchanges=2)
    assert [m["role"] for m in msgs] == ["user", "assistant", "user", "assistant"]
    prefixed = _dialogue([("来访者", "来访者：我睡不着。"), ("咨询师", "心理咨询师：听起来很辛苦。")])
    assert parse_dialogue(prefixed, "zh")[0]["content"] == "我睡不着。"


@pytest.mark.parametrize(("turns", "expected"), [
    ([("seeker", "a b c"), ("seeker", "d e f")], "wrong_roles"),
    ([("counselor", "Hello there."), ("seeker", "Hi.")], "wrong_roles"),
    ([("narrator", "Once upon a time"), ("counselor", "ok")], "wrong_roles"),
    ([("seeker", "I am sad."), ("counselor", "   ")], "empty_turn"),
    ([("seeker", "I am sad."), ("counselor", "我明白你的感受，我们慢慢说。")], "language_switch"),
    ([("seeker", "I am sad."), ("counselor", "ok " * 200)], "degenerate"),
    ([("seeker", "what the seeker says"), ("counselor", "what the counselor says")], "placeholder"),
])
def test_parse_dialogue_rejects_malformed(turns, expected):
    assert reason(parse_dialogue, _dialogue(turns), "en") == expected


def test_parse_dialogue_counts_exchanges():
    assert reason(parse_dialogue, _dialogue(GOOD_EN), "en", min_exchanges=3) == "too_few_turns"
    assert reason(parse_dialogue, _dialogue(GOOD_EN), "en", max_exchanges=1) == "too_many_turns"


def test_parse_judgment_requires_every_counselor_turn():
    good = {"turns": [{"turn": 1, "verdict": "supported", "unsupported_claims": [], "reason": "in case"},
                      {"turn": 2, "verdict": "unsupported", "unsupported_claims": ["a sister"], "reason": "invented"}]}
    j = parse_judgment(json.dumps(good), 2)
    assert j.score == 0.5 and j.turns[1]["unsupported_claims"] == ["a sister"]
    assert j.to_dict(0.8)["passed"] is False
    assert reason(parse_judgment, json.dumps(good), 3) == "judgment_coverage"
    bad = {"turns": [{"turn": 1, "verdict": "maybe", "reason": "?"}]}
    assert reason(parse_judgment, json.dumps(bad), 1) == "bad_judgment"
    no_reason = {"turns": [{"turn": 1, "verdict": "supported"}]}
    assert reason(parse_judgment, json.dumps(no_reason), 1) == "bad_judgment"


def test_parse_answer_and_pairs():
    assert parse_answer('{"answer": "I hear you. Sleep matters."}', "en", reference="Sleep matters a lot.")
    assert reason(parse_answer, '{"answer": "ok"}', "en", reference="x" * 200) == "length_drift"
    article = "Sleep hygiene means keeping regular sleep and wake times."
    pairs = parse_pairs(json.dumps({"pairs": [{"question": "What is sleep hygiene?", "answer": article},
                                              {"question": "Why?", "answer": "Bananas orbit Jupiter weekly."}]}),
                        "en", source=article, min_grounding=0.5, max_pairs=3)
    assert len(pairs) == 1 and pairs[0]["grounding"] == 1.0
    assert reason(parse_pairs, '{"pairs": [{"question": "Why?", "answer": "Bananas orbit."}]}', "en",
                  source=article, min_grounding=0.5, max_pairs=3) == "ungrounded"


def test_language_of():
    assert language_of("我最近总是睡不着") == "zh"
    assert language_of("I can't sleep lately") == "en"
    assert language_of("最近はよく眠れません、ありがとうございます") == "other"
    assert language_of("... 123 !!") == ""


def test_check_record_schema():
    ok = {"id": "x", "stage": "single_turn", "source": "s", "license": "MIT", "lang": "en",
          "messages": [{"role": "system", "content": "Be kind."}, {"role": "user", "content": "Hi there"},
                       {"role": "assistant", "content": "Hello, how are you?"}]}
    check_record(ok)
    for broken in (
        {**ok, "messages": ok["messages"][:2]},  # ends with the user
        {**ok, "messages": [*ok["messages"][:2], {"role": "assistant", "content": " "}]},
        {**ok, "messages": [*ok["messages"][:2], {"role": "assistant", "content": "你好，最近怎么样？"}]},
        {**ok, "lang": "fr"},
        {k: v for k, v in ok.items() if k != "license"},
    ):
        with pytest.raises(InvalidRecord):
            check_record(broken)
