"""`psycollm users`, `psycollm export` and `psycollm ratings`: manage logins, export data, fill the queue.

    psycollm users add ana --role clinician          # asks for the password (or --password-stdin)
    psycollm users list
    psycollm users remove ana
    psycollm users passwd ana
    psycollm export ratings --format csv -o ratings.csv
    psycollm export preferences -o dpo.jsonl         # DPO pairs for `psycollm train dpo`
    psycollm ratings import prompts.jsonl --set-name pilot
    psycollm ratings generate --samples 2            # ask the configured model for missing responses
    psycollm ratings status

All take the usual settings flags (--config, --data-dir, --set storage.url=...).
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from psycollm.config import Settings, add_settings_arguments, settings_from_args
from psycollm.errors import InputRejected


def _store(settings: Settings):  # -> Store
    from psycollm.store.repository import Store

    return Store.from_settings(settings)


# ---------------------------------------------------------------------------------------------------
# users


def users_main(argv: list[str]) -> int:
    from psycollm.store.repository import ROLES

    parser = argparse.ArgumentParser(prog="psycollm users", description="Manage the app's users (stored hashed "
                                     "with argon2id). Roles: counselor (chat), clinician (rating), admin.")
    sub = parser.add_subparsers(dest="action", required=True)
    add = sub.add_parser("add", help="Create a user.")
    add.add_argument("username")
    add.add_argument("--role", choices=ROLES, default="clinician")
    add.add_argument("--password-stdin", action="store_true", help="Read the password from standard input.")
    rm = sub.add_parser("remove", help="Delete a user (one who rated is disabled, keeping their ratings).")
    rm.add_argument("username")
    pw = sub.add_parser("passwd", help="Set a new password.")
    pw.add_argument("username")
    pw.add_argument("--password-stdin", action="store_true")
    ls = sub.add_parser("list", help="List users and roles.")
    for p in (add, rm, pw, ls):
        add_settings_arguments(p)
    args = parser.parse_args(argv)
    store = _store(settings_from_args(args))
    try:
        if args.action == "add":
            user = store.add_user(args.username, _password(args.password_stdin), args.role)
            print(f"added {user.username} ({user.role})")
        elif args.action == "remove":
            if not store.remove_user(args.username):
                print(f"psycollm users: no user '{args.username}'", file=sys.stderr)
                return 1
            print(f"removed {args.username}")
        elif args.action == "passwd":
            store.set_password(args.username, _password(args.password_stdin))
            print(f"password of {args.username} changed")
        else:
            users = store.list_users()
            if not users:
                print("no users yet: psycollm users add NAME --role clinician")
            for u in users:
                print(f"{u.username:<24} {u.role:<10} {u.created_at:%Y-%m-%d}")
    finally:
        store.close()
    return 0


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("password: ")
    if getpass.getpass("again: ") != first:
        raise InputRejected("The two passwords differ; nothing was changed.")
    return first


# ---------------------------------------------------------------------------------------------------
# export


def export_main(argv: list[str]) -> int:
    from psycollm.store.export import KINDS

    parser = argparse.ArgumentParser(
        prog="psycollm export",
        description="Export ratings, A/B comparisons, conversations (JSONL/CSV) or DPO preference pairs "
                    "(JSONL, TRL conversational format) from the app's database.")
    parser.add_argument("kind", choices=KINDS)
    parser.add_argument("-o", "--output", help="File to write (default: standard output).")
    parser.add_argument("--format", choices=["jsonl", "csv"], default=None,
                        help="Default: from the output's suffix, else jsonl.")
    parser.add_argument("--min-margin", type=float, default=1.0,
                        help="preferences: smallest rubric score gap (points of the 1-5 mean) that makes a pair.")
    parser.add_argument("--system-prompt", action="store_true",
                        help="preferences: start each prompt with the counselor system prompt of its language.")
    parser.add_argument("--include-superseded", action="store_true",
                        help="conversations: also regenerated/undone turns (marked superseded_by).")
    add_settings_arguments(parser)
    args = parser.parse_args(argv)
    fmt = args.format or ("csv" if (args.output or "").endswith(".csv") else "jsonl")
    from psycollm.store.export import export, write_atomic

    store = _store(settings_from_args(args))
    try:
        text, count = export(store, args.kind, fmt, min_margin=args.min_margin,
                             include_superseded=args.include_superseded, system_prompt=args.system_prompt)
    finally:
        store.close()
    if args.output:
        path = write_atomic(args.output, text)
        print(f"wrote {count} {args.kind} records to {path}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


# ---------------------------------------------------------------------------------------------------
# ratings queue


def ratings_main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="psycollm ratings",
                                     description="The clinicians' rating queue: import prompt sets, generate "
                                     "responses for them, show the queue's size.")
    sub = parser.add_subparsers(dest="action", required=True)
    imp = sub.add_parser("import", help="Import a JSONL prompt set (see psycollm/store/importing.py).")
    imp.add_argument("file")
    imp.add_argument("--set-name", dest="set_name", default="", help="Name of the set (default: the file's stem).")
    imp.add_argument("--skip-invalid", action="store_true", help="Import the valid lines even if others are bad.")
    gen = sub.add_parser("generate", help="Ask the configured model for responses to imported prompts.")
    gen.add_argument("--samples", type=int, default=2, help="Responses each item should have (2 = A/B pairs).")
    gen.add_argument("--set-name", dest="set_name", default=None)
    gen.add_argument("--limit", type=int, default=0, help="At most this many items (0 = all).")
    sub.add_parser("status", help="Items, responses, ratings and comparisons in the database.")
    for p in (imp, gen, sub.choices["status"]):
        add_settings_arguments(p)
    args = parser.parse_args(argv)
    settings = settings_from_args(args)
    store = _store(settings)
    try:
        if args.action == "import":
            report = import_file(store, Path(args.file), args.set_name or Path(args.file).stem, args.skip_invalid)
            print(f"{report.items_added} new items, {report.items_existing} already there, "
                  f"{report.responses_added} responses added")
            for problem in report.problems:
                print(f"skipped {problem}", file=sys.stderr)
        elif args.action == "generate":
            added = generate_responses(store, settings, samples=args.samples, set_name=args.set_name,
                                       limit=args.limit, progress=True)
            print(f"{added} responses generated")
        else:
            for key, value in store.queue_counts().items():
                print(f"{key:<12} {value}")
    finally:
        store.close()
    return 0


def import_file(store, path: Path, set_name: str, skip_invalid: bool = False, max_chars: int = 20_000):
    """Import a prompt set; with problems and not ``skip_invalid``, nothing is imported."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputRejected(f"Cannot read {path}: {exc.strerror}.") from None
    return import_bytes(store, data, set_name, skip_invalid, max_chars)


def import_bytes(store, data: bytes, set_name: str, skip_invalid: bool = False, max_chars: int = 20_000):
    from psycollm.store.importing import parse_prompt_set

    items, problems = parse_prompt_set(data, max_chars)
    if problems and not skip_invalid:
        shown = "\n".join(problems[:20]) + (f"\n... and {len(problems) - 20} more" if len(problems) > 20 else "")
        raise InputRejected(f"Nothing was imported; fix these lines (or import the valid ones with "
                            f"--skip-invalid):\n{shown}")
    report = store.import_items(items, set_name=set_name)
    report.problems = problems
    return report


def generate_responses(store, settings: Settings, *, samples: int = 2, set_name: str | None = None, limit: int = 0,
                       backend=None, progress: bool = False) -> int:
    """Fill imported items up to ``samples`` responses each, sampling the configured model.

    Uses the model directly (no safety layer, no retrieval): clinicians rate the model itself. Run
    again with another --model to add a second model's responses for model-vs-model A/B.
    """
    from psycollm import prompts
    from psycollm.backends import make_backend
    from psycollm.backends.base import GenerationParams

    todo = store.items_needing_responses(samples, set_name)
    if limit:
        todo = todo[:limit]
    if not todo:
        return 0
    backend = backend or make_backend(settings)
    params = GenerationParams.from_settings(settings.generation)
    added = 0
    for i, (item_id, context, have) in enumerate(todo, start=1):
        lang = prompts.detect_language(" ".join(m["content"] for m in context if m["role"] == "user"))
        messages = prompts.build_messages(context[:-1], context[-1]["content"], [], lang=lang)
        for _ in range(samples - have):
            text = "".join(backend.stream(messages, params)).strip()
            if text:
                store.add_response(item_id, text, backend.model_name)
                added += 1
        if progress:
            print(f"[{i}/{len(todo)}] item {item_id}", file=sys.stderr)
    return added
