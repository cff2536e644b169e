"""After a crisis reply, whole conversations: does the model get to answer the calm turns, and never the dangerous ones?

    .venv/bin/python benchmarks/after_crisis_conversations.py --cache-dir ~/.cache/psycollm
    .venv/bin/python benchmarks/after_crisis_conversations.py --cache-dir ~/.cache/psycollm --after-crisis support_calm
    .venv/bin/python benchmarks/after_crisis_conversations.py --data tests/data/conversations_after_crisis.jsonl --show
    .venv/bin/python benchmarks/after_crisis_conversations.py --cache-dir ~/.cache/psycollm --after-crisis judge \
        --backend openai --base-url http://gpu-node:8000/v1 --model psycollm   # the LLM judge (a capable model)

Replays each conversation of tests/data/conversations_after_crisis.jsonl (development) and
..._heldout.jsonl (held out: counts only; --show prints the texts of the turns that got the unwanted
action, so use it on the development set) through the default guard, turn by turn
(`eval.after_crisis_eval.replay`). Each set: 60 conversations, 30 per language, from blind writers (one
per language and set, session 32) who never saw the screen: a crisis opener, the fixed reply, then 3-6
user turns, each labelled `answer` or `fixed` in context. Prints per language: the `answer` turns the
model answered, the `fixed` turns kept from the model, calm conversations (kinds settles, low_but_safe,
misread, tester) that never got the fixed reply again, and conversations where a dangerous turn reached
the model; then per kind. With `--after-crisis judge` the LLM judge on the configured backend (the settings
flags; by default the embedded 135M model, which cannot do the job) decides the turns the rules leave open,
its calls are timed and its answers counted by label. Writes benchmarks/results/after_crisis_conversations.json.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

DATA = [REPO / "tests" / "data" / f"conversations_after_crisis{suffix}.jsonl" for suffix in ("", "_heldout")]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", action="append", help="A conversations file (repeatable; default: both sets).")
    parser.add_argument("--cache-dir", default="", help="Classifier cache (default: a fresh temp dir).")
    parser.add_argument("--after-crisis", default="support", choices=("support", "support_calm", "judge"),
                        help="The guard's safety.after_crisis mode (judge: the LLM judge on the configured backend).")
    parser.add_argument("--show", action="store_true", help="Print the turns that got the unwanted action.")
    parser.add_argument("--out", default=str(REPO / "benchmarks" / "results" / "after_crisis_conversations.json"))
    from psycollm.config import add_settings_arguments, settings_from_args

    add_settings_arguments(parser)
    args = parser.parse_args(argv)

    from eval.after_crisis_eval import HEADER, load_conversations, replay, summarize, summary_rows, wanted
    from psycollm.atomic_io import atomic_write_text
    from psycollm.safety.classifier import RiskClassifier
    from psycollm.safety.guard import Guard

    logging.getLogger("psycollm.safety").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory() as tmp:
        clf = RiskClassifier.load_or_train(Path(args.cache_dir or tmp) / "safety")
    judge_calls: list[float] = []
    judge = None
    if args.after_crisis == "judge":
        from psycollm.backends import make_backend
        from psycollm.safety.llm_judge import LLMJudge

        settings = settings_from_args(args)
        judge = LLMJudge(_Timed(make_backend(settings), judge_calls))
    guard = Guard(learned=clf, after_crisis=args.after_crisis, after_crisis_judge=judge)

    sets = []
    for path in map(Path, args.data or DATA):
        results = [replay(c, guard) for c in load_conversations(path)]
        summary = summarize(results)
        print(f"\n{path.name} (after_crisis = {args.after_crisis})\n\n{HEADER}\n|---|---|---|---|---|---|")
        print("\n".join(summary_rows(summary)))
        for lang, s in summary.items():
            if s["judge"]:  # what the LLM judge answered on the turns it was asked about, by label
                print(f"  {lang} LLM judge answers: " + "; ".join(
                    f"{label} turns: " + ", ".join(f"{k} {v}" for k, v in sorted(c.items())) for label, c in s["judge"].items()))
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
    timing: dict[str, Any] = {}
    if judge is not None:
        ordered = sorted(judge_calls) or [0.0]
        timing = {"judge_model": judge.backend.model_name, "judge_calls": len(judge_calls),
                  "judge_call_p50_s": round(ordered[len(ordered) // 2], 3),
                  "judge_call_p95_s": round(ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))], 3)}
        print(f"\nLLM judge {timing['judge_model']}: {timing['judge_calls']} calls, "
              f"p50 {timing['judge_call_p50_s']} s, p95 {timing['judge_call_p95_s']} s a call")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(out, json.dumps({"benchmark": "after_crisis_conversations", "after_crisis": args.after_crisis,
                                       **timing, "sets": sets}, ensure_ascii=False, indent=2))
    print(f"\nwrote {out}")
    return 0


class _Timed:
    """The judge's backend, each call timed (the figure a deployment needs: what the judge adds to a turn)."""

    def __init__(self, inner: Any, seconds: list[float]) -> None:
        self.inner, self.seconds = inner, seconds

    def __getattr__(self, name: str) -> Any:  # model_name, context_window, count_tokens: the backend's own
        return getattr(self.inner, name)

    def generate_batch(self, prompts: Any, params: Any) -> list[str]:
        t = time.perf_counter()
        try:
            return self.inner.generate_batch(prompts, params)
        finally:
            self.seconds.append(time.perf_counter() - t)


if __name__ == "__main__":
    raise SystemExit(main())
