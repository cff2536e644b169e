"""The output screen on a deployed model's own replies: what it replaces, and how often it is right.

    .venv/bin/python benchmarks/output_screen_model_replies.py                   # embedded default model
    .venv/bin/python benchmarks/output_screen_model_replies.py --n 40 --show     # fewer prompts, print replacements
    .venv/bin/python benchmarks/output_screen_model_replies.py --replies benchmarks/results/model_replies.jsonl
    .venv/bin/python benchmarks/output_screen_model_replies.py --set backend.kind=openai --set backend.model=...
    .venv/bin/python benchmarks/output_screen_model_replies.py --questions tests/data/safety_doses.jsonl \
        --kinds benign_dose --lang en --show                   # people talking about their medication

`output_screen_quality.py` measures the screen on replies people wrote; this one measures it on what
the configured model (by default the embedded SmolLM2-135M) actually says to real users' questions:
`--n` distinct questions per language, sampled with a fixed seed from counsel_chat (English) and the
first client turns of EmoLLM and CPsyCounE (Chinese) in ../shared/data (or $PSYCOLLM_SHARED_DATA).
Every question goes through the real `Counselor` with the configured settings (input screen, retrieval,
streaming with the sentence buffer, output screen); turns the input screen answers itself (crisis,
refusal) never reach the model and are counted apart. Each raw model reply is then screened again by
the patterns alone and by patterns + reply classifier, so the two can be compared on the same text.

The replies are not labelled: `--show` prints every replaced reply so a reader can judge whether it
really doses, diagnoses as fact, gives method information or encourages harm. Generated replies are
saved to `--save` (JSONL) and can be re-screened without the model with `--replies`. Prints a table
and writes benchmarks/results/output_screen_model_replies.json.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import random
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
SHARED = Path(os.environ.get("PSYCOLLM_SHARED_DATA", REPO.parent / "shared" / "data"))
RESULTS = REPO / "benchmarks" / "results"


def english_questions() -> list[str]:
    import csv

    path = SHARED / "counsel_chat" / "20200325_counsel_chat.csv"
    with open(path, encoding="utf-8", newline="") as fh:
        rows = csv.DictReader(fh)
        questions = (" ".join(x for x in ((r.get("questionTitle") or "").strip(), (r.get("questionText") or "").strip()) if x)
                     for r in rows)
        return list(dict.fromkeys(q for q in questions if q))


def chinese_questions() -> list[str]:
    out = []
    for conv in json.loads((SHARED / "emollm" / "data.json").read_text(encoding="utf-8")):
        turns = conv.get("conversation") or []
        if turns and turns[0].get("input"):
            out.append(turns[0]["input"].strip())
    for f in sorted((SHARED / "cpsycoun" / "CPsyCounE").glob("*/*.json")):
        first = next((t for t in json.loads(f.read_text(encoding="utf-8")) if isinstance(t, str)), "")
        if first.startswith("求助者："):
            out.append(first.removeprefix("求助者：").strip())
    return list(dict.fromkeys(q for q in out if q))


def labelled_questions(path: str, kinds: list[str]) -> dict[str, list[str]]:
    """Single messages of a labelled safety set (tests/data/safety_*.jsonl), by language, of these kinds."""
    out: dict[str, list[str]] = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        item = json.loads(line) if line.strip() else {}
        if "text" in item and (not kinds or item.get("kind") in kinds):
            out.setdefault(item.get("lang", "en"), []).append(item["text"])
    return out


def sample(questions: list[str], n: int, seed: int, max_chars: int) -> list[str]:
    questions = [q for q in questions if len(q) <= max_chars]
    random.Random(seed).shuffle(questions)
    return questions[:n]


class Collect:
    """A turn sink that keeps the records in memory (the store is not what this measures)."""

    def __init__(self) -> None:
        self.records: list = []

    def save_turn(self, record) -> None:
        self.records.append(record)


def generate(prompts: list[tuple[str, str]], overrides: dict[str, str]) -> tuple[list[dict], str, float]:
    from psycollm.chat import Counselor
    from psycollm.config import load_settings

    settings = load_settings(overrides=overrides)
    sink = Collect()
    counselor = Counselor.from_settings(settings, sink=sink)
    rows, t0 = [], time.perf_counter()
    try:
        for i, (lang, question) in enumerate(prompts, 1):
            for _ in counselor.respond([], question, lang=lang):
                pass
            rec = sink.records[-1]
            rows.append({"lang": lang, "question": question, "status": rec.status, "raw_reply": rec.raw_reply,
                         "reply": rec.reply, "output_verdict": rec.output_verdict})
            if i % 25 == 0:
                print(f"  {i}/{len(prompts)} turns, {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    finally:
        counselor.close()
    return rows, counselor.model_name, time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=150, help="Questions per language (default 150).")
    parser.add_argument("--lang", default="en,zh", help="Comma-separated languages.")
    parser.add_argument("--seed", type=int, default=0, help="Sampling seed for the questions and the model.")
    parser.add_argument("--max-chars", type=int, default=600, help="Skip questions longer than this.")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="Setting override.")
    parser.add_argument("--replies", default="", help="Re-screen saved replies (JSONL from --save) instead of generating.")
    parser.add_argument("--save", default=str(RESULTS / "model_replies.jsonl"), help="Where generated replies go.")
    parser.add_argument("--cache-dir", default="", help="Reply-classifier cache (default: the user cache).")
    parser.add_argument("--show", action="store_true", help="Print every replaced reply.")
    parser.add_argument("--questions", default="", help="Ask the messages of a labelled set (tests/data/safety_*.jsonl) "
                                                        "instead of real questions.")
    parser.add_argument("--kinds", default="", help="With --questions: only items of these comma-separated kinds.")
    parser.add_argument("--out", default=str(RESULTS / "output_screen_model_replies.json"))
    args = parser.parse_args(argv)

    from psycollm.atomic_io import atomic_write_text
    from psycollm.config import load_settings
    from psycollm.safety.guard import Guard
    from psycollm.safety.reply_classifier import ReplyClassifier

    logging.getLogger("psycollm").setLevel(logging.ERROR)
    langs = [x.strip() for x in args.lang.split(",") if x.strip()]
    model, gen_s = "(saved replies)", 0.0
    if args.replies:
        rows = [json.loads(line) for line in Path(args.replies).read_text("utf-8").splitlines() if line.strip()]
        rows = [r for r in rows if r["lang"] in langs]
        model = rows[0].get("model", model) if rows else model
    else:
        if args.questions:
            labelled = labelled_questions(args.questions, [k for k in args.kinds.split(",") if k])
            pools = {lang: (lambda qs=labelled.get(lang, []): qs) for lang in langs}
        elif not SHARED.is_dir():
            print(f"skipped: no real questions ({SHARED} is absent); use --replies FILE", file=sys.stderr)
            return 0
        else:
            pools = {"en": english_questions, "zh": chinese_questions}
        prompts = [(lang, q) for lang in langs for q in sample(pools[lang](), args.n, args.seed, args.max_chars)]
        overrides = {"generation.seed": str(args.seed), **dict(kv.split("=", 1) for kv in args.set)}
        rows, model, gen_s = generate(prompts, overrides)
        for r in rows:
            r["model"] = model
        Path(args.save).parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(Path(args.save), "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))

    settings = load_settings()
    cache = Path(args.cache_dir) if args.cache_dir else settings.cache_path / "safety" / "replies"
    screens = {"patterns": Guard(learned=None),
               "patterns + reply classifier (default)": Guard(learned=None, reply_classifier=ReplyClassifier.load_or_train(cache))}
    table, shown = [], []
    for lang in langs:
        mine = [r for r in rows if r["lang"] == lang]
        answered = [r for r in mine if r["status"] in ("ok", "replaced", "cancelled")]
        for name, guard in screens.items():
            hits = [(r, guard.check_reply(r["raw_reply"])) for r in answered]
            hits = [(r, p) for r, p in hits if p]
            cats: dict[str, int] = {}
            for _, problems in hits:
                for c in sorted({p.category for p in problems}):
                    cats[c] = cats.get(c, 0) + 1
            table.append({"lang": lang, "screen": name, "questions": len(mine), "model_replies": len(answered),
                          "screened_by_input": len(mine) - len(answered), "replaced": len(hits),
                          "replaced_rate": round(len(hits) / max(1, len(answered)), 4), "by_category": cats})
            if name.startswith("patterns + "):
                shown += [{"lang": lang, "question": r["question"], "reply": r["raw_reply"],
                           "problems": [{"category": p.category, "text": p.text} for p in problems]} for r, problems in hits]
        # what the app itself did during generation (same default screen, plus the stream buffer)
        if not args.replies:
            app_replaced = sum(r["status"] == "replaced" for r in answered)
            table.append({"lang": lang, "screen": "app during generation", "questions": len(mine),
                          "model_replies": len(answered), "screened_by_input": len(mine) - len(answered),
                          "replaced": app_replaced, "replaced_rate": round(app_replaced / max(1, len(answered)), 4),
                          "by_category": {}})

    print(f"\nOutput screen on the model's own replies: {model}\n")
    print("| lang | screen | questions | input screen answered | model replies | replaced | by category |")
    print("|---|---|---|---|---|---|---|")
    for t in table:
        cats = ", ".join(f"{k} {v}" for k, v in t["by_category"].items()) or "-"
        print(f"| {t['lang']} | {t['screen']} | {t['questions']} | {t['screened_by_input']} | {t['model_replies']} | "
              f"{t['replaced']} ({t['replaced_rate']:.1%}) | {cats} |")
    if gen_s:
        print(f"\ngeneration: {len(rows)} turns in {gen_s:.0f} s")
    if args.show:
        for s in shown:
            print(f"\n--- [{s['lang']}] Q: {s['question'][:200]}\nA: {s['reply']}\nflagged: {s['problems']}")
    out = {"model": model, "generation_s": round(gen_s, 1), "seed": args.seed, "table": table, "replaced": shown,
           "machine": platform.platform(), "python": platform.python_version()}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(Path(args.out), json.dumps(out, ensure_ascii=False, indent=2))
    print(f"\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
