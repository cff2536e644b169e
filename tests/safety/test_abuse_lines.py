"""The abuse line that fits: an adult survivor of rape is shown a sexual-assault line, a child a child line,
a partner's violence a domestic-violence line (session 26; before, every abuse finding named the locale's
first abuse line, Childhelp in the US). Real lexicon, real guard, real Counselor with the ScriptedBackend
(the project's documented fake model) so the test can read the system prompt the model was given.
"""

from __future__ import annotations

import pytest

from psycollm.backends.scripted import ScriptedBackend
from psycollm.chat import Counselor
from psycollm.safety import replies
from psycollm.safety.abuse_topics import abuse_topics
from psycollm.safety.crisis_screen import screen_conversation
from psycollm.safety.guard import Guard
from psycollm.safety.resources import RESOURCES, resources_for
from psycollm.safety.types import Action

from .conftest import assert_level, user

RAINN, CHILDHELP, NDVH = "1-800-656-4673", "1-800-422-4453", "1-800-799-7233"
RAPE_CRISIS_EW, CHILDLINE, REFUGE = "0808 500 2222", "0800 1111", "0808 2000 247"


@pytest.mark.parametrize("text,topics", [
    ("I was raped by my ex-boyfriend last year.", ["sexual", "partner"]),
    ("As a child, I was molested by my mother's boyfriend.", ["sexual", "child"]),  # her boyfriend, not theirs
    ("My uncle abused me when I was 8.", ["child"]),
    ("My husband is verbally abusive.", ["partner"]),
    ("He sexually assaulted me at a party.", ["sexual"]),
    ("My therapist says I should leave him.", []),  # "rapist" inside "therapist" is not rape
    ("He is physically abusive.", []),
    ("我被前男友强奸了", ["sexual", "partner"]),
    ("小时候爸爸经常打我", ["child"]),
    ("老公喝醉了就打我", ["partner"]),
    ("他又來摸我", ["sexual"]),  # traditional characters are normalized first
])
def test_abuse_topics_read_who_was_harmed_and_how(text: str, topics: list[str]) -> None:
    assert abuse_topics([text]) == topics


@pytest.mark.parametrize("locale,topics,first", [
    ("US", ["sexual"], RAINN), ("US", ["partner"], NDVH), ("US", ["child"], CHILDHELP), ("US", [], CHILDHELP),
    ("UK", ["sexual"], RAPE_CRISIS_EW), ("UK", ["partner"], REFUGE), ("UK", [], CHILDLINE),
    ("CN", ["sexual"], "12338"), ("CN", ["child"], "12355"),
])
def test_the_fitting_abuse_line_comes_first_and_no_line_is_dropped(locale: str, topics: list[str], first: str) -> None:
    plain = resources_for(locale, ["abuse"])
    ordered = resources_for(locale, ["abuse"], topics)
    assert sorted(r.number for r in ordered) == sorted(r.number for r in plain)  # a reorder, never a filter
    abuse = [r for r in ordered if r.kind in ("abuse", "youth")]
    assert abuse[0].number == first
    # the crisis and emergency lines keep their places
    assert [r.number for r in ordered if r.kind not in ("abuse", "youth")] == \
           [r.number for r in plain if r.kind not in ("abuse", "youth")]


def test_every_abuse_line_says_whom_it_serves_and_where_its_number_comes_from() -> None:
    for locale, lines in RESOURCES.items():
        for r in lines:
            assert r.source, (locale, r.name)
            if "abuse" in r.categories:
                assert set(r.topics) <= {"sexual", "partner", "child"} and r.topics, (locale, r.name)


def test_an_adult_rape_survivor_is_shown_a_sexual_assault_line_not_a_child_line(guard) -> None:
    v = guard.screen_input(user("I was raped by my ex-boyfriend last year and I still can't sleep."), "en")
    assert v.action == Action.CAUTION and v.layers["abuse_topics"] == ["sexual", "partner"]
    assert RAINN in v.resources and NDVH in v.resources and CHILDHELP not in v.resources
    assert "988" in v.resources and "911" in v.resources
    assert RAINN in v.system_addendum  # the model is told the same line
    uk = Guard(locale="UK").screen_input(user("I was raped when I was at university."), "en")
    assert RAPE_CRISIS_EW in uk.resources and CHILDLINE not in uk.resources


def test_a_child_is_shown_a_child_line(guard) -> None:
    v = guard.screen_input(user("My stepdad hits me every night and I'm 12."), "en")
    assert v.action == Action.CRISIS
    assert v.reply.index(CHILDHELP) < v.reply.index(NDVH) < v.reply.index(RAINN)
    zh = guard.screen_input(user("小时候爸爸经常打我，现在搬出来了，但还是经常做噩梦"), "zh")
    assert zh.action == Action.CAUTION and "12355" in zh.resources and "12356" in zh.resources


def test_abuse_with_no_cue_keeps_the_locales_first_abuse_line(guard) -> None:
    v = Guard(locale="US").screen_input(user("He is physically abusive towards me."), "en")
    assert v.level in ("low", "high") and "abuse" in v.categories and "abuse_topics" not in v.layers
    text = v.resources or v.reply
    assert CHILDHELP in text


def test_a_finding_without_abuse_names_no_abuse_line(guard) -> None:
    v = guard.screen_input(user("Sometimes I wish I could just disappear. My boyfriend left me."), "en")
    assert v.action == Action.CAUTION and "abuse" not in v.categories and "abuse_topics" not in v.layers
    assert not any(n in v.resources for n in (RAINN, CHILDHELP, NDVH))


def test_the_topics_come_from_the_turn_that_told_the_abuse() -> None:
    """A boyfriend named in another turn does not make a father's abuse a partner's."""
    conv = [*user("My boyfriend says I should talk to someone."), {"role": "assistant", "content": "I'm listening."},
            *user("When I was little my dad hit me almost every day.")]
    assert screen_conversation(conv).topics == ["child"]


@pytest.mark.parametrize("text,level", [
    ("我被前男友强奸了，现在还是睡不着", "low"), ("去年我被前男友强奸了，一直走不出来", "low"),
    ("我被前男友强奸了，至今还会做噩梦", "low"),
    ("我被前男友强奸了，他现在还在骚扰我", "high"), ("我被继父强奸过，他到现在还会来找我", "high"),
])
def test_chinese_rape_survived_goes_on_only_when_the_abuse_does(text: str, level: str) -> None:
    """Session 26: "现在还是睡不着" (still can't sleep) made a survived rape a crisis reply, as if the abuse went
    on; the harm that stays is caution, the abuse that goes on is high."""
    assert assert_level(text, level).categories == ["abuse"]


def test_the_counselor_shows_the_fitting_line_and_tells_the_model(settings, guard) -> None:
    settings.retrieval.enabled = False
    backend = ScriptedBackend(["That sounds so painful. I'm here with you."])
    counselor = Counselor(backend, settings, guard=guard)
    events = list(counselor.respond([], "I was sexually assaulted by a coworker two years ago and I still feel dirty."))
    final = events[-1]
    assert final.status == "ok" and final.notice.kind == "caution"
    assert RAINN in final.notice.resources and CHILDHELP not in final.notice.resources
    assert RAINN in backend.calls[0][0]["content"]


def test_the_caution_line_without_topics_is_unchanged() -> None:
    """The line for suicide risk names the crisis line and the emergency number, as before."""
    line = replies.caution_resources("en", "US", ["suicide"])
    assert "988" in line and "911" in line and "741741" not in line and CHILDHELP not in line
