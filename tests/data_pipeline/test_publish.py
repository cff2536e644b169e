"""Mix and publish: a DatasetDict that `datasets` reads both ways, near-duplicates removed, a card
with counts and PNG histograms; and resume after a simulated crash gives the same data set without
paying twice. Scripted model (documented fake), real datasets/datasketch/SQLite/matplotlib."""

from __future__ import annotations

import json

import pytest

from psycollm.backends.scripted import ScriptedBackend
from psycollm.errors import BackendUnavailable, DatasetInvalid
from training.data.cli import main as data_main
from training.data.pipeline import build


def test_build_publishes_a_valid_dataset_dict(recipe, make_ctx, scripted, tmp_path):
    from datasets import load_dataset, load_from_disk

    # A user file with a near-duplicate of a counsel-chat answer (one word changed) and a fresh pair.
    extra = tmp_path / "mine.jsonl"
    counsel = ("Money conflicts are very common in couples. Try choosing a calm moment, speak about your own "
               "feelings rather than blaming, and agree on one small shared goal. If the fights keep escalating, a "
               "couples counselor can help you both feel heard.")
    rows = [{"question": "How do I talk to my partner about money?\n\nWe fight about money every week and I dread it.",
             "answer": counsel.replace("very common", "really common")},
            {"question": "How can I stop overthinking at night before I sleep?",
             "answer": "Overthinking at night is common. Write your worries down an hour before bed, then do "
                       "something calm; if a worry returns, tell yourself it is on the list for tomorrow."}]
    extra.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    recipe.single_turn.extra_files = [{"path": str(extra), "name": "mine", "license": "CC-BY-4.0"}]
    recipe.mix.validation_fraction = 0.2

    ctx = make_ctx(recipe, scripted)
    out = build(ctx)
    assert out == recipe.output_path(ctx.settings)

    ds = load_from_disk(str(out))
    assert set(ds) == {"train", "validation"} and len(ds["validation"]) >= 1
    stats = json.loads((out / "stats.json").read_text())
    total = len(ds["train"]) + len(ds["validation"])
    assert stats["by_stage"] == {"single_turn": 3 + 2 - 1, "multi_turn": 3, "knowledge": 11}  # - 1 near-duplicate
    assert total == 18
    assert stats["duplicates"]["by_kind"] == {"near": 1}
    dup = json.loads((out / "dropped_duplicates.jsonl").read_text().splitlines()[0])
    assert {dup["id"], dup["duplicate_of"]} == {"counsel_chat-3-0", "mine-0"} and dup["similarity"] >= 0.85

    row = ds["train"][0]
    assert set(row) == {"id", "stage", "source", "license", "lang", "n_turns", "messages", "audit"}
    assert row["messages"][0]["role"] == "system" and row["messages"][-1]["role"] == "assistant"
    multi = [r for split in ds.values() for r in split if r["stage"] == "multi_turn"]
    assert len(multi) == 3 and all(r["n_turns"] == 6 for r in multi)
    assert json.loads(multi[0]["audit"])["judgment"]["turns"][0]["verdict"] in ("supported", "no_claim")

    # The same folder is a hub-style parquet data set (README configs -> data/*.parquet).
    parquet = load_dataset(str(out), cache_dir=str(tmp_path / "hf-cache"))
    assert parquet["train"]["id"] == ds["train"]["id"]

    card = (out / "README.md").read_text()
    assert card.startswith("---\npretty_name: psycollm-sft")
    for needle in ("CC-BY-4.0", "CC0-1.0", "| cpsycound | 3 | CC-BY-4.0", "PCEB decontamination first: 2 of",
                   "generation_malformed 2", "contact_info 1", "figures/length_chars.png", "near 1"):
        assert needle in card, needle
    for png in ("length_chars.png", "turns.png"):
        assert (out / "figures" / png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_resume_after_a_crash_gives_the_same_data_set_without_paying_twice(recipe, make_ctx, script, tmp_path):
    from datasets import load_from_disk

    class CrashingBackend(ScriptedBackend):
        """Dies (server gone) on the n-th batch; counts the replies it handed out."""

        def __init__(self, crash_on: int | None):
            super().__init__(script, model_name="scripted-counselor")
            self.crash_on, self.batches, self.replies = crash_on, 0, 0

        def generate_batch(self, conversations, params):
            self.batches += 1
            if self.batches == self.crash_on:
                raise BackendUnavailable("the model server went away")
            self.replies += len(conversations)
            return super().generate_batch(conversations, params)

    base_work, base_out = recipe.work_dir, recipe.output
    reference = CrashingBackend(None)
    build(make_ctx(recipe, reference))
    expected = load_from_disk(recipe.output)
    assert reference.batches > 8

    for crash_on in (3, 8):  # inside the multi-turn stage, and inside the knowledge stage
        recipe.work_dir, recipe.output = f"{base_work}-{crash_on}", f"{base_out}-{crash_on}"
        crashing = CrashingBackend(crash_on)
        script.flaky_seen.clear()  # the fake's one bit of state: replay it as a fresh model would
        with pytest.raises(BackendUnavailable):
            build(make_ctx(recipe, crashing))
        resumed = CrashingBackend(None)
        build(make_ctx(recipe, resumed))
        got = load_from_disk(recipe.output)
        for split in ("train", "validation"):
            assert got[split].to_list() == expected[split].to_list()
        assert crashing.replies + resumed.replies == reference.replies  # nothing paid twice
        assert crashing.replies > 0 and resumed.replies > 0

    # A finished run re-run: no call at all, same data.
    again = CrashingBackend(None)
    build(make_ctx(recipe, again))
    assert again.replies == 0


def test_mix_without_stage_output_says_what_to_do(recipe, make_ctx):
    ctx = make_ctx(recipe, ScriptedBackend())
    with pytest.raises(DatasetInvalid, match="psycollm data build"):
        build(ctx, ["mix"])


def test_cli_build_with_recipe_file_and_overrides(fake_shared, tmp_path, capsys):
    recipe_file = tmp_path / "data.yaml"
    recipe_file.write_text(
        f"shared_data: {fake_shared}\noutput: {tmp_path / 'ds'}\nknowledge:\n  kb_dir: ''\n"
        "multi_turn:\n  enabled: false\nsettings:\n  backend.kind: scripted\n", encoding="utf-8")
    rc = data_main(["build", "--config", str(recipe_file), "--limit", "2", "--no-progress",
                    "--override", "mix.validation_fraction=0.5", "--data-dir", str(tmp_path / "d")])
    assert rc == 0
    out = capsys.readouterr().out
    assert "single_turn  kept" in out and f"published {tmp_path / 'ds'}" in out
    stats = json.loads((tmp_path / "ds" / "stats.json").read_text())
    assert stats["limit"] == 2 and stats["recipe"]["mix"]["validation_fraction"] == 0.5
    assert stats["model"]["kind"] == "scripted"
    assert data_main(["fields"]) == 0 and "multi_turn.support_threshold" in capsys.readouterr().out
    # The folder is only ever replaced by the pipeline's own output.
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "keep.txt").write_text("mine")
    with pytest.raises(DatasetInvalid, match="not written by"):
        data_main(["mix", "--config", str(recipe_file), "--output", str(foreign), "--work-dir",
                   str(tmp_path / "ds.work"), "--no-progress"])
    assert (foreign / "keep.txt").read_text() == "mine"
