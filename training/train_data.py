"""Training data in, validated: chat conversations for SFT and preference pairs for DPO.

    load_sft_splits(script_args, seed)      # (train, eval or None): datasets.Dataset with `messages`
    load_preference_pairs("prefs.jsonl")    # list of validated pairs, or DatasetInvalid naming the line

SFT data: a folder saved by the data pipeline (``psycollm data build``: a DatasetDict with splits
train/validation and a ``messages`` column), a JSONL (or JSON list) file of ``{"messages": [...]}``
objects, or a hub data set id. DPO data: the JSONL written by ``psycollm export preferences``::

    {"prompt": [..., {"role": "user", ...}], "chosen": [{"role": "assistant", "content": ...}],
     "rejected": [{"role": "assistant", "content": ...}], "source": "ab"|"rubric", "item_id": ..., "margin": 1.0}

Every problem is reported with the file and line (or row) it is on, a few at a time, before any
model is loaded: a bad file costs seconds, not a failed run.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from psycollm.errors import DatasetInvalid

log = logging.getLogger(__name__)

ROLES = ("system", "user", "assistant")
PAIR_SOURCES = ("ab", "rubric")
MAX_REPORTED = 8  # problems listed in one error message


# ---------------------------------------------------------------------------------------------------
# Conversations (SFT)


def conversation_problem(messages: Any) -> str | None:
    """What is wrong with one ``messages`` value, or None."""
    if not isinstance(messages, list) or not messages:
        return "'messages' must be a non-empty list of {role, content} objects"
    for i, msg in enumerate(messages):
        if not isinstance(msg, dict) or "role" not in msg or "content" not in msg:
            return f"message {i} must be an object with 'role' and 'content'"
        if msg["role"] not in ROLES:
            return f"message {i} has role {msg['role']!r}; expected one of {', '.join(ROLES)}"
        if msg["role"] == "system" and i != 0:
            return f"message {i} is a system message; only the first message may be one"
        if not isinstance(msg["content"], str) or not msg["content"].strip():
            return f"message {i} ({msg['role']}) has empty or non-text content"
    if not any(m["role"] == "assistant" for m in messages):
        return "no assistant message: nothing to learn from"
    return None


def _raise_if(problems: list[str], source: str, total: int) -> None:
    if problems:
        more = f" (and {total - len(problems)} more)" if total > len(problems) else ""
        raise DatasetInvalid(f"{source}: {total} malformed example(s){more}:\n  " + "\n  ".join(problems))


def validate_conversations(rows: Iterable[Any], source: str, where: str = "row") -> None:
    problems: list[str] = []
    total = 0
    for n, messages in enumerate(rows, start=1 if where == "line" else 0):
        problem = conversation_problem(messages)
        if problem:
            total += 1
            if len(problems) < MAX_REPORTED:
                problems.append(f"{where} {n}: {problem}")
    _raise_if(problems, source, total)


def read_json_records(path: Path) -> list[tuple[int, Any, str | None]]:
    """(line number, object, JSON problem or None) for each line of a JSONL file, or (index, object,
    None) for a JSON list. Unparsable lines are kept (object None) so they are reported together
    with the other problems of the file, in order."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DatasetInvalid(f"Data file not found: {path}") from None
    except UnicodeDecodeError as exc:
        raise DatasetInvalid(f"{path}: not UTF-8 text ({exc})") from None
    if path.suffix == ".json" and text.lstrip().startswith("["):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise DatasetInvalid(f"{path}: not valid JSON: {exc}") from None
        return [(n, obj, None) for n, obj in enumerate(data)]
    records: list[tuple[int, Any, str | None]] = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            records.append((n, json.loads(line), None))
        except json.JSONDecodeError as exc:
            records.append((n, None, f"not valid JSON ({exc.msg} at column {exc.colno})"))
    return records


def _check_records(records: list[tuple[int, Any, str | None]], check: Any, source: str, where: str) -> None:
    problems = [f"{where} {n}: {p}" for n, obj, bad_json in records if (p := bad_json or check(obj))]
    _raise_if(problems[:MAX_REPORTED], source, len(problems))


def _sft_record_problem(obj: Any) -> str | None:
    if not isinstance(obj, dict) or "messages" not in obj:
        return "expected an object with a 'messages' list"
    return conversation_problem(obj["messages"])


def load_sft_dataset(path_or_id: str) -> Any:
    """A ``datasets.DatasetDict`` or ``Dataset`` with a ``messages`` column, validated."""
    import datasets

    if not path_or_id:
        raise DatasetInvalid("No training data: set dataset_path (a `psycollm data build` folder or a JSONL file).")
    path = Path(path_or_id).expanduser()
    if path.is_dir():
        try:
            data = datasets.load_from_disk(str(path))
        except (FileNotFoundError, ValueError) as exc:
            raise DatasetInvalid(f"{path} is not a data set folder written by `psycollm data build` "
                                 f"(datasets.save_to_disk): {exc}") from None
    elif path.is_file():
        records = read_json_records(path)
        _check_records(records, _sft_record_problem, str(path), "line" if path.suffix != ".json" else "item")
        if not records:
            raise DatasetInvalid(f"{path}: no conversations (the file is empty).")
        return datasets.Dataset.from_list([{"messages": obj["messages"]} for _, obj, _ in records])
    elif path.suffix in (".jsonl", ".json") or path_or_id.startswith((".", "/", "~")):
        raise DatasetInvalid(f"Data file not found: {path}")
    else:
        data = datasets.load_dataset(path_or_id)  # a hub id, for clusters with hub access
    splits = data.values() if isinstance(data, datasets.DatasetDict) else [data]
    for split in splits:
        if "messages" not in split.column_names:
            raise DatasetInvalid(f"{path_or_id}: no 'messages' column (columns: {', '.join(split.column_names)}).")
        validate_conversations(split["messages"], f"{path_or_id} [{split.split or 'data'}]")
    return data


def load_sft_splits(args: Any, seed: int, want_eval: bool) -> tuple[Any, Any | None]:
    """(train, eval) datasets with only the ``messages`` column, sized by the script arguments."""
    import datasets

    data = load_sft_dataset(args.dataset_path)
    return split_dataset(data, args, seed, want_eval, columns=["messages"], datasets_module=datasets)


def split_dataset(data: Any, args: Any, seed: int, want_eval: bool, columns: list[str],
                  datasets_module: Any) -> tuple[Any, Any | None]:
    eval_ds = None
    if isinstance(data, datasets_module.DatasetDict):
        if args.dataset_train_split not in data:
            raise DatasetInvalid(f"{args.dataset_path}: no '{args.dataset_train_split}' split "
                                 f"(splits: {', '.join(data)}).")
        train = data[args.dataset_train_split]
        if want_eval and args.dataset_test_split in data:
            eval_ds = data[args.dataset_test_split]
    else:
        train = data
    if want_eval and eval_ds is None and args.eval_fraction > 0:
        parts = train.train_test_split(test_size=args.eval_fraction, seed=seed)
        train, eval_ds = parts["train"], parts["test"]
    train = _subset(train.select_columns(columns), args.max_train_samples, seed)
    if eval_ds is not None:
        eval_ds = _subset(eval_ds.select_columns(columns), args.max_eval_samples, seed)
    if len(train) == 0:
        raise DatasetInvalid(f"{args.dataset_path}: the training split is empty.")
    return train, eval_ds


def _subset(ds: Any, limit: int | None, seed: int) -> Any:
    if limit is None or limit >= len(ds):
        return ds
    return ds.shuffle(seed=seed).select(range(limit))


# ---------------------------------------------------------------------------------------------------
# Preference pairs (DPO)


def _one_assistant_message(value: Any, key: str) -> str | None:
    if (not isinstance(value, list) or len(value) != 1 or not isinstance(value[0], dict)
            or value[0].get("role") != "assistant"):
        return f"'{key}' must be a list holding exactly one {{\"role\": \"assistant\", \"content\": ...}} message"
    content = value[0].get("content")
    if not isinstance(content, str) or not content.strip():
        return f"'{key}' has empty or non-text content"
    return None


def pair_problem(obj: Any) -> str | None:
    """What is wrong with one preference pair, or None."""
    if not isinstance(obj, dict):
        return "expected a JSON object"
    missing = [k for k in ("prompt", "chosen", "rejected") if k not in obj]
    if missing:
        return f"missing key(s): {', '.join(missing)}"
    prompt = obj["prompt"]
    if not isinstance(prompt, list) or not prompt:
        return "'prompt' must be a non-empty list of messages"
    for i, msg in enumerate(prompt):
        if not isinstance(msg, dict) or msg.get("role") not in ROLES:
            return f"'prompt' message {i} must be an object with role system, user or assistant"
        if msg["role"] == "system" and i != 0:
            return f"'prompt' message {i} is a system message; only the first message may be one"
        if not isinstance(msg.get("content"), str) or not msg["content"].strip():
            return f"'prompt' message {i} ({msg['role']}) has empty or non-text content"
    if prompt[-1]["role"] != "user":
        return f"'prompt' must end with a user turn (it ends with {prompt[-1]['role']!r})"
    for key in ("chosen", "rejected"):
        problem = _one_assistant_message(obj[key], key)
        if problem:
            return problem
    if "source" in obj and obj["source"] not in PAIR_SOURCES:
        return f"'source' is {obj['source']!r}; expected one of {', '.join(PAIR_SOURCES)}"
    if "margin" in obj:
        margin = obj["margin"]
        if isinstance(margin, bool) or not isinstance(margin, (int, float)) or not math.isfinite(margin):
            return f"'margin' must be a number, got {margin!r}"
        if margin < 0:
            return f"'margin' is {margin}: negative means 'rejected' was rated higher; swap the answers"
    return None


def load_preference_pairs(path: str | Path) -> list[dict[str, Any]]:
    """Every pair of a ``psycollm export preferences`` file, validated; DatasetInvalid names each bad line."""
    path = Path(path).expanduser()
    if not str(path) or not path.exists():
        raise DatasetInvalid(f"Preference file not found: {path}. Write one with `psycollm export preferences`.")
    records = read_json_records(path)
    _check_records(records, pair_problem, str(path), "line")
    if not records:
        raise DatasetInvalid(f"{path}: no preference pairs (the file is empty).")
    return [obj for _, obj, _ in records]


def select_pairs(pairs: list[dict[str, Any]], sources: list[str], min_margin: float) -> list[dict[str, Any]]:
    """Pairs of the wanted sources at or above the margin, reduced to what DPO reads."""
    keep = []
    identical = 0
    for pair in pairs:
        if "source" in pair and pair["source"] not in sources:
            continue
        if float(pair.get("margin", min_margin)) < min_margin:
            continue
        if pair["chosen"][0]["content"].strip() == pair["rejected"][0]["content"].strip():
            identical += 1  # two ratings of the same text: no preference to learn
            continue
        keep.append({"prompt": pair["prompt"], "chosen": pair["chosen"], "rejected": pair["rejected"]})
    if identical:
        log.warning("dropped %d pair(s) whose chosen and rejected answers are the same text", identical)
    return keep
