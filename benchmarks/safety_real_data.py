"""How often the safety screen sends crisis resources on real, unlabelled counselling text.

    .venv/bin/python benchmarks/safety_real_data.py            # table + benchmarks/results/safety_real_data.json
    .venv/bin/python benchmarks/safety_real_data.py --show     # also print every conversation that got a crisis reply

Two sources from ../shared/data (or $PSYCOLLM_SHARED_DATA; skipped with a message when absent):
- counsel_chat: the 824 distinct questions people asked therapists on counselchat.com (English, MIT);
- EmoLLM: 1,596 Chinese counselling conversations (MIT), screened up to their last user turn.
Neither is labelled, and some of these people do disclose real risk (self-harm, thoughts of killing
themselves, voices), so the crisis-reply rate is an upper bound on false alarms, not a false-positive
rate: read the --show list to tell them apart. The labelled figures are benchmarks/safety_quality.py.

A labelled sample tells the two apart without reading: tests/data/real_text_labels.jsonl gives a risk
level to 1,931 of these messages, each screened alone. "flagged": all 1,410 of the 5,896 messages (824
questions, 5,072 user turns) that the session-24 screen flagged (caution, crisis or refusal) or whose
joint-model p(high) was >= 0.2; "random": 350 drawn at random from the other 4,486 (200 EmoLLM turns,
150 questions); "rest": the other 171 questions (session 26), so every counsel_chat question has a label. The labels were given blind (the labellers never saw the screen) by LLM helpers
following the C-SSRS levels of docs/safety.md, not by clinicians; the file holds only references (source,
item, turn, a SHA-1 prefix of the text) and labels, never the text, which is read from ../shared/data and
checked against the hash.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import logging
import os
import platform
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
SHARED = Path(os.environ.get("PSYCOLLM_SHARED_DATA", REPO.parent / "shared" / "data"))


def counsel_chat(path: Path) -> list[list[dict[str, str]]]:
    seen: dict[str, None] = {}
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            text = f"{row.get('questionTitle') or ''}. {row.get('questionText') or ''}".strip()
            seen.setdefault(text, None)
    return [[{"role": "user", "content": t}] for t in seen]


def emollm(path: Path) -> list[list[dict[str, str]]]:
    conversations = []
    for item in json.loads(path.read_text(encoding="utf-8")):
        messages = []
        for turn in item.get("conversation", []):
            messages += [{"role": "user", "content": turn.get("input", "")},
                         {"role": "assistant", "content": turn.get("output", "")}]
        conversations.append(messages[:-1])  # up to the last user turn
    return conversations


LABELS = REPO / "tests" / "data" / "real_text_labels.jsonl"
SAMPLES = ("flagged", "random", "rest")  # how the labelled messages were drawn (module docstring)


def text_sha1(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def labelled_messages(labels: Path, conversations: dict[str, list[list[dict[str, str]]]]
                      ) -> tuple[list[dict[str, str]], int]:
    """The labelled real messages whose source is present, with their text; and how many references did
    not resolve (a source file that changed: its hash no longer matches)."""
    items, stale = [], 0
    for line in labels.read_text(encoding="utf-8").splitlines():
        ref = json.loads(line)
        convs = conversations.get(ref["source"])
        if convs is None:
            continue
        users = [m["content"] for m in convs[ref["item"]] if m["role"] == "user"] if ref["item"] < len(convs) else []
        text = users[ref.get("turn", 0)].strip() if ref.get("turn", 0) < len(users) else ""
        if text_sha1(text) != ref["sha1"]:
            stale += 1
            continue
        items.append({**ref, "text": text})
    return items, stale


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--show", action="store_true", help="Print every conversation that got a crisis reply or a refusal.")
    parser.add_argument("--cache-dir", default="", help="Classifier cache (default: a fresh temp dir).")
    parser.add_argument("--out", default=str(REPO / "benchmarks" / "results" / "safety_real_data.json"))
    args = parser.parse_args(argv)

    sources = {"counsel_chat (en)": (SHARED / "counsel_chat" / "20200325_counsel_chat.csv", counsel_chat, "en", "counsel_chat"),
               "EmoLLM (zh)": (SHARED / "emollm" / "data.json", emollm, "zh", "emollm")}
    present = {name: spec for name, spec in sources.items() if spec[0].exists()}
    if not present:
        print(f"skipped: no real data under {SHARED} (set PSYCOLLM_SHARED_DATA)")
        return 0

    from psycollm.atomic_io import atomic_write_text
    from psycollm.safety.classifier import RiskClassifier
    from psycollm.safety.guard import Guard

    logging.getLogger("psycollm.safety").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory() as tmp:
        clf = RiskClassifier.load_or_train(Path(args.cache_dir or tmp) / "safety")
    screens = [("lexicon only", Guard(learned=None)), ("lexicon + classifier (default)", Guard(learned=clf))]
    rows = []
    loaded: dict[str, list[list[dict[str, str]]]] = {}
    for name, (path, load, lang, key) in present.items():
        conversations = loaded[key] = load(path)
        for label, guard in screens:
            levels: Counter[str] = Counter()
            actions: Counter[str] = Counter()
            for messages in conversations:
                verdict = guard.screen_input(messages, lang)
                levels[str(verdict.level)] += 1
                actions[str(verdict.action)] += 1
                if args.show and label != "lexicon only" and str(verdict.action) in ("crisis", "refuse"):
                    said = " | ".join(m["content"] for m in messages if m["role"] == "user")
                    print(f"  [{name}] {verdict.action} ({verdict.level}, {', '.join(verdict.categories)}): "
                          f"{said[:300]!r}\n      {'; '.join(verdict.reasons[:3])}")
            crisis = levels["high"] + levels["imminent"]
            rows.append({"source": name, "screen": label, "n": len(conversations), "levels": dict(levels),
                         "actions": dict(actions), "crisis": crisis, "crisis_rate": round(crisis / len(conversations), 4),
                         "refused": actions["refuse"]})

    print(f"{'source':<18} {'screen':<32} {'n':>5} {'crisis replies':>16} {'caution (low)':>14} {'refused':>8}")
    for r in rows:
        print(f"{r['source']:<18} {r['screen']:<32} {r['n']:>5} {r['crisis']:>6} ({r['crisis_rate']:.3f}) "
              f"{r['levels'].get('low', 0):>14} {r['refused']:>8}")
    print("unlabelled text: some crisis replies are real disclosures; --show lists them")

    labelled, stale = labelled_messages(LABELS, loaded)
    sample = []
    for label, guard in screens:
        actions = Counter((m["sample"], m["lang"], m["label"],
                           str(guard.screen_input([{"role": "user", "content": m["text"]}], m["lang"]).action))
                          for m in labelled)
        for part in SAMPLES:
            for lang in ("en", "zh"):
                for level in ("none", "low", "high", "imminent", "request"):
                    got = {a: actions[(part, lang, level, a)] for a in ("allow", "caution", "crisis", "refuse")}
                    if sum(got.values()):
                        sample.append({"screen": label, "sample": part, "lang": lang, "label": level,
                                       "n": sum(got.values()), **got})
    print(f"\nlabelled sample ({len(labelled)} messages, each screened alone; labels by blind LLM helpers, "
          f"not clinicians{f'; {stale} references no longer match their source' if stale else ''})")
    print(f"{'screen':<32} {'sample':<8} {'lang':<5} {'label':<9} {'n':>4} {'allow':>6} {'caution':>8} {'crisis':>7} {'refuse':>7}")
    for r in sample:
        print(f"{r['screen']:<32} {r['sample']:<8} {r['lang']:<5} {r['label']:<9} {r['n']:>4} {r['allow']:>6} "
              f"{r['caution']:>8} {r['crisis']:>7} {r['refuse']:>7}")
    out = Path(args.out)
    atomic_write_text(out, json.dumps({"rows": rows, "labelled_sample": sample, "labelled_stale": stale, "machine": platform.machine(), "python": platform.python_version(),
                                       "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S")}, indent=2))
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
