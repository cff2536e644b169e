"""`psycollm kb build/search/stats` end to end, and the Counselor citing retrieved sources."""

from __future__ import annotations

import json

import pytest

from psycollm.backends.scripted import ScriptedBackend
from psycollm.chat import Counselor
from psycollm.cli import main as psycollm_main


def _flags(settings) -> list[str]:
    return ["--data-dir", settings.data_dir, "--set", f"retrieval.kb_dir={settings.retrieval.kb_dir}"]


def test_kb_commands_end_to_end(kb_settings, capsys: pytest.CaptureFixture[str]):
    flags = _flags(kb_settings)
    assert psycollm_main(["kb", "search", "保密", *flags]) == 1
    assert "psycollm kb build" in capsys.readouterr().err

    assert psycollm_main(["kb", "build", *flags]) == 0
    out = capsys.readouterr().out
    assert "Indexed 8 documents" in out and "flat index" in out

    assert psycollm_main(["kb", "search", "系统脱敏的步骤", "-k", "2", *flags]) == 0
    out = capsys.readouterr().out
    assert out.startswith("1. [") and "系统脱敏法" in out and "zh-fx-desensitization#" in out and "bm25 #" in out

    assert psycollm_main(["kb", "search", "sleep hygiene", "-k", "3", "--mode", "lexical", "--json", *flags]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["rank"] for r in rows] == [1, 2, 3][:len(rows)] and rows[0]["doc_id"] == "en-fx-insomnia"

    assert psycollm_main(["kb", "stats", *flags]) == 0
    out = capsys.readouterr().out
    assert "documents  8" in out and "use-multilingual" in out and "up to date" in out


def test_kb_build_add_and_full(kb_settings, tmp_path, capsys: pytest.CaptureFixture[str]):
    note = tmp_path / "note.txt"
    note.write_text("Box breathing: inhale four seconds, hold four, exhale four, hold four.", encoding="utf-8")
    flags = _flags(kb_settings)
    assert psycollm_main(["kb", "build", "--add", str(note), *flags]) == 0
    assert "Indexed 9 documents" in capsys.readouterr().out
    assert psycollm_main(["kb", "build", "--full", *flags]) == 0
    out = capsys.readouterr().out
    assert "Indexed 9 documents" in out and "0 reused" in out
    assert psycollm_main(["kb", "build", "--add", str(tmp_path / "nope.md"), *flags]) == 1
    assert "no such file" in capsys.readouterr().err


def test_counselor_puts_evidence_in_the_prompt_and_returns_sources(kb_settings):
    kb_settings.safety.enabled = False
    backend = ScriptedBackend(["It sounds like exams are keeping you awake."])
    counselor = Counselor.from_settings(kb_settings, backend=backend)
    events = list(counselor.respond([], "I can't fall asleep at night before my exams"))
    final = events[-1]
    assert final.done and final.status == "ok"
    assert final.sources and final.sources[0].doc_id in {"en-fx-insomnia", "zh-fx-insomnia"}
    assert len(final.sources) == kb_settings.retrieval.top_k
    system = backend.calls[0][0]
    assert system["role"] == "system" and final.sources[0].text[:40] in " ".join(system["content"].split())
    counselor.close()
