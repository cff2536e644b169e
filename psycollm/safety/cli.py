"""`psycollm safety`: screen messages from a file or stdin, list crisis resources, build the classifier.

    psycollm safety check messages.txt            # one message per line
    psycollm safety check chats.jsonl --layers    # {"text": ...} or {"messages": [...]} per line
    echo "I have the pills saved up for tonight" | psycollm safety check -
    psycollm safety resources --locale CN         # every hotline with its source
    psycollm safety resources --json              # one JSON line per hotline, every field (notes, topics)
    psycollm safety train                         # (re)build the cached classifiers (risk, replies), print their CV figures

`check` prints one JSON line per item: {"level", "categories", "action", "reasons"} (+ "layers" with
--layers, + "id" when the item has one). Exit code 0; 1 when the input cannot be read.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from psycollm.config import add_settings_arguments, settings_from_args
from psycollm.errors import InputRejected


def _items(source: str) -> Iterator[dict[str, Any]]:
    """Items from a txt (one message per line) or jsonl file ({"text"} or {"messages"}); '-' = stdin."""
    if source == "-":
        lines = sys.stdin.read().splitlines()
        jsonl = None
    else:
        path = Path(source)
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise InputRejected(f"Cannot read {source}: {exc}. Give a UTF-8 .txt or .jsonl file, or '-'.") from None
        jsonl = path.suffix.lower() in (".jsonl", ".json")
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        as_json = jsonl if jsonl is not None else line.lstrip().startswith("{")
        if not as_json:
            yield {"messages": [{"role": "user", "content": line}]}
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputRejected(f"{source}, line {n}: not valid JSON ({exc.msg}).") from None
        if isinstance(obj, dict) and isinstance(obj.get("messages"), list):
            msgs = [{"role": str(m.get("role", "user")), "content": str(m.get("content", ""))}
                    for m in obj["messages"] if isinstance(m, dict)]
        elif isinstance(obj, dict) and isinstance(obj.get("text"), str):
            msgs = [{"role": "user", "content": obj["text"]}]
        else:
            raise InputRejected(f"{source}, line {n}: expected an object with 'text' or 'messages'.")
        yield {"id": obj.get("id"), "messages": msgs}


def check_main(args: argparse.Namespace) -> int:
    from psycollm.cli import setup_logging
    from psycollm.prompts import detect_language
    from psycollm.safety.guard import Guard, needs_backend

    setup_logging("ERROR")  # stdout is the JSON lines; the crisis/refusal log lines would be noise here

    settings = settings_from_args(args)
    if args.judge:
        settings.safety.judge = args.judge
    backend = None
    if needs_backend(settings):
        from psycollm.backends import make_backend

        backend = make_backend(settings)
    guard = Guard.from_settings(settings, backend=backend, input_only=True)
    out = sys.stdout
    for item in _items(args.file):
        msgs = item["messages"]
        users = " ".join(m["content"] for m in msgs if m["role"] == "user")
        lang = args.lang if args.lang != "auto" else detect_language(users)
        verdict = guard.screen_input(msgs, lang)
        row: dict[str, Any] = {"level": str(verdict.level), "categories": verdict.categories,
                               "action": str(verdict.action), "reasons": verdict.reasons}
        if item.get("id") is not None:
            row = {"id": item["id"], **row}
        if verdict.failed:
            row["failed"] = True
        if args.layers:
            row["layers"] = verdict.layers
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
    out.flush()
    return 0


def resources_main(args: argparse.Namespace) -> int:
    from psycollm.safety.resources import INTERNATIONAL, RESOURCES

    locales = [args.locale.upper()] if args.locale else sorted(RESOURCES)
    for loc in locales:
        if loc not in RESOURCES:
            raise InputRejected(f"No resources for locale '{loc}'. Known: {', '.join(sorted(RESOURCES))}.")
    # INTERNATIONAL is shown with every locale, as `*`
    rows = [(code, r) for code in locales for r in RESOURCES[code]] + [("*", INTERNATIONAL)]
    for loc, r in rows:
        if args.json:
            print(json.dumps({"locale": loc, **r.to_dict()}, ensure_ascii=False))
            continue
        status = f"verified {r.checked}" if r.verified else "UNVERIFIED"
        scope = f" [{', '.join(r.categories)}{': ' + ', '.join(r.topics) if r.topics else ''}]" if r.categories else ""
        print(f"{loc:<3} {r.number:<16} {r.name_en}{scope}  ({status}; source: {r.source})")
    return 0


def train_main(args: argparse.Namespace) -> int:
    from psycollm.safety.classifier import RiskClassifier, cache_key

    settings = settings_from_args(args)
    cache = settings.cache_path / "safety"
    if args.force:
        from psycollm.safety.classifier import training_data_hash

        for semantic in (True, False):
            key = cache_key(training_data_hash(), semantic)
            for suffix in (".json", ".npz"):
                (cache / f"{key}{suffix}").unlink(missing_ok=True)
    model = RiskClassifier.load_or_train(cache)
    report: dict = {"cache": str(cache), "thresholds": model.thresholds,
                    "joint_thresholds": model.joint.thresholds if model.joint else None, **model.meta}
    if settings.safety.output_classifier:
        from psycollm.safety.reply_classifier import ReplyClassifier

        if args.force:
            for f in (cache / "replies").glob("*.*"):
                f.unlink()
        replies = ReplyClassifier.load_or_train(cache / "replies")
        report["reply_classifier"] = {"char_thresholds": replies.char.thresholds,
                                      "joint_thresholds": replies.joint.thresholds if replies.joint else None,
                                      **replies.meta}
    print(json.dumps(report, indent=2))
    return 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="psycollm safety", description="Safety layer tools.")
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="Screen each message/conversation; one JSON line per item.")
    check.add_argument("file", help="A .txt (one message per line) or .jsonl file ({'text'} or {'messages'}); '-' = stdin.")
    check.add_argument("--lang", default="auto", choices=["auto", "zh", "en"], help="Reply language of the fixed texts.")
    check.add_argument("--judge", choices=["classifier", "llm", "classifier+llm", "none"], help="Override safety.judge.")
    check.add_argument("--layers", action="store_true", help="Include each layer's contribution.")
    add_settings_arguments(check)
    res = sub.add_parser("resources", help="List the crisis resources with their sources.")
    res.add_argument("--locale", help="Only this locale (CN, US, UK).")
    res.add_argument("--json", action="store_true", help="One JSON object per line, with every field (notes, topics).")
    train = sub.add_parser("train", help="Build (or load) the cached classifiers (risk, replies) and print their cross-validated figures.")
    train.add_argument("--force", action="store_true", help="Retrain even if a cached model exists.")
    add_settings_arguments(train)
    args = parser.parse_args(argv)
    return {"check": check_main, "resources": resources_main, "train": train_main}[args.command](args)
