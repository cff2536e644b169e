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
