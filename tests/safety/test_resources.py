"""The crisis resources: every line says where its number comes from and whether it was checked, and a
turn about drinking or drugs names the locale's substance-use line (session 30; before, none was listed).
Real lexicon, real guard, real Counselor with the ScriptedBackend (the project's documented fake model)
so the test can read the system prompt the model was given.
"""

from __future__ import annotations

import datetime
import json

import pytest

from psycollm.backends.scripted import ScriptedBackend
from psycollm.chat import Counselor
from psycollm.safety import replies
from psycollm.safety.resources import INTERNATIONAL, RESOURCES, resources_for

SAMHSA, FRANK, POISON = "1-800-662-4357", "0300 123 6600", "1-800-222-1222"
DRINKING = "Lately I tend to over drink and I've become a very angry drunk."


def test_every_line_has_a_source_and_a_checked_line_has_its_date() -> None:
    for locale, lines in [*RESOURCES.items(), ("*", [INTERNATIONAL])]:
        for r in lines:
            assert r.source, (locale, r.name)
            if r.verified:
                assert datetime.date.fromisoformat(r.checked), (locale, r.name)
            else:
                assert not r.checked, (locale, r.name)  # a date on an unchecked line would read as a check


def test_each_english_locale_has_a_substance_line_and_china_has_none() -> None:
    """The US line was checked against SAMHSA's page; the UK's FRANK only against a copy of its leaflet; no
    national Chinese substance-use line could be checked offline, so none is listed (docs/safety.md)."""
    assert [r.number for r in resources_for("US", ["substance_use"]) if r.kind == "substance"] == [SAMHSA]
    assert [r.number for r in resources_for("UK", ["substance_use"]) if r.kind == "substance"] == [FRANK]
    assert [r for r in resources_for("CN", ["substance_use"]) if r.kind == "substance"] == []
    assert next(r for r in RESOURCES["US"] if r.number == SAMHSA).verified
    assert not next(r for r in RESOURCES["UK"] if r.number == FRANK).verified


@pytest.mark.parametrize("locale,line", [("US", SAMHSA), ("UK", FRANK)])
def test_the_caution_line_for_substance_use_names_the_substance_line(locale: str, line: str) -> None:
    text = replies.caution_resources("en", locale, ["substance_use"])
    assert line in text
    assert line not in replies.caution_resources("en", locale, ["suicide"])
    assert line in replies.caution_addendum("en", locale, ["substance_use"])


def test_a_chinese_substance_turn_keeps_the_national_line() -> None:
    text = replies.caution_resources("zh", "CN", ["substance_use"])
    assert "12356" in text and "120" in text


def test_an_overdose_names_poison_control_before_the_substance_line() -> None:
    """Both categories: the one category line a caution turn names is the poison line, the more urgent."""
    kinds = [r.kind for r in replies.key_lines("US", ["medical_emergency", "substance_use"])]
    assert "poison" in kinds and "substance" not in kinds


def test_the_counselor_shows_the_substance_line_and_tells_the_model(settings, guard) -> None:
    settings.retrieval.enabled = False
    backend = ScriptedBackend(["Drinking to get through things can creep up on anyone. What is it helping with?"])
    counselor = Counselor(backend, settings, guard=guard)
    final = list(counselor.respond([], DRINKING))[-1]
    assert final.status == "ok" and final.notice.kind == "caution"
    assert "substance_use" in final.notice.categories
    assert SAMHSA in final.notice.resources
    assert SAMHSA in backend.calls[0][0]["content"]


def test_the_cli_lists_the_substance_lines_with_their_sources(capsys) -> None:
    from psycollm.safety.cli import resources_main

    class Args:
        locale = None
        json = True

    assert resources_main(Args()) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.strip()]
    numbers = {row["number"]: row for row in rows}
    assert numbers[SAMHSA]["verified"] is True and "samhsa.gov" in numbers[SAMHSA]["source"]
    assert numbers[FRANK]["verified"] is False


@pytest.mark.parametrize(("header", "region"), [
    ("en-GB,en;q=0.9", "GB"), ("en_US", "US"), ("zh-Hans-CN,zh;q=0.8", "CN"), ("en,zh-CN;q=0.5", None),
    ("es-419", "419"), ("en", None), ("", None), (None, None),
])
def test_the_browsers_region_is_read_from_its_accept_language(header, region) -> None:
    from psycollm.ui.i18n import browser_region

    assert browser_region(header) == region


def test_with_locale_auto_the_region_picks_the_lines_and_a_configured_locale_wins() -> None:
    from psycollm.safety.resources import resolve_locale

    assert resolve_locale("auto", "en", "GB") == "UK" and resolve_locale("auto", "zh", "US") == "US"
    assert resolve_locale("auto", "en", "NZ") == "US" and resolve_locale("auto", "zh", None) == "CN"  # no NZ lines
    assert resolve_locale("auto", "zh", "TW") == "TW" and resolve_locale("auto", "en", "AU") == "AU"
    assert resolve_locale("UK", "en", "US") == "UK" and resolve_locale("cn", "en", "GB") == "CN"


def test_chinese_lines_in_an_english_reply_are_named_in_english() -> None:
    """A browser in China writing English gets the Chinese lines, named (and their hours given) in English."""
    reply = replies.crisis_reply("en", "CN", "high", ["suicide"])
    assert "12356" in reply and "National psychological assistance hotline" in reply and "18 hours" in reply
    assert not any("\u4e00" <= c <= "\u9fff" for c in reply)
    assert "全国统一心理援助热线" in replies.crisis_reply("zh", "CN", "high", ["suicide"])
    assert not any("\u4e00" <= c <= "\u9fff" for c in replies.caution_resources("en", "CN", ["suicide"]))
    # the English locales keep their own names, with what to do ("text HOME")
    assert "Crisis Text Line (text HOME)" in replies.crisis_reply("en", "US", "high", ["suicide"])


def test_the_counselor_gives_the_lines_of_the_users_region_also_when_the_screen_fails(settings, guard) -> None:
    """Real guard and Counselor (ScriptedBackend, never asked on these turns); a learned layer that raises (a
    stand-in) makes the screen fail closed: the failure reply carries the region's lines too."""
    from psycollm.safety.guard import Guard

    class Broken:
        def assess(self, messages, evidence="none"):
            raise RuntimeError("injected")

    settings.retrieval.enabled = False
    backend = ScriptedBackend(["I hear you."])
    counselor = Counselor(backend, settings, guard=guard)
    uk = list(counselor.respond([], "I have the pills saved up for tonight.", region="GB"))[-1]
    assert uk.status == "crisis" and "116 123" in uk.text and "988" not in uk.text
    us = list(counselor.respond([], "I have the pills saved up for tonight.", region="NZ"))[-1]
    assert "988" in us.text  # no lines for New Zealand here: the message language's, with findahelpline.com
    assert "findahelpline.com" in us.text
    failing = Counselor(backend, settings, guard=Guard(learned=Broken()))
    failed = list(failing.respond([], "I feel a bit low today.", region="GB"))[-1]
    assert failed.status == "crisis" and failed.notice.kind == "failure" and "116 123" in failed.text
    assert backend.calls == []
    assert guard.for_region(None) is guard and guard.for_region("GB").learned is guard.learned


@pytest.mark.parametrize(("locale", "crisis", "emergency"), [
    ("CN", "12356", "120"), ("US", "988", "911"), ("UK", "116 123", "999"), ("AU", "13 11 14", "000"),
    ("CA", "988", "911"), ("HK", "2389 2222", "999"), ("TW", "1925", "119"),
])
def test_every_locale_gives_a_checked_crisis_line_and_its_emergency_number_in_each_reply(locale, crisis,
                                                                                         emergency) -> None:
    """Each locale's crisis reply, caution line and model note name its checked crisis line, and the crisis reply
    (in what to do now, too: no 120 for Hong Kong, no 911 first for Australia) and the caution line its emergency
    number; the last line points elsewhere by the locale's own place."""
    lines = RESOURCES[locale]
    assert any(r.kind == "crisis" and r.verified and r.number == crisis for r in lines)
    assert any(r.kind == "emergency" and r.verified and r.number == emergency for r in lines)
    for lang in ("en", "zh"):
        reply = replies.crisis_reply(lang, locale, "imminent", ["suicide"])
        caution = replies.caution_resources(lang, locale, ["suicide"])
        note = replies.caution_addendum(lang, locale, ["suicide"])
        assert crisis in reply and emergency in reply and "findahelpline.com" in reply
        now = reply.split("\n\n")[1]  # what to do now, before the list: the locale's own emergency number
        assert emergency in now, now
        if locale not in ("CN", "US", "UK"):
            assert "120" not in now if lang == "zh" else now.index(emergency) < now.index("elsewhere")
        assert crisis in caution and caution.rindex(emergency) > caution.index(crisis), caution
        assert crisis in note
    place = {"CN": "中国大陆", "HK": "香港", "TW": "台湾", "US": "美国"}.get(locale)
    if place:
        assert f"不在{place}？" in replies.crisis_reply("zh", locale, "high", ["suicide"])


def test_the_pages_notice_names_the_lines_of_the_users_region() -> None:
    """The notice at the top of the chat page says what to call by the same rule as the replies: the region's
    locale when it has lines (or the configured locale), else the general US and China lines it always named."""
    from psycollm.ui.chat_tab import crisis_help
    from psycollm.ui.i18n import t

    assert crisis_help("en", "GB") == "In the UK: Samaritans 116 123; emergency 999"
    assert crisis_help("zh", "TW") == "请立即拨打 119/110，或拨打衛生福利部 1925 安心專線"
    assert "2389 2222" in crisis_help("zh", "HK") and "120" not in crisis_help("zh", "HK")
    assert crisis_help("en", "") == t("en", "crisis_help") and crisis_help("zh", "NZ") == t("zh", "crisis_help")
    assert "116 123" in crisis_help("en", "US", "UK")  # a configured locale wins over the browser
    assert crisis_help("en", "", "XX") == t("en", "crisis_help")  # a bad setting: the general text, no error
    notice = t("en", "notice", crisis_url=t("en", "crisis_url"), help=crisis_help("en", "AU"))
    assert "13 11 14" in notice and "000" in notice and "not a substitute for professional care" in notice


@pytest.mark.parametrize(("locale", "topic", "line"), [
    ("AU", "partner", "1800 737 732"), ("HK", "sexual", "18281"), ("TW", "child", "113"),
    ("CA", "child", "1-800-668-6868"),
])
def test_the_new_locales_name_their_checked_abuse_line(locale, topic, line) -> None:
    for lang in ("en", "zh"):
        assert line in replies.crisis_reply(lang, locale, "high", ["abuse"], topics=[topic])
        assert line in replies.caution_resources(lang, locale, ["abuse"], [topic])
    assert line not in replies.caution_resources("en", locale, ["suicide"])  # abuse lines for abuse only


def test_an_overdose_in_australia_names_the_poisons_line_before_the_emergency_number() -> None:
    reply = replies.crisis_reply("en", "AU", "imminent", ["medical_emergency", "suicide"])
    assert "13 11 26" in reply and "000" in reply
    caution = replies.caution_resources("en", "AU", ["medical_emergency"])
    assert caution.index("13 11 26") < caution.index("000")
    assert "13 11 26" not in replies.crisis_reply("en", "AU", "high", ["suicide"])  # poisoning only
