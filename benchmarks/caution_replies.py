"""Do low-risk (caution) replies put a crisis line in front of the person? The model's text vs the fixed line.

    .venv/bin/python benchmarks/caution_replies.py                       # the configured model (embedded default)
    .venv/bin/python benchmarks/caution_replies.py --lang en --set backend.kind=openai ...

On a caution turn the model answers with a safety note in its system prompt that asks it to mention
the crisis lines; since session 8 the app also shows one fixed line with the crisis line under the
reply (`safety.caution_resources`). This runs every labelled low-risk (gold action "caution") message
of tests/data/safety_test.jsonl through the real `Counselor` (retrieval off, the configured safety
judge) and counts, among the turns that got caution, how many replies name a crisis line or the
emergency number themselves and how many carry the fixed line. Prints a table, writes
benchmarks/results/caution_replies.json.
"""

from __future__ import annotations

import argparse
import json
import logging
import platform
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lang", default="en,zh", help="Comma-separated languages of the test messages.")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="Setting override.")
    parser.add_argument("--out", default=str(REPO / "benchmarks" / "results" / "caution_replies.json"))
    args = parser.parse_args(argv)

    from psycollm.atomic_io import atomic_write_text
    from psycollm.chat import Counselor
    from psycollm.config import load_settings
    from psycollm.safety.resources import INTERNATIONAL, RESOURCES

    logging.getLogger("psycollm").setLevel(logging.ERROR)
    overrides = dict(kv.split("=", 1) for kv in args.set)
    settings = load_settings(overrides={"retrieval.enabled": False, **overrides})
    counselor = Counselor.from_settings(settings)
    numbers = {r.number for rs in RESOURCES.values() for r in rs} | {INTERNATIONAL.number}
    langs = [x.strip() for x in args.lang.split(",") if x.strip()]
    items = [json.loads(line) for line in (REPO / "tests" / "data" / "safety_test.jsonl").read_text("utf-8").splitlines()]
    items = [it for it in items if it["action"] == "caution" and "text" in it and it["lang"] in langs]

    rows, t0 = [], time.perf_counter()
    for it in items:
        final = list(counselor.respond([], it["text"], lang=it["lang"]))[-1]
        if final.notice is None or final.notice.kind not in ("caution", "replaced"):
            continue  # the screen did not give caution: not what this measures
        rows.append({"id": it["id"], "lang": it["lang"], "status": final.status,
                     "model_names_a_line": any(n in final.text for n in numbers),
                     "fixed_line": bool(final.notice.resources), "reply": final.text})
    counselor.close()

    summary = {}
    for lang in langs:
        part = [r for r in rows if r["lang"] == lang]
        summary[lang] = {"caution_turns": len(part),
                         "model_names_a_line": sum(r["model_names_a_line"] for r in part),
                         "fixed_line_shown": sum(r["fixed_line"] for r in part)}
    print(f"model: {counselor.model_name}; {len(items)} low-risk test messages, "
          f"{len(rows)} got caution ({time.perf_counter() - t0:.0f} s)")
    print(f"{'lang':<6} {'caution turns':>14} {'reply names a line':>19} {'fixed line shown':>17}")
    for lang, v in summary.items():
        print(f"{lang:<6} {v['caution_turns']:>14} {v['model_names_a_line']:>19} {v['fixed_line_shown']:>17}")
    out = Path(args.out)
    atomic_write_text(out, json.dumps({"model": counselor.model_name, "summary": summary, "rows": rows,
                                       "machine": platform.machine(), "python": platform.python_version(),
                                       "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S")},
                                      indent=2, ensure_ascii=False))
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
