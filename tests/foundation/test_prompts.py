"""Language detection and context-window fitting (Chinese and English). Uses an estimate and, where
it matters, the real llama.cpp tokenizer of the embedded model."""

from __future__ import annotations

from psycollm.backends.base import estimate_message_tokens
from psycollm.prompts import build_messages, detect_language, fit_to_window
from psycollm.retrieval.types import Source


def test_detect_language():
    assert detect_language("我最近总是睡不着，很焦虑") == "zh"
    assert detect_language("I keep waking up at 3am") == "en"
    assert detect_language("最近压力好大, exam 快到了") == "zh"
    assert detect_language("12345 ...", default="zh") == "zh"


def test_system_prompt_language_and_evidence():
    src = Source(chunk_id="c1", doc_id="zh-sleep", title="失眠的认知行为治疗", text="刺激控制与睡眠限制……", score=0.9)
    zh = build_messages([], "睡不着怎么办", [src], lang="zh")
    assert zh[0]["role"] == "system" and "请用中文回答" in zh[0]["content"]
    assert "失眠的认知行为治疗" in zh[0]["content"]
    en = build_messages([], "I can't sleep", [], lang="en", addendum="SAFETY NOTE")
    assert "Reply in English" in en[0]["content"] and "SAFETY NOTE" in en[0]["content"]
    assert en[-1] == {"role": "user", "content": "I can't sleep"}


def _history(n: int, zh: bool) -> list[dict[str, str]]:
    out = []
    for i in range(n):
        if zh:
            out += [{"role": "user", "content": f"第{i}轮：我最近工作压力很大，晚上总是睡不着，心里很烦。" * 3},
                    {"role": "assistant", "content": f"第{i}轮回复：听起来你承受了很多压力，能多说说吗？" * 3}]
        else:
            out += [{"role": "user", "content": f"turn {i}: work has been stressful and I can't sleep at night. " * 3},
                    {"role": "assistant", "content": f"reply {i}: that sounds like a lot of pressure, tell me more. " * 3}]
    return out


def _check_fit(zh: bool, count, budget: int) -> None:
    msgs = build_messages(_history(30, zh), "最新的问题？" if zh else "newest question?", lang="zh" if zh else "en")
    assert count(msgs) > budget  # the test only means something if truncation is needed
    fitted = fit_to_window(msgs, count, budget)
    assert count(fitted) <= budget
    assert fitted[0] == msgs[0]  # system prompt kept
    assert fitted[-1] == msgs[-1]  # newest message kept
    assert fitted[1]["role"] == "user"  # never starts with an orphan answer
    kept = fitted[1:-1]
    assert kept == msgs[len(msgs) - 1 - len(kept):-1]  # the newest turns are the ones kept, in order
    assert len(kept) >= 2


def test_fit_to_window_english_and_chinese_estimate():
    for zh in (False, True):
        _check_fit(zh, estimate_message_tokens, budget=600)


def test_fit_to_window_cuts_an_oversized_message_from_the_start():
    long_msg = "开头" + "很长的消息。" * 2000 + "最后一句最重要"
    msgs = build_messages([], long_msg, [Source("c", "d", "t", "证据" * 300, 1.0)], lang="zh")
    fitted = fit_to_window(msgs, estimate_message_tokens, budget=500)
    assert estimate_message_tokens(fitted) <= 500
    assert fitted[-1]["content"].endswith("最后一句最重要")
    assert "证据" not in fitted[0]["content"]  # evidence dropped before the user's words
    assert "请用中文回答" in fitted[0]["content"]


def test_fit_to_window_with_the_real_tokenizer(llamacpp_backend):
    for zh in (False, True):
        _check_fit(zh, llamacpp_backend.count_tokens, budget=700)
