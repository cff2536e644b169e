"""The labelled sample of real messages (tests/data/real_text_labels.jsonl) that
benchmarks/safety_real_data.py scores: references and labels only, and every reference still resolves.

    .venv/bin/python -m pytest tests/safety/test_real_text_labels.py
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
LABELS = REPO / "tests" / "data" / "real_text_labels.jsonl"
LEVELS = {"none", "low", "high", "imminent", "request"}
CATEGORIES = {"suicide", "self_harm", "harm_to_others", "abuse", "medical_emergency", "psychosis_mania",
              "lethal_means", "hide_self_harm", "medication_dosing", "diagnosis_request", "jailbreak"}


def _benchmark():
    spec = importlib.util.spec_from_file_location("safety_real_data", REPO / "benchmarks" / "safety_real_data.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def test_labels_file_holds_references_not_text():
    """The data sets must not be copied into the repo: a row is a reference, a hash prefix and a label."""
    rows = [json.loads(line) for line in LABELS.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 1931
    samples = set(_benchmark().SAMPLES)
    for row in rows:
        assert set(row) - {"turn"} == {"source", "item", "sha1", "lang", "sample", "label", "categories", "unsure"}, row
        assert row["source"] in {"counsel_chat", "emollm"} and ("turn" in row) == (row["source"] == "emollm")
        assert row["label"] in LEVELS and set(row["categories"]) <= CATEGORIES and row["sample"] in samples
        assert len(row["sha1"]) == 16 and int(row["sha1"], 16) >= 0
    assert len({(r["source"], r["item"], r.get("turn")) for r in rows}) == len(rows)


def test_every_reference_resolves_to_its_text(shared_data: Path):
    bench = _benchmark()
    loaded = {"counsel_chat": bench.counsel_chat(shared_data / "counsel_chat" / "20200325_counsel_chat.csv"),
              "emollm": bench.emollm(shared_data / "emollm" / "data.json")}
    items, stale = bench.labelled_messages(LABELS, loaded)
    assert stale == 0 and len(items) == 1931
    assert all(item["text"] and bench.text_sha1(item["text"]) == item["sha1"] for item in items)
    # since session 26 every counsel_chat question has a label (flagged, random or the rest)
    assert {i["item"] for i in items if i["source"] == "counsel_chat"} == set(range(len(loaded["counsel_chat"])))


def test_a_changed_source_is_counted_stale_not_mislabelled(tmp_path: Path):
    """A source whose text changed under a reference is reported, not scored under the old label
    (a small written stand-in for the source, so this runs without ../shared/data)."""
    bench = _benchmark()
    labels = tmp_path / "labels.jsonl"
    labels.write_text(json.dumps({"source": "counsel_chat", "item": 0, "sha1": bench.text_sha1("I feel low."),
                                  "lang": "en", "sample": "random", "label": "none", "categories": [], "unsure": False}) + "\n"
                      + json.dumps({"source": "counsel_chat", "item": 5, "sha1": "0" * 16, "lang": "en",
                                    "sample": "random", "label": "low", "categories": [], "unsure": False}) + "\n", encoding="utf-8")
    same = {"counsel_chat": [[{"role": "user", "content": "I feel low."}]]}
    items, stale = bench.labelled_messages(labels, same)
    assert [i["text"] for i in items] == ["I feel low."] and stale == 1  # item 5 does not exist
    changed = {"counsel_chat": [[{"role": "user", "content": "I feel low today."}]]}
    assert bench.labelled_messages(labels, changed) == ([], 2)
    assert bench.labelled_messages(labels, {}) == ([], 0)  # a source that is absent is skipped, not stale
