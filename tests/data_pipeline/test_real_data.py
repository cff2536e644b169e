"""The pipeline on the real shared data (../shared/data; skipped without it), with the scripted
replies of training/data/scripted_replies.py standing in for the model (a documented fake), so the
real formats, the real PCEB overlap and the real cleaning are exercised in seconds."""

from __future__ import annotations

import json

import pytest

from training.data.pipeline import build
from training.data.recipe import load_recipe


@pytest.mark.realdata
def test_tiny_real_build_and_pceb_overlap(shared_data, make_ctx, scripted, tmp_path):
    from datasets import load_from_disk

    recipe = load_recipe(None, [f"shared_data={shared_data}", f"output={tmp_path / 'out'}",
                                f"work_dir={tmp_path / 'work'}", "limit=3", "progress=false"])
    out = build(make_ctx(recipe, scripted))
    ds = load_from_disk(str(out))
    stats = json.loads((out / "stats.json").read_text())

    # Every source made it through with its license.
    assert {"counsel_chat", "emollm", "cpsycound", "cpsyexam", "cpsyexam_qa"} <= set(stats["by_source"])
    assert stats["licenses"]["cpsycound"] == "CC-BY-4.0" and stats["licenses"]["cpsyexam"] == "CC0-1.0"
    assert stats["by_stage"]["multi_turn"] == 3  # the scripted replies are valid for real case texts too
    # The shared data's README: 103 CPsyExam stems overlap PCEB. Exact-stem removal in train+dev alone
    # must find at least that many distinct stems (items repeat across files; case overlaps come on top).
    dec = stats["stages"]["knowledge"]["decontamination"]
    assert dec["by_reason"]["stem"] >= 103 and dec["removed"] > dec["by_reason"]["stem"]
    for split in ds.values():
        for row in split:
            assert row["messages"][0]["role"] == "system" and row["messages"][-1]["role"] == "assistant"
