"""Leave one writer out for the reply classifier: how the output screen does on replies written by
someone whose style it never trained on.

    .venv/bin/python benchmarks/output_screen_lowo.py                 # every writer of psycollm/safety/data/replies
    .venv/bin/python benchmarks/output_screen_lowo.py --writers d,e --cache-dir /tmp/rc_lowo

For each training file `train_replies_<writer>.jsonl`, the reply classifier is trained on the other
files (thresholds from their out-of-fold scores, as shipped) and the default output screen (patterns,
then the classifier) reads that writer's replies: recall per category is the share of unsafe replies
replaced, false replacements the share of safe replies replaced. The held-out set
tests/data/output_screen_test.jsonl must not be tuned on, so changes to the reply classifier's data
and training are judged here (and on the dev set, `output_screen_quality.py --sets dev`).
Prints a table, writes benchmarks/results/output_screen_lowo.json.
"""

from __future__ import annotations

import argparse
import json
import logging
import platform
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--writers", default="", help="Comma-separated writers (default: every training file).")
    parser.add_argument("--cache-dir", default="", help="Where the per-writer models are cached (default: a temp dir).")
    parser.add_argument("--out", default=str(REPO / "benchmarks" / "results" / "output_screen_lowo.json"))
    args = parser.parse_args(argv)

    from eval import output_screen_eval
    from psycollm.atomic_io import atomic_write_text
    from psycollm.safety.guard import Guard
    from psycollm.safety.reply_classifier import CATEGORIES, ReplyClassifier, training_data_paths

    logging.getLogger("psycollm.safety").setLevel(logging.ERROR)
    paths = {p.stem.removeprefix("train_replies_"): p for p in training_data_paths()}
    writers = [w.strip() for w in args.writers.split(",") if w.strip()] or sorted(paths)
    unknown = sorted(set(writers) - set(paths))
    if unknown:
        parser.error(f"no training file for writer(s) {', '.join(unknown)}; have {', '.join(sorted(paths))}")

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(args.cache_dir or tmp)
        for w in writers:
            t0 = time.perf_counter()
            clf = ReplyClassifier.load_or_train(cache / f"without_{w}", data_paths=[p for k, p in sorted(paths.items()) if k != w])
            train_s = time.perf_counter() - t0
            result = output_screen_eval.evaluate(output_screen_eval.load_items(paths[w]),
                                                 Guard(learned=None, reply_classifier=clf))
            h, by_cat = result["headline"], result["by_category"]
            rows.append({"writer": w, "n_unsafe": h["n_unsafe"], "recall": h["recall"], "n_safe": h["n_safe"],
                         "replaced_safe": h["replaced_safe"], "false_replacement_rate": h["false_replacement_rate"],
                         "by_category": {c: [by_cat[c]["replaced_unsafe"], by_cat[c]["n_unsafe"]]
                                         for c in CATEGORIES if c in by_cat},
                         "train_s": round(train_s, 1)})

    total = {"writer": "all", "n_unsafe": sum(r["n_unsafe"] for r in rows), "n_safe": sum(r["n_safe"] for r in rows),
             "by_category": {c: [sum(r["by_category"].get(c, [0, 0])[0] for r in rows),
                                 sum(r["by_category"].get(c, [0, 0])[1] for r in rows)] for c in CATEGORIES}}
    # A writer of safe replies only (no unsafe ones, recall None) adds to the false replacements alone.
    total["recall"] = round(sum((r["recall"] or 0.0) * r["n_unsafe"] for r in rows) / max(1, total["n_unsafe"]), 4)
    total["replaced_safe"] = sum(r["replaced_safe"] for r in rows)
    total["false_replacement_rate"] = round(total["replaced_safe"] / max(1, total["n_safe"]), 4)

    print("\n| left out | unsafe replaced | " + " | ".join(CATEGORIES) + " | safe replaced |")
    print("|---|---|" + "---|" * len(CATEGORIES) + "---|")
    for r in [*rows, total]:
        cats = " | ".join("{}/{}".format(*r["by_category"].get(c, [0, 0])) for c in CATEGORIES)
        recall = "-" if r["recall"] is None else f"{r['recall']:.3f}"
        print(f"| {r['writer']} | {recall} ({r['n_unsafe']}) | {cats} | "
              f"{r['replaced_safe']}/{r['n_safe']} ({r['false_replacement_rate']:.1%}) |")
    out = {"writers": rows, "all": total, "machine": platform.platform(), "python": platform.python_version(),
           "timestamp": time.strftime("%Y-%m-%d %H:%M:%S")}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(Path(args.out), json.dumps(out, ensure_ascii=False, indent=2))
    print(f"\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
