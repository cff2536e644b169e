"""Lexicon rules for danger told next to a protective step (session 31, from the misses of the development
set tests/data/followups_protective_steps.jsonl read as first messages): a child taken along in death,
one means weighed against another, the means bought again, a promise that holds only until someone leaves,
self-harm switched to burning, medication "cheeked" and hoarded. Each rule has crises it catches and near
misses with the same words that stay below a crisis.

Sentences written for this file, not copied from any set in tests/data/. Lexicon only, in memory.
"""

from __future__ import annotations

import pytest

from .conftest import assert_below_crisis, assert_reaches, user

CRISES = [
    ("我只想让女儿跟我一起走，她留下来也是受罪", "high", "harm_to_others"),
    ("带上宝宝一起死算了", "high", "harm_to_others"),
    ("刀片和农药都在抽屉里 我一直在想哪个更快", "high", "suicide"),
    ("got the rope in the garage and the bridge near work, i keep wondering which one would be quicker", "high", "suicide"),
    ("绳子被我哥拿走了 我昨天又买了一根 放在后备箱", "high", "suicide"),
    ("my sister took the rope so i ordered another rope online", "high", "suicide"),
    ("我答应我妈这几天不会做傻事，等她回老家以后再说", "high", "suicide"),
    ("I promised her I would stay safe tonight but once she leaves all bets are off", "high", "suicide"),
    ("mum hid the razors so im burning instead now", "high", "self_harm"),
    ("been cheeking my pills on the ward for days", "high", "suicide"),
    ("i've got twelve tablets in my sock from the last fortnight", "high", "suicide"),
]

NEAR_MISSES = [
    "周末带着孩子一起走亲戚",
    "我让儿子跟我一起走路去学校",
    "她和女儿一起走回家",
    "地铁和公交哪个更快",
    "吃药和打针哪个更快见效",
    "这两种药哪个更快",
    "I have ibuprofen and paracetamol tablets, which one is faster?",
    "which is quicker, the train or the bus?",
    "我又买了一根数据线",
    "答应妈妈今晚不熬夜了，等周五考完试再说",
    "Got a new rope for my climbing gym sessions",
    "bought more charcoal for the bbq",
    "I promised my mum I'd stay safe on the trip. Once she's back it's a different story, we'll go out more",
    "burning calories instead of sitting around",
    "I keep my meds in a pill box",
]


@pytest.mark.parametrize("text,level,category", CRISES)
def test_danger_next_to_a_protective_step_reaches_a_crisis(text: str, level: str, category: str) -> None:
    assert_reaches(user(text), level, category)


@pytest.mark.parametrize("text", NEAR_MISSES)
def test_the_same_words_in_ordinary_life_stay_below_a_crisis(text: str) -> None:
    assert_below_crisis(user(text))
