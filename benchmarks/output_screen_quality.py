"""Output-screen quality: recall on labelled unsafe replies, and how often real counsellors' replies
would be replaced (they should almost never be).

    .venv/bin/python benchmarks/output_screen_quality.py           # table + benchmarks/results/output_screen_quality.json
    .venv/bin/python benchmarks/output_screen_quality.py --show    # also print every real reply that was replaced

Labelled: every tests/data/output_screen_*.jsonl (`eval.output_screen_eval`): `dev` (tuned on) and
`test` (held out: looked at once per change, never read), with the patterns alone and with the reply
classifier (the default). Real replies from
../shared/data (or $PSYCOLLM_SHARED_DATA; skipped with a message when absent): the distinct therapist
answers of counsel_chat (English, MIT), the counsellor turns of EmoLLM (Chinese, MIT) and of
CPsyCounE (Chinese, CC BY 4.0). They are not labelled; read --show: a replaced real reply is a false
replacement unless it really doses, diagnoses as fact, gives a method or encourages harm.
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
SHARED = Path(os.environ.get("PSYCOLLM_SHARED_DATA", REPO.parent / "shared" / "data"))


def counsel_chat_answers(path: Path) -> list[str]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(dict.fromkeys(a for row in csv.DictReader(fh) if (a := (row.get("answerText") or "").strip())))


def emollm_replies(path: Path) -> list[str]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return [turn["output"] for conv in data for turn in conv.get("conversation", []) if turn.get("output")]


def cpsycoune_replies(folder: Path) -> list[str]:
    out = []
    for f in sorted(folder.glob("*/*.json")):
        for turn in json.loads(f.read_text(encoding="utf-8")):
            if isinstance(turn, str) and turn.startswith("支持者："):
                out.append(turn.removeprefix("支持者："))
    return out


def real_reply_sources() -> dict[str, tuple[Path, Callable[[Path], list[str]]]]:
    """The real counsellors' replies of ../shared/data: name -> (path, loader)."""
    return {"counsel_chat answers (en)": (SHARED / "counsel_chat" / "20200325_counsel_chat.csv", counsel_chat_answers),
            "EmoLLM counsellor turns (zh)": (SHARED / "emollm" / "data.json", emollm_replies),
            "CPsyCounE counsellor turns (zh)": (SHARED / "cpsycoun" / "CPsyCounE", cpsycoune_replies)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--show", action="store_true", help="Print every real reply the screen replaced.")
    parser.add_argument("--sets", default="", help="Comma-separated labelled sets (output_screen_<name>.jsonl); default all.")
    parser.add_argument("--cache-dir", default="", help="Reply-classifier cache (default: a fresh temp dir).")
    parser.add_argument("--out", default=str(REPO / "benchmarks" / "results" / "output_screen_quality.json"))
    args = parser.parse_args(argv)

    from eval import output_screen_eval
    from psycollm.atomic_io import atomic_write_text
    from psycollm.safety.guard import Guard
    from psycollm.safety.reply_classifier import ReplyClassifier

    logging.getLogger("psycollm.safety").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        clf = ReplyClassifier.load_or_train(Path(args.cache_dir or tmp) / "replies")
        train_s = time.perf_counter() - t0
    screens = {"patterns": Guard(learned=None), "patterns + reply classifier (default)": Guard(learned=None, reply_classifier=clf)}
    names = [s.strip() for s in args.sets.split(",") if s.strip()]
    labelled = []
    for path in sorted((REPO / "tests" / "data").glob("output_screen_*.jsonl")):
        name = path.stem.removeprefix("output_screen_")
        if names and name not in names:
            continue
        for screen, guard in screens.items():
            h = output_screen_eval.evaluate(output_screen_eval.load_items(path), guard)
            labelled.append({"set": name, "screen": screen, "n": h["n"], **h["headline"],
                             "by_category": h["by_category"], "by_language": h["by_language"],
                             "ms_per_item_mean": h["ms_per_item_mean"]})

    real = []
    for name, (path, load) in real_reply_sources().items():
        if not path.exists():
            print(f"[skip] {name}: {path} not found (../shared/data is absent)")
            continue
        replies = load(path)
        for screen, guard in screens.items():
            t0 = time.perf_counter()
            replaced = [(r, guard.check_reply(r)) for r in replies]
            replaced = [(r, p) for r, p in replaced if p]
            ms = 1000 * (time.perf_counter() - t0) / max(len(replies), 1)
            real.append({"source": name, "screen": screen, "n": len(replies), "replaced": len(replaced),
                         "rate": round(len(replaced) / len(replies), 5) if replies else None, "ms_per_reply": round(ms, 3),
                         "examples": [{"problems": [q.describe() for q in p], "text": r[:400]} for r, p in replaced]})
            if args.show and guard.reply_classifier is not None:
                for r, p in replaced:
                    print(f"--- {name}: {'; '.join(q.describe() for q in p)}\n{r[:600]}\n")

    print(f"reply classifier: {clf.meta.get('n_train')} training replies, loaded/trained in {train_s:.1f} s, "
          f"model {'joint' if clf.joint is not None else 'char'}\n")
    print("| labelled set | screen | replies | recall (unsafe replaced) | same category | false replacements (safe) |")
    print("|---|---|---|---|---|---|")
    for row in labelled:
        print(f"| {row['set']} | {row['screen']} | {row['n']} | {row['recall']} ({row['replaced_unsafe']}/{row['n_unsafe']}) | "
              f"{row['recall_same_category']} | {row['false_replacement_rate']} ({row['replaced_safe']}/{row['n_safe']}) |")
    print()
    print("| real replies | screen | n | replaced | rate | ms per reply |")
    print("|---|---|---|---|---|---|")
    for row in real:
        print(f"| {row['source']} | {row['screen']} | {row['n']} | {row['replaced']} | {row['rate']} | {row['ms_per_reply']} |")
    out = Path(args.out)
    atomic_write_text(out, json.dumps({"labelled": labelled, "real": real, "reply_classifier": clf.meta,
                                       "python": platform.python_version(),
                                       "timestamp": time.strftime("%Y-%m-%d %H:%M:%S")}, ensure_ascii=False, indent=2))
    print(f"\nwrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
