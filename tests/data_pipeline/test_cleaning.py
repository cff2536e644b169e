"""Single-turn text normalization and quality heuristics (pure functions, no model)."""

from __future__ import annotations

from training.data.cleaning import has_contact_info, normalize_text, qa_filter_reason, repeated_sentence_share
from training.data.recipe import SingleTurnConfig

CFG = SingleTurnConfig()
ANSWER = ("It sounds like you have been carrying this worry for a long time. Many people feel this way when "
          "work and family pull in different directions. What would a small first step look like for you?")


def test_normalize_text():
    assert normalize_text("hang out with.Seriously, the") == "hang out with. Seriously, the"
    assert normalize_text("a&amp;b <br/>c\u200b  d\r\n\r\n\r\n\r\ne") == "a&b\nc d\n\ne"
    assert normalize_text("I feel　very\u00a0sad") == "I feel very sad"
    assert normalize_text("e.g.Smith") == "e.g. Smith"  # a rare false split costs one space, nothing more
    assert normalize_text("版本1.5适用") == "版本1.5适用"  # decimals stay


def test_contact_info_but_not_crisis_lines():
    assert has_contact_info("Call my office at (555) 987-6543 to book a session.")
    assert has_contact_info("Read more on www.my-practice.com today.")
    assert has_contact_info("Email me: jane.doe@example.org")
    assert not has_contact_info("Please call the National Suicide Prevention Lifeline at 1-800-273-8255 now.")
    assert not has_contact_info("可以拨打心理危机干预热线 400-161-9995 寻求帮助。")
    assert not has_contact_info("Between 2010 - 2015 I saw 120 clients.")


def test_filter_reasons():
    assert qa_filter_reason("How can I stop worrying about work all the time?", ANSWER, "en", CFG) is None
    assert qa_filter_reason("Hi?", ANSWER, "en", CFG) == "question_too_short"
    assert qa_filter_reason("How can I stop worrying about work all the time?", "Relax.", "en", CFG) == "answer_too_short"
    assert qa_filter_reason("我总是担心工作上的事情，晚上睡不着，怎么办？", ANSWER, "zh", CFG) == "language"
    assert qa_filter_reason("How can I stop worrying about work all the time?", ANSWER + " Call 555-123-45678.",
                            "en", CFG) == "contact_info"
    looping = " ".join(["You should relax more."] * 12)
    assert repeated_sentence_share(looping) > 0.9
    assert qa_filter_reason("How can I stop worrying about work all the time?", looping, "en", CFG) == "repetitive"
    assert qa_filter_reason("How can I stop worrying about work all the time?", ANSWER + " ■■■■■■■■■■" * 8,
                            "en", CFG) == "symbols"
