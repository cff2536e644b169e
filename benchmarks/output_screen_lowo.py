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
    parser.add_argument("--match-false", type=int, default=0, metavar="N",
                        help="Also report recall with both thresholds moved by one margin until the writers left "
                             "out get N false replacements: compares the ranking of two trainings at equal cost.")
    parser.add_argument("--out", default=str(REPO / "benchmarks" / "results" / "output_screen_lowo.json"))
    args = parser.parse_args(argv)

    from eval import output_screen_eval
    from psycollm.atomic_io import atomic_write_text
    from psycollm.safety.guard import Guard
    from psycollm.safety.output_screen import check_reply
    from psycollm.safety.reply_classifier import CATEGORIES, ReplyClassifier, training_data_paths

    logging.getLogger("psycollm.safety").setLevel(logging.ERROR)
    paths = {p.stem.removeprefix("train_replies_"): p for p in training_data_paths()}
    writers = [w.strip() for w in args.writers.split(",") if w.strip()] or sorted(paths)
    unknown = sorted(set(writers) - set(paths))
    if unknown:
        parser.error(f"no training file for writer(s) {', '.join(unknown)}; have {', '.join(sorted(paths))}")

    rows, scored = [], []  # scored: (unsafe, caught by the patterns, the classifier's margin) per reply
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(args.cache_dir or tmp)
        for w in writers:
            t0 = time.perf_counter()
            clf = ReplyClassifier.load_or_train(cache / f"without_{w}", data_paths=[p for k, p in sorted(paths.items()) if k != w])
            train_s = time.perf_counter() - t0
            result = output_screen_eval.evaluate(output_screen_eval.load_items(paths[w]),
                                                 Guard(learned=None, reply_classifier=clf))
            h, by_cat = result["headline"], result["by_category"]
            if args.match_false:
                scored += [(p["unsafe"], bool(check_reply(p["text"])), clf.score(p["text"]).margin)
                           for p in result["predictions"]]
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

    if args.match_false and scored:
        total["match_false"] = _recall_at_false(scored, args.match_false)
    print("\n| left out | unsafe replaced | " + " | ".join(CATEGORIES) + " | safe replaced |")
    print("|---|---|" + "---|" * len(CATEGORIES) + "---|")
    for r in [*rows, total]:
        cats = " | ".join("{}/{}".format(*r["by_category"].get(c, [0, 0])) for c in CATEGORIES)
        recall = "-" if r["recall"] is None else f"{r['recall']:.3f}"
        print(f"| {r['writer']} | {recall} ({r['n_unsafe']}) | {cats} | "
              f"{r['replaced_safe']}/{r['n_safe']} ({r['false_replacement_rate']:.1%}) |")
    if "match_false" in total:
        m = total["match_false"]
        print(f"\nthresholds moved by {m['shift']:+.3f}: {m['replaced_unsafe']}/{total['n_unsafe']} unsafe replaced "
              f"({m['recall']:.3f}) at {m['replaced_safe']} false replacements (asked for at most {args.match_false})")
    out = {"writers": rows, "all": total, "machine": platform.platform(), "python": platform.python_version(),
           "timestamp": time.strftime("%Y-%m-%d %H:%M:%S")}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(Path(args.out), json.dumps(out, ensure_ascii=False, indent=2))
    print(f"\nwrote {args.out}")
    return 0


def _recall_at_false(scored: list[tuple[bool, bool, float]], n_false: int) -> dict:
    """The most unsafe replies replaced with at most n_false safe ones, moving both thresholds by one shift
    (a reply is replaced by the patterns, or when its margin over its threshold is at least the shift)."""
    best = {"shift": float("inf"), "replaced_unsafe": 0, "replaced_safe": 0, "recall": 0.0}
    n_unsafe = max(1, sum(u for u, _, _ in scored))
    for shift in sorted({m for _, _, m in scored}, reverse=True):
        caught = [u for u, pattern, m in scored if pattern or m >= shift]
        if len(caught) - sum(caught) > n_false:
            break
        best = {"shift": round(shift, 4), "replaced_unsafe": sum(caught), "replaced_safe": len(caught) - sum(caught),
                "recall": round(sum(caught) / n_unsafe, 4)}
    return best


if __name__ == "__main__":
    raise SystemExit(main())
