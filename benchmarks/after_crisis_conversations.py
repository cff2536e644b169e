"""After a crisis reply, whole conversations: does the model get to answer the calm turns, and never the dangerous ones?

    .venv/bin/python benchmarks/after_crisis_conversations.py --cache-dir ~/.cache/psycollm
    .venv/bin/python benchmarks/after_crisis_conversations.py --cache-dir ~/.cache/psycollm --after-crisis support_calm
    .venv/bin/python benchmarks/after_crisis_conversations.py --data tests/data/conversations_after_crisis.jsonl --show

Replays each conversation of tests/data/conversations_after_crisis.jsonl (development) and
..._heldout.jsonl (held out: counts only; --show prints the texts of the turns that got the unwanted
action, so use it on the development set) through the default guard, turn by turn
(`eval.after_crisis_eval.replay`). Each set: 60 conversations, 30 per language, from blind writers (one
per language and set, session 32) who never saw the screen: a crisis opener, the fixed reply, then 3-6
user turns, each labelled `answer` or `fixed` in context. Prints per language: the `answer` turns the
model answered, the `fixed` turns kept from the model, calm conversations (kinds settles, low_but_safe,
misread, tester) that never got the fixed reply again, and conversations where a dangerous turn reached
the model; then per kind. Writes benchmarks/results/after_crisis_conversations.json.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

DATA = [REPO / "tests" / "data" / f"conversations_after_crisis{suffix}.jsonl" for suffix in ("", "_heldout")]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", action="append", help="A conversations file (repeatable; default: both sets).")
    parser.add_argument("--cache-dir", default="", help="Classifier cache (default: a fresh temp dir).")
    parser.add_argument("--after-crisis", default="support", choices=("support", "support_calm"),
                        help="The guard's safety.after_crisis mode.")
    parser.add_argument("--show", action="store_true", help="Print the turns that got the unwanted action.")
    parser.add_argument("--out", default=str(REPO / "benchmarks" / "results" / "after_crisis_conversations.json"))
    args = parser.parse_args(argv)

    from eval.after_crisis_eval import HEADER, load_conversations, replay, summarize, summary_rows, wanted
    from psycollm.atomic_io import atomic_write_text
    from psycollm.safety.classifier import RiskClassifier
    from psycollm.safety.guard import Guard

    logging.getLogger("psycollm.safety").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory() as tmp:
        clf = RiskClassifier.load_or_train(Path(args.cache_dir or tmp) / "safety")
    guard = Guard(learned=clf, after_crisis=args.after_crisis)

    sets = []
    for path in map(Path, args.data or DATA):
        results = [replay(c, guard) for c in load_conversations(path)]
        summary = summarize(results)
        print(f"\n{path.name} (after_crisis = {args.after_crisis})\n\n{HEADER}\n|---|---|---|---|---|---|")
        print("\n".join(summary_rows(summary)))
        for lang, s in summary.items():
            print(f"  {lang} by kind: " + "; ".join(
                f"{kind} {c['conversations']}: answer {c.get('answer_wanted', 0)}/{c.get('answer_turns', 0)}, "
                f"fixed {c.get('fixed_wanted', 0)}/{c.get('fixed_turns', 0)}" for kind, c in s["by_kind"].items()))
        if args.show:
            for r in results:
                for t in r["turns"]:
                    if not wanted(t):
                        print(f"  {r['id']} turn {t['index']} [{t['label']} -> {t['action']}] {t['text']}")
        sets.append({"data": str(path), "summary": summary,
                     "unwanted": [{"id": r["id"], "index": t["index"], "label": t["label"], "action": t["action"]}
                                  for r in results for t in r["turns"] if not wanted(t)]})
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(out, json.dumps({"benchmark": "after_crisis_conversations", "after_crisis": args.after_crisis,
                                       "sets": sets}, ensure_ascii=False, indent=2))
    print(f"\nwrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
