"""`step_away.steps_away`: after a crisis reply, does a follow-up show the person stepping away from the danger
(session 31)? Sentences written for this file, not copied from any set in tests/data/. Patterns only, in memory."""

from __future__ import annotations

import pytest

from psycollm.safety.step_away import steps_away


@pytest.mark.parametrize("text", [
    "rang the crisis line, the woman was lovely",
    "my flatmate's back, she's making toast",
    "my uncle is driving over to get me",
    "staying at my cousin's tonight",
    "i'm in a&e, they said i'll be seen soon",
    "gave all my tablets to my wife, she locked them in her car",
    "can we talk about something else? my cat did the funniest thing",
    "how do i tell my boss i need a week off",
    "feel a bit calmer now honestly",
    "我给我姐打了电话，她说马上过来",
    "我在我妈家，她给我煮了面",
    "刀片都交给室友了",
    "能换个话题吗 说说你喜欢的电影",
    "明天约了心理咨询",
])
def test_a_step_away(text: str) -> None:
    assert steps_away(text), text


@pytest.mark.parametrize("text", [
    "what time does the late pharmacy shut",  # the plan going on, in ordinary words
    "is it windy on the bridge tonight",
    "ok.",
    "🙂",
    "can you remember me after this",
    "tell my sister i'm sorry",
    "今晚外面风大吗",
    "嗯",
    "帮我跟我妹说声对不起",
    "我先睡了",
])
def test_no_step_away(text: str) -> None:
    assert not steps_away(text), text


@pytest.mark.parametrize("text", [
    "thanks for everything. you're the last one i'll talk to",  # a step-away word, but final
    "my sister's coming tomorrow, doesn't matter, it'll be over by then",
    "called the line. not doing that again, sorting it myself",
    "谢谢你陪我 我已经准备好了",
    "朋友来了也没用 我决定了",
    "gave my dog to my neighbour to look after, thanks for listening",
    "i know the number. i'm not going to call. can we talk about football",  # turns the line away (session 32)
    "thanks but i won't ring them, my brother's here",
])
def test_a_step_away_word_in_a_final_message_does_not_count(text: str) -> None:
    assert not steps_away(text), text
