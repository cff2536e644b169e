"""Safety-screen latency on CPU: screening a 20-turn conversation, without the LLM judge.

    .venv/bin/python benchmarks/safety.py                 # 300 conversations, prints a table
    .venv/bin/python benchmarks/safety.py --n 1000 --turns 20

Conversations are 20 turns (10 user, 10 assistant) drawn at random from the labelled test set's
messages (Chinese and English mixed). Three screens read the same conversations: the lexicon alone,
lexicon + classifier with the sentence embedding in-process (`safety.embed_worker = false`), and the
default, whose embedding runs in the child process of `psycollm/safety/embedding_worker.py` while the
lexicon reads (when three or more user turns are new: cold, not a chat turn). Measured per
conversation, for the whole `Guard.screen_input` call (what the chat engine waits for):
- cold: every per-message cache cleared first (the worst case: a conversation seen for the first time),
  `--rounds` times over the same conversations (the p95 of each round is printed: it drifts with the VM);
- incremental: the conversation grows turn by turn with caches kept, as in a chat (the cost of one turn);
and `Guard.screen_output` on a ~600-character reply (patterns alone, and with the reply classifier),
and the stream screen (`Guard.check_streamed`) on one sentence early and late in that reply and on the
whole reply streamed. Writes benchmarks/results/safety.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

ASSISTANT = ["That sounds really hard. Can you tell me more about what has been happening lately?",
             "听起来你最近压力很大。愿意多说一说发生了什么吗？",
             "Thank you for sharing that with me. How have you been sleeping?",
             "我在这里听你说。这种感觉持续多久了？"]
REPLY = ("It sounds like the last few weeks have been exhausting, and it makes sense that you feel worn out. "
         "When everything piles up at once, even small tasks can feel heavy. One thing that sometimes helps is "
         "to pick a single, small step for tomorrow, like a short walk or a regular bedtime, and notice how it "
         "feels. It could also help to talk with someone you trust about what is weighing on you. What do you "
         "think would make tomorrow a little easier? 我也很愿意继续听你说说你现在的感受。")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def summarize(values: list[float]) -> dict[str, float]:
    return {"p50_ms": round(percentile(values, 0.5), 3), "p95_ms": round(percentile(values, 0.95), 3),
            "max_ms": round(max(values), 3), "mean_ms": round(statistics.fmean(values), 3), "n": len(values)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=300, help="Conversations per measurement.")
    parser.add_argument("--turns", type=int, default=20, help="Turns per conversation (user + assistant).")
    parser.add_argument("--rounds", type=int, default=3,
                        help="Cold measurements repeated this many times (the same conversations): this VM's "
                             "speed drifts minute to minute, so one p95 alone can mislead; the spread is printed.")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default=str(REPO / "benchmarks" / "results" / "safety.json"))
    args = parser.parse_args(argv)

    import logging

    logging.getLogger("psycollm.safety").setLevel(logging.ERROR)
    from psycollm.safety import crisis_screen, lexicon
    from psycollm.safety.classifier import RiskClassifier
    from psycollm.safety.embedding_worker import overlapped
    from psycollm.safety.guard import Guard
    from psycollm.safety.reply_classifier import ReplyClassifier

    texts = []
    for line in (REPO / "tests" / "data" / "safety_test.jsonl").read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        texts += [item["text"]] if "text" in item else [m["content"] for m in item["messages"] if m["role"] == "user"]
    rng = random.Random(args.seed)

    def conversation() -> list[dict[str, str]]:
        return [{"role": "user", "content": rng.choice(texts)} if i % 2 == 0 else
                {"role": "assistant", "content": rng.choice(ASSISTANT)} for i in range(args.turns)]

    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as cache:
        in_process = RiskClassifier.load_or_train(Path(cache))
        train_s = time.perf_counter() - t0
        classifier = RiskClassifier.load_or_train(Path(cache))  # the same model, loaded again
        replies = ReplyClassifier.load_or_train(Path(cache) / "replies")
    worker = overlapped(classifier.embedder)
    if worker is not None and worker.worker.wait_ready():
        classifier.embedder = worker  # as Guard.from_settings does with safety.embed_worker = true
    else:
        print("embedding worker not available: the default row embeds in-process")
    guards = {"lexicon only (judge=none)": Guard(),
              "lexicon + classifier, in-process embedding (embed_worker=false)": Guard(learned=in_process, reply_classifier=replies),
              "lexicon + classifier (default)": Guard(learned=classifier, reply_classifier=replies)}

    def clear() -> None:
        crisis_screen._scan_cached.cache_clear()
        crisis_screen._is_risk_question.cache_clear()
        lexicon.normalize.cache_clear()
        lexicon.masked_text.cache_clear()
        for model in (in_process, classifier):
            model._cache.clear()
            model._joint_cache.clear()
            model._joint_whole.clear()
            model._vectors.clear()

    results: dict[str, dict[str, float]] = {}
    convs = [conversation() for _ in range(args.n)]  # the same conversations for every guard
    growing = [conversation() for _ in range(max(1, args.n // 10))]
    cold: dict[str, list[float]] = {name: [] for name in guards}
    cold_cpu: dict[str, list[float]] = {name: [] for name in guards}
    round_p95: dict[str, list[float]] = {name: [] for name in guards}
    for guard in guards.values():
        guard.screen_input(conversation(), "en")  # import/compile once, outside the timings
    for _ in range(max(1, args.rounds)):
        for name, guard in guards.items():  # rounds interleaved: the VM's drift hits every guard alike
            this_round = []
            for conv in convs:
                clear()
                t, c = time.perf_counter(), time.thread_time()
                guard.screen_input(conv, "en")
                cold_cpu[name].append((time.thread_time() - c) * 1000)
                this_round.append((time.perf_counter() - t) * 1000)
            round_p95[name].append(round(percentile(this_round, 0.95), 3))
            cold[name] += this_round
    for name, guard in guards.items():
        incremental = []
        for conv in growing:
            clear()
            for k in range(1, len(conv) + 1, 2):  # each user turn, as the chat engine calls it
                t = time.perf_counter()
                guard.screen_input(conv[:k], "en")
                incremental.append((time.perf_counter() - t) * 1000)
        results[f"{name}, cold"] = {**summarize(cold[name]), "p95_ms_per_round": round_p95[name]}
        # CPU time of the screening thread: what the screen costs when the machine is not oversubscribed
        # (with the embedding worker, the child's CPU time is not in it).
        results[f"{name}, cold, thread CPU time"] = summarize(cold_cpu[name])
        results[f"{name}, per turn (incremental)"] = summarize(incremental)
    # The output screen: patterns alone, and patterns + reply classifier (the default) on the whole reply
    # (the end-of-reply check); and what the stream buffer adds while the reply streams: one sentence
    # checked as it completes early in the reply (the reply so far judged as a whole too) and late in it
    # (its sentences alone), and every stream check of the whole reply fed in 6-character pieces.
    default = guards["lexicon + classifier (default)"]
    for name, guard, text in (("output screen, patterns only, ~600-char reply", Guard(), REPLY),
                              ("output screen (default), ~600-char reply", default, REPLY)):
        out_times = []
        for _ in range(args.n):
            t = time.perf_counter()
            guard.screen_output(text, conversation(), "en")
            out_times.append((time.perf_counter() - t) * 1000)
        results[name] = summarize(out_times)
    units = re.findall(r"[^.!?。！？]+[.!?。！？]+\s*", REPLY)
    early, late = ("".join(units[:1]), units[1]), ("".join(units[:4]), units[4])
    for name, (shown, new) in (("stream check, 2nd sentence (reply so far judged whole)", early),
                               ("stream check, 5th sentence (sentences alone)", late)):
        out_times = []
        for _ in range(args.n):
            t = time.perf_counter()
            default.check_streamed(shown, new)
            out_times.append((time.perf_counter() - t) * 1000)
        results[name] = summarize(out_times)
    out_times = []
    for _ in range(args.n):
        t = time.perf_counter()
        buf = default.stream_buffer()
        for i in range(0, len(REPLY), 6):
            buf.feed(REPLY[i:i + 6])
        buf.close()
        out_times.append((time.perf_counter() - t) * 1000)
    results[f"stream checks of the whole ~600-char reply ({len(units)} sentences)"] = summarize(out_times)

    width = max(len(k) for k in results)
    print(f"Safety screen latency, {args.turns}-turn conversations, {args.n} runs (cold: x{args.rounds} rounds), CPU ({platform.processor() or platform.machine()})")
    print(f"{'measurement':<{width}}  {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for k, v in results.items():
        spread = (f"  (p95 per round {min(v['p95_ms_per_round']):.2f}-{max(v['p95_ms_per_round']):.2f})"
                  if len(v.get("p95_ms_per_round", [])) > 1 else "")
        print(f"{k:<{width}}  {v['p50_ms']:>8.2f} {v['p95_ms']:>8.2f} {v['max_ms']:>8.2f}{spread}")
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0.0, 0.0, 0.0)
    print(f"classifier training (first use, then cached): {train_s:.1f} s; load average {load[0]:.1f} "
          f"on {os.cpu_count()} CPUs (wall-clock figures grow with the load)")
    doc = {"benchmark": "safety", "turns": args.turns, "n": args.n, "rounds": args.rounds, "seed": args.seed, "python": platform.python_version(),
           "machine": platform.machine(), "timestamp": time.strftime("%Y-%m-%d %H:%M:%S"),
           "classifier_train_s": round(train_s, 2), "load_average_1min": round(load[0], 2), "cpus": os.cpu_count(), "goal": "cold p95 < 10 ms for a 20-turn conversation",
           "results": results}
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
