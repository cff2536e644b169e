"""The stream screen against the end-of-reply check: how often it holds back a reply the final check lets
through (the stream stalls, then the rest appears at once), and how often it shows text the final check
then replaces.

    .venv/bin/python benchmarks/output_stream.py                 # table + benchmarks/results/output_stream.json
    .venv/bin/python benchmarks/output_stream.py --limit 300     # the first 300 replies of each source

While a reply streams, `SentenceBuffer` releases it one complete sentence at a time and asks a check
about each new piece; at the end `Guard.check_reply` judges the whole reply and decides what stays.
Each reply is fed in pieces of `--piece` characters through three stream checks:

- `alone` (until session 21): each new piece judged as if it were a whole reply of its own;
- `continuation` (the default since session 21, `Guard.check_streamed`): the reply so far judged as the
  final check would judge it if it ended there;
- `sentences`: each new sentence at the sentence threshold, never a whole (what a stream check that
  only ever sees sentences would do).

Replies: the labelled development set (tests/data/output_screen_dev.jsonl) and the real counsellors'
replies of ../shared/data (or $PSYCOLLM_SHARED_DATA; skipped with a message when absent), as in
`output_screen_quality.py`. "Stalled": the final check lets the reply through, the stream held part of
it back. "Shown, then replaced": the final check replaces the reply, and what the stream had released
is itself something the final check replaces (the user saw unsafe text for a moment). "Held back a
while, then shown": the stream waited for more sentences before releasing some (a short reply so far that
reads unsafe as a whole), and in the end showed the whole reply.
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
sys.path.insert(0, str(REPO / "benchmarks"))


def stream(check, reply: str, piece: int) -> tuple[bool, str, bool]:
    """(stream let everything through, released text, some complete sentence was held back for a while)
    for `reply` fed in `piece`-character pieces."""
    from psycollm.safety.output_screen import SentenceBuffer, complete_up_to

    buf, held = SentenceBuffer(check), False
    for i in range(0, len(reply), piece):
        buf.feed(reply[i:i + piece])
        held = held or (not buf.blocked and complete_up_to(buf.text, len(buf.released)) > len(buf.released))
    return buf.close(), buf.released, held


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=0, help="At most this many replies per source (0: all).")
    parser.add_argument("--piece", type=int, default=6, help="Characters per streamed piece.")
    parser.add_argument("--modes", default="alone,continuation,sentences")
    parser.add_argument("--cache-dir", default="", help="Reply-classifier cache (default: a fresh temp dir).")
    parser.add_argument("--out", default=str(REPO / "benchmarks" / "results" / "output_stream.json"))
    args = parser.parse_args(argv)

    from output_screen_quality import real_reply_sources

    from eval import output_screen_eval
    from psycollm.atomic_io import atomic_write_text
    from psycollm.safety.guard import Guard
    from psycollm.safety.output_screen import check_reply
    from psycollm.safety.reply_classifier import ReplyClassifier

    logging.getLogger("psycollm.safety").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory() as tmp:
        clf = ReplyClassifier.load_or_train(Path(args.cache_dir or tmp) / "replies")
    guard = Guard(learned=None, reply_classifier=clf)
    checks = {
        "alone": lambda shown, new: guard.check_reply(new),
        "continuation": guard.check_streamed,
        "sentences": lambda shown, new: check_reply(new) or clf._problems(clf.score_sentences(new)),
    }
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]

    sources: dict[str, list[str]] = {}
    dev = output_screen_eval.load_items(REPO / "tests" / "data" / "output_screen_dev.jsonl")
    sources["dev set, safe replies"] = [i["text"] for i in dev if not i["unsafe"]]
    sources["dev set, unsafe replies"] = [i["text"] for i in dev if i["unsafe"]]
    for name, (path, load) in real_reply_sources().items():
        if path.exists():
            sources[name] = load(path)
        else:
            print(f"[skip] {name}: {path} not found (../shared/data is absent)")
    if args.limit:
        sources = {k: v[:args.limit] for k, v in sources.items()}

    rows = []
    for name, replies in sources.items():
        final_ok = [guard.check_reply(r) == [] for r in replies]
        for mode in modes:
            t0 = time.perf_counter()
            stalled, shown_fraction, shown_unsafe, delayed = 0, [], 0, 0
            for reply, ok in zip(replies, final_ok, strict=True):
                stream_ok, released, held = stream(checks[mode], reply, args.piece)
                delayed += ok and stream_ok and held
                if ok and not stream_ok:
                    stalled += 1
                    shown_fraction.append(len(released) / max(len(reply), 1))
                elif not ok and released.strip() and guard.check_reply(released):
                    shown_unsafe += 1
            rows.append({"replies": name, "mode": mode, "n": len(replies), "final_replaced": final_ok.count(False),
                         "stalled": stalled, "stalled_rate": round(stalled / max(len(replies), 1), 4),
                         "mean_shown_when_stalled": round(sum(shown_fraction) / len(shown_fraction), 3) if shown_fraction else None,
                         "shown_then_replaced": shown_unsafe, "held_then_shown": delayed, "s": round(time.perf_counter() - t0, 1)})
            print(rows[-1], flush=True)

    print("\n| replies | stream check | n | final check replaces | stalled (final lets it through) | share shown when stalled "
          "| held back a while, then shown | shown, then replaced |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        shown = f"{r['mean_shown_when_stalled']:.2f}" if r["mean_shown_when_stalled"] is not None else "-"
        print(f"| {r['replies']} | {r['mode']} | {r['n']} | {r['final_replaced']} | {r['stalled']} ({100 * r['stalled_rate']:.1f} %) "
              f"| {shown} | {r['held_then_shown']} | {r['shown_then_replaced']} |")
    out = Path(args.out)
    atomic_write_text(out, json.dumps({"rows": rows, "piece": args.piece, "reply_classifier": clf.meta,
                                       "python": platform.python_version(),
                                       "timestamp": time.strftime("%Y-%m-%d %H:%M:%S")}, ensure_ascii=False, indent=2))
    print(f"\nwrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
