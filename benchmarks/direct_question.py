"""How often a caution turn ends with the direct question ("are you having thoughts of ending your life?"),
and on whom: the crises the screen misses (the point of it) and the people who are not at risk (its cost).

    .venv/bin/python benchmarks/direct_question.py --cache-dir ~/.cache/psycollm/safety
    .venv/bin/python benchmarks/direct_question.py --out /tmp/direct_question.json

Labelled sets (tests/data/safety_*.jsonl), in two groups: "development" (looked at while tuning the
screen) and "held out" (final7-final15; only these counts are read, never their texts). Per group: the
high/imminent items the screen does not give a crisis reply, and how many of them are asked; benign
distress and the other items labelled none, and how many of them are asked. Real text (../shared/data,
skipped when absent): the share of counsel_chat questions and EmoLLM conversations asked, and the
labelled sample of benchmarks/safety_real_data.py by label. Prints a table, writes
benchmarks/results/direct_question.json.
"""

from __future__ import annotations

import argparse
import json
import logging
import platform
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
HELD_OUT = tuple(f"final{i}" for i in range(7, 16))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache-dir", default="", help="Classifier cache (default: a fresh temp dir).")
    parser.add_argument("--out", default=str(REPO / "benchmarks" / "results" / "direct_question.json"))
    args = parser.parse_args(argv)

    from benchmarks.safety_real_data import LABELS, SHARED, counsel_chat, emollm, labelled_messages
    from eval import safety_eval
    from psycollm.atomic_io import atomic_write_text
    from psycollm.safety.classifier import RiskClassifier
    from psycollm.safety.guard import Guard

    logging.getLogger("psycollm.safety").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory() as tmp:
        clf = RiskClassifier.load_or_train(Path(args.cache_dir or tmp) / "safety")
    guard = Guard(learned=clf)

    def outcome(messages: list[dict[str, str]], lang: str) -> str:
        v = guard.screen_input(messages, lang)
        return "asked" if v.question else str(v.action)

    counts: Counter[tuple[str, str, str]] = Counter()  # (group, who, outcome)
    for path in sorted((REPO / "tests" / "data").glob("safety_*.jsonl")):
        group = "held out" if path.stem.removeprefix("safety_") in HELD_OUT else "development"
        for item in safety_eval.load_items(path):
            got = outcome(item["messages"], item.get("lang", "en"))
            if item["level"] in ("high", "imminent"):
                who = "crisis"
            elif item["kind"] == "benign_distress":
                who = "benign distress"
            elif item["level"] == "none":
                who = "other, labelled none"
            elif item["level"] == "low":
                who = "labelled low"
            else:
                continue
            counts[(group, who, got)] += 1
    rows = []
    for group in ("development", "held out"):
        for who in ("crisis", "labelled low", "benign distress", "other, labelled none"):
            got = {k[2]: v for k, v in counts.items() if k[:2] == (group, who)}
            n = sum(got.values())
            if not n:
                continue
            rows.append({"group": group, "who": who, "n": n, "crisis reply": got.get("crisis", 0),
                         "refused": got.get("refuse", 0), "asked": got.get("asked", 0),
                         "caution, not asked": got.get("caution", 0), "allowed": got.get("allow", 0)})
    cols = ("crisis reply", "refused", "asked", "caution, not asked", "allowed")
    print(f"{'group':<12} {'items':<22} {'n':>5} " + " ".join(f"{c:>18}" for c in cols))
    for r in rows:
        print(f"{r['group']:<12} {r['who']:<22} {r['n']:>5} " + " ".join(f"{r[c]:>18}" for c in cols))

    real = []
    sources = {"counsel_chat": (SHARED / "counsel_chat" / "20200325_counsel_chat.csv", counsel_chat, "en"),
               "emollm": (SHARED / "emollm" / "data.json", emollm, "zh")}
    loaded = {key: load(path) for key, (path, load, _) in sources.items() if path.exists()}
    if not loaded:
        print(f"\nreal text skipped: no data under {SHARED}")
    for key, conversations in loaded.items():
        got = Counter(outcome(m, sources[key][2]) for m in conversations)
        real.append({"source": key, "n": len(conversations), **{k: got.get(k, 0) for k in ("asked", "caution", "crisis", "refuse", "allow")}})
    if loaded:
        labelled, _ = labelled_messages(LABELS, loaded)
        by_label = Counter((m["lang"], m["label"], outcome([{"role": "user", "content": m["text"]}], m["lang"]))
                           for m in labelled)
        for lang in ("en", "zh"):
            for level in ("none", "low", "high", "imminent"):
                got = {k[2]: v for k, v in by_label.items() if k[:2] == (lang, level)}
                if got:
                    real.append({"source": f"labelled sample, {lang}, labelled {level}", "n": sum(got.values()),
                                 **{k: got.get(k, 0) for k in ("asked", "caution", "crisis", "refuse", "allow")}})
        print(f"\n{'real text (each conversation up to its last user turn)':<44} {'n':>5} {'asked':>6} "
              f"{'caution, not asked':>19} {'crisis':>7} {'refused':>8} {'allowed':>8}")
        for r in real:
            print(f"{r['source']:<44} {r['n']:>5} {r['asked']:>6} {r['caution']:>19} {r['crisis']:>7} "
                  f"{r['refuse']:>8} {r['allow']:>8}")
    out = Path(args.out)
    atomic_write_text(out, json.dumps({"labelled": rows, "real": real, "ask_thresholds": {
        k: v for k, v in clf.meta.items() if k.endswith("ask_high")}, "machine": platform.machine(),
        "python": platform.python_version(), "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S")}, indent=2))
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
