"""Output-screen evaluation on a labelled set of assistant replies: how many unsafe replies are
replaced (recall, per category and language), how many safe ones are replaced anyway (the false
replacement rate), per kind, and the list of errors, as a Markdown report plus JSON.

    psycollm eval output-screen                             # tests/data/output_screen_dev.jsonl
    psycollm eval output-screen --data tests/data/output_screen_test.jsonl --out runs/output_screen
    python -m eval.output_screen_eval --data FILE

Items are JSON lines: {"id", "lang", "text" (the assistant's reply), "unsafe": bool, "category":
method_information | medication_dosing | diagnosis_as_fact | encouraging_harm | none, "kind"}.
The screen is the app's: the patterns and, unless `--patterns-only` or `safety.output_classifier=false`,
the reply classifier (trained into the cache on first use, ~40 s).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from psycollm.config import add_settings_arguments, settings_from_args
from psycollm.errors import DatasetInvalid
from psycollm.safety.types import SafetyGuard

DEFAULT_DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "output_screen_dev.jsonl"
CATEGORIES = ("method_information", "medication_dosing", "diagnosis_as_fact", "encouraging_harm")


def load_items(path: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """The labelled replies (read as `safety_eval.read_jsonl` reads a set); an item without a reply text or
    an unsafe flag, or unsafe without a category, raises DatasetInvalid naming the file and line."""
    from eval.safety_eval import read_jsonl

    items = []
    for n, item in read_jsonl(path, "labelled replies"):
        if not isinstance(item.get("text"), str) or not isinstance(item.get("unsafe"), bool):
            raise DatasetInvalid(f"{path}:{n}: an item needs 'text' (the reply) and 'unsafe' (true/false)")
        if item["unsafe"] and item.get("category") not in CATEGORIES:
            raise DatasetInvalid(f"{path}:{n}: an unsafe item needs a category from {', '.join(CATEGORIES)}")
        items.append(item)
    return items


def _rate(k: int, n: int) -> float | None:
    return round(k / n, 4) if n else None


def _headline(preds: Sequence[dict[str, Any]]) -> dict[str, Any]:
    unsafe = [p for p in preds if p["unsafe"]]
    safe = [p for p in preds if not p["unsafe"]]
    caught = sum(p["replaced"] for p in unsafe)
    same_category = sum(p["gold_category"] in p["categories"] for p in unsafe)
    false_repl = sum(p["replaced"] for p in safe)
    return {"n_unsafe": len(unsafe), "replaced_unsafe": caught, "recall": _rate(caught, len(unsafe)),
            "recall_same_category": _rate(same_category, len(unsafe)),
            "n_safe": len(safe), "replaced_safe": false_repl, "false_replacement_rate": _rate(false_repl, len(safe))}


def evaluate(items: Sequence[dict[str, Any]], guard: SafetyGuard) -> dict[str, Any]:
    """Screen every reply with the guard's output screen and score it against its labels."""
    preds = []
    started = time.perf_counter()
    for item in items:
        lang = item.get("lang", "en")
        v = guard.screen_output(item["text"], [], lang)
        preds.append({"id": item.get("id"), "lang": lang, "kind": item.get("kind"), "unsafe": item["unsafe"],
                      "gold_category": item.get("category") if item["unsafe"] else "none",
                      "replaced": not v.ok, "categories": sorted(v.categories), "failed": v.failed,
                      "reasons": v.reasons, "text": item["text"]})
    elapsed = time.perf_counter() - started
    by_category = {cat: _headline([p for p in preds if p["gold_category"] == cat]) for cat in CATEGORIES}
    by_lang = {lang: _headline([p for p in preds if p["lang"] == lang]) for lang in sorted({p["lang"] for p in preds})}
    errors = [p for p in preds if p["replaced"] != p["unsafe"]]
    return {"n": len(preds), "headline": _headline(preds), "by_category": by_category, "by_language": by_lang,
            "errors": errors, "ms_per_item_mean": round(1000 * elapsed / len(preds), 3) if preds else None,
            "predictions": preds}


def render_markdown(result: dict[str, Any], meta: dict[str, Any]) -> str:
    h = result["headline"]
    out = ["# Output screen evaluation", "",
           f"Data: `{meta.get('data')}` ({result['n']} replies, sha256 {meta.get('data_sha256', '')[:12]}); "
           f"screen: {meta.get('screen', 'patterns')}; {meta.get('timestamp', '')}.", "",
           f"- Unsafe replies replaced (recall): **{h['recall']}** ({h['replaced_unsafe']}/{h['n_unsafe']}); "
           f"replaced for the labelled reason: {h['recall_same_category']}",
           f"- Safe replies replaced anyway (false replacement rate): **{h['false_replacement_rate']}** "
           f"({h['replaced_safe']}/{h['n_safe']})",
           f"- {result['ms_per_item_mean']} ms per reply (mean)", "",
           "| slice | recall | replaced / unsafe | false replacements / safe |", "|---|---|---|---|"]
    for name, v in [*result["by_language"].items(), *result["by_category"].items()]:
        out.append(f"| {name} | {v['recall']} | {v['replaced_unsafe']}/{v['n_unsafe']} | "
                   f"{v['replaced_safe']}/{v['n_safe']} |")
    out += ["", f"## Errors ({len(result['errors'])})", ""]
    if not result["errors"]:
        out.append("None.")
    else:
        out += ["| id | kind | gold | screen | reply |", "|---|---|---|---|---|"]
        for e in result["errors"]:
            text = e["text"].replace("|", "\\|").replace("\n", " ")
            screen = ", ".join(e["categories"]) if e["replaced"] else "shown"
            out.append(f"| {e['id']} | {e['kind']} | {e['gold_category']} | {screen} | {text[:200]} |")
    return "\n".join(out) + "\n"


def write_report(result: dict[str, Any], out_dir: str | os.PathLike[str], meta: dict[str, Any]) -> Path:
    """report.md + metrics.json + predictions.jsonl in out_dir; returns the report path."""
    from eval.safety_eval import write_report as write

    return write(result, out_dir, meta, render=render_markdown)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="psycollm eval output-screen", description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=str(DEFAULT_DATA), help="Labelled JSONL set of assistant replies.")
    parser.add_argument("--out", default="runs/output_screen_eval",
                        help="Folder for report.md, metrics.json, predictions.jsonl.")
    parser.add_argument("--patterns-only", action="store_true",
                        help="Evaluate the output screen's patterns without the reply classifier.")
    add_settings_arguments(parser)
    args = parser.parse_args(argv)
    settings = settings_from_args(args)
    import logging

    logging.getLogger("psycollm.safety").setLevel(logging.ERROR)  # one warning per replaced reply is noise here
    from psycollm.safety.guard import Guard

    items = load_items(args.data)
    reply_classifier = None
    if settings.safety.output_classifier and not args.patterns_only:
        from psycollm.safety.reply_classifier import ReplyClassifier

        reply_classifier = ReplyClassifier.load_or_train(settings.cache_path / "safety" / "replies")
    result = evaluate(items, Guard(learned=None, reply_classifier=reply_classifier))  # no input layer needed
    meta = {"data": args.data, "data_sha256": hashlib.sha256(Path(args.data).read_bytes()).hexdigest(),
            "screen": "patterns + reply classifier" if reply_classifier is not None else "patterns",
            "reply_classifier": reply_classifier.meta if reply_classifier is not None else None,
            "timestamp": time.strftime("%Y-%m-%d %H:%M:%S")}
    report = write_report(result, args.out, meta)
    h = result["headline"]
    print(f"replies {result['n']}  recall {h['recall']} ({h['replaced_unsafe']}/{h['n_unsafe']})  "
          f"false replacements {h['false_replacement_rate']} ({h['replaced_safe']}/{h['n_safe']})  "
          f"errors {len(result['errors'])}")
    print(f"report: {report}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
