"""The `psycollm` command.

    psycollm --help
    psycollm chat                       # terminal chat on the configured backend
    psycollm serve                      # start vLLM for the configured model, keep it healthy
    psycollm config show                # effective settings, secrets masked
    psycollm models                     # registered models
    psycollm kb|safety|users|export|data|train|eval ...   # see each command's --help

Each command lives with its concept (``psycollm/retrieval/cli.py`` for ``kb``, ``training/cli.py``
for ``train``...) and exposes ``main(argv) -> int``; this file only dispatches, importing the
command's module when it runs, so ``psycollm --help`` is instant. ``training`` and ``eval`` are
reached only through this dispatch table (the library itself never imports them).
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from collections.abc import Mapping

from psycollm.config import add_settings_arguments, render_settings, settings_from_args
from psycollm.errors import PsycollmError

# name -> ("module:function", one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "chat": ("psycollm.cli:chat_main", "Chat in the terminal (streaming) on the configured model."),
    "serve": ("psycollm.backends.server:main", "Start vLLM for the configured model and keep it healthy."),
    "config": ("psycollm.cli:config_main", "Show the effective settings (`psycollm config show`)."),
    "models": ("psycollm.cli:models_main", "List registered models."),
    "kb": ("psycollm.retrieval.cli:main", "Knowledge base: build, search, stats."),
    "safety": ("psycollm.safety.cli:main", "Screen messages from a file or stdin; one JSON line each."),
    "users": ("psycollm.store.cli:users_main", "Manage app users: add, remove, list."),
    "export": ("psycollm.store.cli:export_main", "Export ratings, conversations or DPO preference pairs."),
    "ratings": ("psycollm.store.cli:ratings_main", "Clinicians' rating queue: import prompt sets, generate responses."),
    "data": ("training.data.cli:main", "Build the training data set (single-turn, multi-turn, knowledge QA)."),
    "train": ("training.cli:main", "Fine-tune: sft or dpo from a recipe."),
    "eval": ("eval.cli:main", "Evaluate: pceb, caseqa, dialogue, safety, output-screen, after-crisis, compare."),
}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help"):
        print(_usage())
        return 0
    if argv[0] in ("-V", "--version"):
        from psycollm import __version__

        print(__version__)
        return 0
    name, rest = argv[0], argv[1:]
    if name not in COMMANDS:
        print(f"psycollm: unknown command '{name}'.\n\n{_usage()}", file=sys.stderr)
        return 2
    target = COMMANDS[name][0]
    module_name, func_name = target.split(":")
    try:
        func = getattr(importlib.import_module(module_name), func_name)
        return int(func(rest) or 0)
    except PsycollmError as exc:
        print(f"psycollm {name}: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def _usage() -> str:
    width = max(len(n) for n in COMMANDS)
    lines = ["usage: psycollm <command> [options]   (psycollm <command> --help for details)", "", "commands:"]
    lines += [f"  {n:<{width}}  {h}" for n, (_, h) in COMMANDS.items()]
    return "\n".join(lines)


def setup_logging(level: str = "INFO") -> None:
    logging.basicConfig(level=getattr(logging, level.upper(), logging.INFO),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")


# ---------------------------------------------------------------------------------------------------
# config, models


def config_main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="psycollm config", description="Show the effective settings.")
    parser.add_argument("action", nargs="?", default="show", choices=["show"])
    add_settings_arguments(parser)
    args = parser.parse_args(argv)
    print(render_settings(settings_from_args(args)))
    return 0


def models_main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="psycollm models", description="List registered models.")
    add_settings_arguments(parser)
    args = parser.parse_args(argv)
    from psycollm.models import registry

    settings = settings_from_args(args)
    for name, spec in registry(settings).items():
        where = spec.path or (f"pip:{spec.gguf_package}" if spec.gguf_package else spec.hub_id)
        print(f"{name:<22} {where:<40} {spec.description}")
    return 0


# ---------------------------------------------------------------------------------------------------
# chat


def terminal_region(environ: Mapping[str, str]) -> str | None:
    """The region of the terminal's POSIX locale ("en_GB.UTF-8" -> "GB"; "C", "POSIX" or none -> None), read as
    the C library does: LC_ALL, then LC_MESSAGES, then LANG."""
    from psycollm.ui.i18n import browser_region

    tag = next((environ[k] for k in ("LC_ALL", "LC_MESSAGES", "LANG") if environ.get(k)), "")
    return browser_region(tag.split(".")[0].split("@")[0])


def chat_main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="psycollm chat",
        description="Chat in the terminal on the same engine as the app. Commands: /new, /quit; "
        "Ctrl-C stops a reply.")
    parser.add_argument("--no-retrieval", action="store_true", help="Answer without the knowledge base.")
    parser.add_argument("--no-safety", action="store_true", help="Disable the safety layer (testing only).")
    parser.add_argument("--region", default=None,
                        help="Your country (ISO 3166, e.g. GB) for the crisis lines when safety.locale is auto; "
                             "default: the terminal's locale (LC_ALL, LC_MESSAGES, LANG), as the app uses the browser's.")
    add_settings_arguments(parser)
    args = parser.parse_args(argv)
    settings = settings_from_args(args)
    setup_logging("WARNING")
    if args.no_retrieval:
        settings.retrieval.enabled = False
    if args.no_safety:
        settings.safety.enabled = False

    from psycollm.backends.base import CancelToken
    from psycollm.chat import Counselor

    region = args.region or terminal_region(os.environ)
    counselor = Counselor.from_settings(settings)
    print(f"psycollm chat — model: {counselor.model_name}. Type /new for a new conversation, /quit to leave.")
    history: list[dict[str, str]] = []
    lines_shown: set[str] = set()  # a caution turn's crisis-line line, once per conversation (as in the app)
    while True:
        try:
            text = input("\nyou> ")
        except (EOFError, KeyboardInterrupt):
            print()
            break
        if text.strip() in ("/quit", "/exit"):
            break
        if text.strip() == "/new":
            history, lines_shown = [], set()
            print("(new conversation)")
            continue
        cancel = CancelToken()
        printed = ""
        final = None
        print("assistant> ", end="", flush=True)
        try:
            for event in counselor.respond(history, text, cancel=cancel, region=region):
                if not event.done and event.text.startswith(printed):
                    print(event.text[len(printed):], end="", flush=True)
                    printed = event.text
                final = event
        except KeyboardInterrupt:
            cancel.cancel()
            print(" [stopped]")
        except PsycollmError as exc:
            print(f"\n[{exc}]")
            continue
        if final is None:
            continue
        if final.text.startswith(printed):
            print(final.text[len(printed):], end="")
        else:  # the output screen replaced what was streamed
            print("\n[replaced by the safety layer]\n" + final.text, end="")
        print()
        if final.notice:
            print(f"[safety: {final.notice.kind}, level {final.notice.level}]")
            if final.notice.resources and final.notice.resources not in lines_shown:
                lines_shown.add(final.notice.resources)
                print(final.notice.resources)
        if final.error:
            print(f"[error: {final.error}]")
        if final.sources:
            print("[sources: " + "; ".join(s.title for s in final.sources) + "]")
        history += [{"role": "user", "content": text}, {"role": "assistant", "content": final.text}]
    counselor.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
