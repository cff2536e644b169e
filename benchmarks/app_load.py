"""Load test of the web app: N simulated users x M chat turns at once, on loopback.

    .venv/bin/python benchmarks/app_load.py                      # launches the app (embedded model), N=20, M=3
    .venv/bin/python benchmarks/app_load.py --users 5 --turns 2 --max-new-tokens 32
    .venv/bin/python benchmarks/app_load.py --url http://127.0.0.1:7860   # an app you started yourself

Each user is a `gradio_client.Client` (its own session, like a browser tab) sending its turns one
after another through the chat page's `/send` endpoint, streaming. Reported: turn latency (send ->
last update) p50/p95/max, time to the first streamed piece of the reply, errors (exceptions, empty or error
replies), turns per second. Prints a table and writes benchmarks/results/app_load.json.

Only 127.0.0.1 is targeted; the run is bounded by --turns and --timeout.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

PROMPTS = [
    "I feel anxious before every exam. What can I do?",
    "My roommate and I keep arguing about small things.",
    "I can't sleep well since I started my new job.",
    "How do I tell my parents I want to change my major?",
    "I feel lonely after moving to a new city.",
]


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def reply_text(chat: list) -> str:
    if not chat:
        return ""
    content = chat[-1].get("content")
    if isinstance(content, list):
        return "".join(p.get("text", "") for p in content if isinstance(p, dict))
    return str(content or "")


def run_user(url: str, user: int, turns: int, deadline: float, out: dict, lock: threading.Lock) -> None:
    from gradio_client import Client

    try:
        client = Client(url + "/", verbose=False)
    except Exception as exc:
        with lock:
            out["errors"].append(f"user {user}: connect: {exc!r}"[:300])
        return
    for turn in range(turns):
        if time.monotonic() > deadline:
            with lock:
                out["errors"].append(f"user {user}: out of time before turn {turn}")
            return
        text = f"{PROMPTS[(user + turn) % len(PROMPTS)]} (user {user}, turn {turn})"
        started = time.perf_counter()
        first = None
        try:
            job = client.submit(text, api_name="/send")
            for update in job:  # the first update only echoes the message; count the first reply token
                if first is None and reply_text(update[0]).strip() not in ("", "…"):
                    first = time.perf_counter() - started
            chat = job.result(timeout=max(1.0, deadline - time.monotonic()))[0]
            elapsed = time.perf_counter() - started
            reply = reply_text(chat)
            if not reply.strip() or "could not answer" in reply or "went wrong" in reply:
                raise RuntimeError(f"bad reply: {reply[:120]!r}")
            with lock:
                out["latency"].append(elapsed)
                if first is not None:
                    out["first_update"].append(first)
        except Exception as exc:
            with lock:
                out["errors"].append(f"user {user} turn {turn}: {exc!r}"[:300])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--turns", type=int, default=3)
    parser.add_argument("--url", default="", help="Test a running app instead of launching one.")
    parser.add_argument("--backend", default="llamacpp", help="Backend of the launched app (llamacpp, scripted, ...).")
    parser.add_argument("--max-new-tokens", type=int, default=64, help="Reply length of the launched app.")
    parser.add_argument("--with-layers", action="store_true",
                        help="Launch with the safety layer and the knowledge base on (as configured).")
    parser.add_argument("--timeout", type=float, default=1800, help="Give up after this many seconds.")
    parser.add_argument("--output", default=str(REPO / "benchmarks" / "results" / "app_load.json"))
    args = parser.parse_args(argv)

    app = None
    url = args.url.rstrip("/")
    if not url:
        import logging
        import socket

        from psycollm.config import load_settings
        from psycollm.ui.server import build_app

        logging.basicConfig(level=logging.WARNING)
        settings = load_settings()
        settings.data_dir = tempfile.mkdtemp(prefix="psycollm-load-")
        settings.backend.kind = args.backend
        settings.generation.max_new_tokens = args.max_new_tokens
        settings.safety.enabled = settings.safety.enabled and args.with_layers
        settings.retrieval.enabled = settings.retrieval.enabled and args.with_layers
        settings.ui.host = "127.0.0.1"
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            settings.ui.port = s.getsockname()[1]
        app = build_app(settings)
        url = app.start_in_thread()
        model, concurrency = app.counselor.model_name, settings.ui.concurrency_limit
    else:
        model, concurrency = "(running app)", None
    if not url.startswith(("http://127.", "http://localhost", "http://[::1]")):
        print("app_load.py only targets loopback addresses", file=sys.stderr)
        return 2

    out: dict = {"latency": [], "first_update": [], "errors": []}
    lock = threading.Lock()
    deadline = time.monotonic() + args.timeout
    started = time.perf_counter()
    threads = [threading.Thread(target=run_user, args=(url, u, args.turns, deadline, out, lock), daemon=True)
               for u in range(args.users)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=max(1.0, deadline - time.monotonic()))
    wall = time.perf_counter() - started
    if app is not None:
        app.close()

    lat, first = out["latency"], out["first_update"]
    result = {
        "users": args.users, "turns_per_user": args.turns, "model": model, "max_new_tokens": args.max_new_tokens,
        "layers": args.with_layers, "concurrency_limit": concurrency, "turns_ok": len(lat),
        "errors": len(out["errors"]), "error_samples": out["errors"][:10], "wall_s": round(wall, 2),
        "turns_per_s": round(len(lat) / wall, 3) if wall else None,
        "latency_s": {"p50": percentile(lat, 50), "p95": percentile(lat, 95), "max": max(lat) if lat else None,
                      "mean": statistics.fmean(lat) if lat else None},
        "first_update_s": {"p50": percentile(first, 50), "p95": percentile(first, 95)},
    }
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(json.dumps(result, indent=2))

    def fmt(v: float | None) -> str:
        return "—" if v is None else f"{v:.2f}"

    print("| users x turns | model | ok | errors | p50 turn (s) | p95 turn (s) | p50 first update (s) | turns/s |")
    print("|---|---|---|---|---|---|---|---|")
    print(f"| {args.users} x {args.turns} | {model} | {len(lat)} | {len(out['errors'])} | "
          f"{fmt(result['latency_s']['p50'])} | {fmt(result['latency_s']['p95'])} | "
          f"{fmt(result['first_update_s']['p50'])} | {fmt(result['turns_per_s'])} |")
    for err in out["errors"][:5]:
        print("error:", err, file=sys.stderr)
    print(f"wrote {args.output}", file=sys.stderr)
    return 0 if not out["errors"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
