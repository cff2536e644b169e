"""Training data validation: SFT conversations and DPO preference pairs (real `datasets`, no model).

Malformed input must fail before any model is loaded, naming the file, the line and the problem.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from psycollm.errors import DatasetInvalid
from training.train_data import (
    load_preference_pairs,
    load_sft_dataset,
    load_sft_splits,
    pair_problem,
    select_pairs,
)

GOOD_PAIR = {"prompt": [{"role": "system", "content": "You are a counselor."}, {"role": "user", "content": "Hi"}],
             "chosen": [{"role": "assistant", "content": "Hello, how are you feeling?"}],
             "rejected": [{"role": "assistant", "content": "What."}],
             "source": "ab", "item_id": "conversation:1:abc", "margin": 0.5}


def write_jsonl(path: Path, rows: list) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in rows),
                    encoding="utf-8")
    return path


def args(path: Path, **kw) -> SimpleNamespace:
    base = dict(dataset_path=str(path), dataset_train_split="train", dataset_test_split="validation",
                eval_fraction=0.0, max_train_samples=None, max_eval_samples=None)
    return SimpleNamespace(**{**base, **kw})


# ---------------------------------------------------------------------------------------------------
# Preference pairs


def test_the_fixture_pairs_are_valid(preferences_file: Path) -> None:
    pairs = load_preference_pairs(preferences_file)
    assert len(pairs) == 8 and {p["source"] for p in pairs} == {"ab", "rubric"}


@pytest.mark.parametrize("change, message", [
    ({"prompt": []}, "'prompt' must be a non-empty list"),
    ({"prompt": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Yes?"}]},
     "must end with a user turn"),
    ({"prompt": [{"role": "user", "content": "a"}, {"role": "system", "content": "b"}, {"role": "user", "content": "c"}]},
     "only the first message"),
    ({"prompt": [{"role": "narrator", "content": "Hi"}]}, "role system, user or assistant"),
    ({"prompt": [{"role": "user", "content": "   "}]}, "empty or non-text"),
    ({"chosen": {"role": "assistant", "content": "x"}}, "'chosen' must be a list holding exactly one"),
    ({"chosen": [{"role": "user", "content": "x"}]}, "'chosen' must be a list holding exactly one"),
    ({"rejected": [{"role": "assistant", "content": "a"}, {"role": "assistant", "content": "b"}]},
     "'rejected' must be a list holding exactly one"),
    ({"rejected": [{"role": "assistant", "content": ""}]}, "'rejected' has empty"),
    ({"source": "vibes"}, "'source' is 'vibes'"),
    ({"margin": "high"}, "'margin' must be a number"),
    ({"margin": -1.0}, "swap the answers"),
])
def test_malformed_pair_is_named(change: dict, message: str) -> None:
    assert pair_problem(GOOD_PAIR) is None
    assert message in (pair_problem({**GOOD_PAIR, **change}) or "")


def test_missing_keys_are_listed() -> None:
    assert pair_problem({"prompt": GOOD_PAIR["prompt"]}) == "missing key(s): chosen, rejected"


def test_file_error_names_every_bad_line(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "prefs.jsonl", [GOOD_PAIR, {**GOOD_PAIR, "margin": -2}, "{not json",
                                                  GOOD_PAIR, {**GOOD_PAIR, "chosen": []}])
    with pytest.raises(DatasetInvalid) as err:
        load_preference_pairs(path)
    text = str(err.value)
    assert str(path) in text and "3 malformed" in text
    assert "line 2: 'margin'" in text and "line 3: not valid JSON" in text and "line 5: 'chosen'" in text
    assert "line 1" not in text and "line 4" not in text


def test_missing_or_empty_pairs_file(tmp_path: Path) -> None:
    with pytest.raises(DatasetInvalid, match="psycollm export preferences"):
        load_preference_pairs(tmp_path / "nope.jsonl")
    with pytest.raises(DatasetInvalid, match="empty"):
        load_preference_pairs(write_jsonl(tmp_path / "empty.jsonl", []))


def test_select_pairs_filters_by_source_margin_and_identity() -> None:
    same = {**GOOD_PAIR, "rejected": [{"role": "assistant", "content": "Hello, how are you feeling? "}]}
    pairs = [GOOD_PAIR, {**GOOD_PAIR, "source": "rubric", "margin": 2.0}, {**GOOD_PAIR, "margin": 0.1}, same]
    kept = select_pairs(pairs, ["ab", "rubric"], min_margin=0.4)
    assert len(kept) == 2 and set(kept[0]) == {"prompt", "chosen", "rejected"}
    assert len(select_pairs(pairs, ["rubric"], min_margin=0.0)) == 1


# ---------------------------------------------------------------------------------------------------
# SFT conversations


def test_jsonl_conversations_load_and_split(conversations_file: Path) -> None:
    train, evaluation = load_sft_splits(args(conversations_file, eval_fraction=0.25), seed=0, want_eval=True)
    assert (len(train), len(evaluation)) == (6, 2) and train.column_names == ["messages"]
    train, evaluation = load_sft_splits(args(conversations_file, max_train_samples=3), seed=0, want_eval=False)
    assert len(train) == 3 and evaluation is None


def test_data_set_folder_from_the_pipeline(tmp_path: Path, conversations_file: Path) -> None:
    import datasets

    rows = [json.loads(line) for line in conversations_file.read_text().splitlines()]
    folder = tmp_path / "sft"
    datasets.DatasetDict({
        "train": datasets.Dataset.from_list([{**r, "source": "fixture"} for r in rows[:6]]),
        "validation": datasets.Dataset.from_list([{**r, "source": "fixture"} for r in rows[6:]]),
    }).save_to_disk(str(folder))
    train, evaluation = load_sft_splits(args(folder), seed=0, want_eval=True)
    assert (len(train), len(evaluation)) == (6, 2) and evaluation.column_names == ["messages"]
    with pytest.raises(DatasetInvalid, match="no 'training' split"):
        load_sft_splits(args(folder, dataset_train_split="training"), seed=0, want_eval=False)


@pytest.mark.parametrize("messages, message", [
    ([], "non-empty list"),
    ([{"role": "user", "content": "Hi"}], "no assistant message"),
    ([{"role": "user", "content": "Hi"}, {"role": "bot", "content": "Yo"}], "role 'bot'"),
    ([{"role": "user", "content": "Hi"}, {"role": "system", "content": "x"}, {"role": "assistant", "content": "Yo"}],
     "only the first message"),
    ([{"role": "user", "content": "Hi"}, {"role": "assistant", "content": None}], "empty or non-text"),
])
def test_malformed_conversation_is_named(tmp_path: Path, messages: list, message: str) -> None:
    good = {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]}
    path = write_jsonl(tmp_path / "sft.jsonl", [good, {"messages": messages}])
    with pytest.raises(DatasetInvalid, match=f"line 2: .*{message}"):
        load_sft_dataset(str(path))


def test_sft_data_errors_for_wrong_shapes(tmp_path: Path) -> None:
    with pytest.raises(DatasetInvalid, match="No training data"):
        load_sft_dataset("")
    with pytest.raises(DatasetInvalid, match="not found"):
        load_sft_dataset(str(tmp_path / "missing.jsonl"))
    with pytest.raises(DatasetInvalid, match="line 1: expected an object with a 'messages' list"):
        load_sft_dataset(str(write_jsonl(tmp_path / "x.jsonl", [{"conversation": []}])))
    with pytest.raises(DatasetInvalid, match="not a data set folder"):
        load_sft_dataset(str(tmp_path))


def test_sft_defaults_to_the_data_pipelines_output(tmp_path: Path) -> None:
    from psycollm.config import load_settings
    from training.sft import default_dataset_path

    settings = load_settings(env={})
    settings.data_dir = str(tmp_path)
    with pytest.raises(DatasetInvalid, match="psycollm data build"):
        default_dataset_path(settings)
    (tmp_path / "datasets" / "psycollm-sft").mkdir(parents=True)
    assert default_dataset_path(settings) == str(tmp_path / "datasets" / "psycollm-sft")
