"""Safety-screen quality on every labelled set in tests/data/: recall on high+imminent risk and the
false-positive rate on benign distress (the issue's two goals), per escalation mode.

    .venv/bin/python benchmarks/safety_quality.py                  # every tests/data/safety_*.jsonl
    .venv/bin/python benchmarks/safety_quality.py --sets final7 --escalation agreement

Runs `eval.safety_eval.evaluate` with the lexicon alone (judge=none) and with the default classifier
under each `safety.escalation` mode. The classifier is trained once into a cache dir (default: a temp
dir, so the figures are for the committed training data). Prints a table, writes
benchmarks/results/safety_quality.json. Which sets were looked at while tuning is in docs/safety.md.
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
    parser.add_argument("--sets", default="", help="Comma-separated set names (safety_<name>.jsonl); default all.")
    parser.add_argument("--escalation", default="agreement,joint", help="Comma-separated escalation modes.")
    parser.add_argument("--cache-dir", default="", help="Classifier cache (default: a fresh temp dir).")
    parser.add_argument("--out", default=str(REPO / "benchmarks" / "results" / "safety_quality.json"))
    args = parser.parse_args(argv)

    from eval import safety_eval
    from psycollm.atomic_io import atomic_write_text
    from psycollm.safety.classifier import RiskClassifier
    from psycollm.safety.guard import Guard

    logging.getLogger("psycollm.safety").setLevel(logging.ERROR)  # one warning per crisis item is noise
    data = REPO / "tests" / "data"
    names = [s.strip() for s in args.sets.split(",") if s.strip()] or sorted(
        p.stem.removeprefix("safety_") for p in data.glob("safety_*.jsonl"))
    modes = [m.strip() for m in args.escalation.split(",") if m.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        clf = RiskClassifier.load_or_train(Path(args.cache_dir or tmp) / "safety")
        train_s = time.perf_counter() - t0
        screens = [("lexicon only", None, Guard(learned=None))]
        screens += [(f"classifier, escalation={mode}", mode, Guard(learned=clf)) for mode in modes]
        rows = []
        for name in names:
            items = safety_eval.load_items(data / f"safety_{name}.jsonl")
            for label, mode, guard in screens:
                if mode is not None:
                    clf.require_agreement = mode == "agreement"  # what Guard.from_settings sets
                h = safety_eval.evaluate(items, guard)["headline"]
                rows.append({"set": name, "screen": label, "n": len(items), **h})

    print(f"{'set':<11} {'screen':<34} {'recall high+imm':>17} {'benign-distress FPR':>21} {'crisis on answerable':>21} {'missed, no note':>16}")
    def rate(value: float | None, width: int) -> str:  # a set without such items (short_turns has no benign distress)
        return f"{value:>{width}.3f}" if value is not None else f"{'n/a':>{width}}"

    for r in rows:
        caught = r["n_high_imminent"] - r["missed_high_imminent"]
        print(f"{r['set']:<11} {r['screen']:<34} {rate(r['recall_high_imminent'], 6)} ({caught:>3}/{r['n_high_imminent']:<3}) "
              f"{rate(r['benign_distress_fpr'], 10)} ({r['benign_distress_fp']:>2}/{r['n_benign_distress']:<3}) "
              f"{rate(r['non_crisis_fpr'], 21)} {r['missed_high_imminent_allowed']:>16}")
    print("goals: recall >= 0.98, benign-distress FPR <= 0.05; 'missed, no note': high/imminent items answered "
          "with no safety note (the rest of the misses got caution)")
    print(f"\n{'set':<11} {'screen':<34} {'caution on answerable':>22} {'of which benign distress':>25} {'low, no note':>13}")
    for r in rows:
        print(f"{r['set']:<11} {r['screen']:<34} {r['answerable_cautioned']:>12} of {r['n_answerable']:<7} "
              f"{r['benign_distress_caution']:>16} of {r['n_benign_distress']:<5} {r['low_unnoted']:>6} of {r['n_low']:<4}")
    print("caution on answerable: items labelled allow that got caution (a safety note and one crisis line); "
          "low, no note: items labelled caution answered with no safety note")
    out = Path(args.out)
    atomic_write_text(out, json.dumps({"rows": rows, "classifier_train_s": round(train_s, 1),
                                       "classifier_meta": {k: v for k, v in clf.meta.items() if k != "vocabulary"},
                                       "machine": platform.machine(), "python": platform.python_version(),
                                       "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S")}, indent=2, default=str))
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
