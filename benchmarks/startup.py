"""How long `make run` takes to answer: start `app.py` as a user would, wait for the page, send one
message through the chat endpoint and time the first streamed reply token and the whole reply.

    python benchmarks/startup.py                # cold start (empty data + cache dirs), then a warm restart
    python benchmarks/startup.py --warm-only 3 --env PSYCOLLM_SAFETY_EMBED_WORKER=false   # 3 warm starts only

Cold: a fresh data dir and cache dir, so everything first-start does is counted (knowledge-base index
build, safety classifier training, database migration). "cold, after setup": fresh dirs too, but the
safety classifier trained first (untimed), as `make run`'s setup step does. Warm: the same dirs again. The venv and the
compiled llama.cpp wheel are not counted (`make install` does those once). Prints a table and writes
benchmarks/results/startup.json. Goal (issue #2): a streamed reply within ~30 s of a first start and
~5 s of later starts.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))
from app_load import reply_text  # noqa: E402 (the sibling benchmark's reader of a Gradio chat)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def one_start(data_dir: str, cache_dir: str, message: str, timeout: float = 300,
              extra_env: dict[str, str] | None = None) -> dict:
    from gradio_client import Client

    port = _free_port()
    env = {**os.environ, **(extra_env or {}), "PSYCOLLM_DATA_DIR": data_dir, "PSYCOLLM_CACHE_DIR": cache_dir}
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "app.py", "--port", str(port)], cwd=REPO, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}/"
    try:
        page_s = None
        while time.perf_counter() - started < timeout:
            if proc.poll() is not None:
                raise RuntimeError(f"app.py exited: {proc.stderr.read().decode()[-2000:]}")
            try:
                with urllib.request.urlopen(url, timeout=2) as resp:
                    if resp.status == 200:
                        page_s = time.perf_counter() - started
                        break
            except OSError:
                time.sleep(0.2)
        if page_s is None:
            raise RuntimeError("the page did not come up")
        client = Client(url, verbose=False)
        sent = time.perf_counter()
        first_token_s = None
        job = client.submit(message, api_name="/send")
        for update in job:
            if first_token_s is None and reply_text(update[0]).strip() not in ("", "…"):
                first_token_s = time.perf_counter() - started
        reply = reply_text(job.result()[0])
        done_s = time.perf_counter() - started
        return {"page_s": round(page_s, 2), "first_token_s": round(first_token_s or done_s, 2),
                "reply_done_s": round(done_s, 2), "turn_s": round(time.perf_counter() - sent, 2), "reply_chars": len(reply)}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--message", default="I feel anxious before my exams. What could help?")
    parser.add_argument("--out", default=str(REPO / "benchmarks" / "results" / "startup.json"))
    parser.add_argument("--env", action="append", default=[], metavar="KEY=VALUE",
                        help="Environment for the app (repeatable), e.g. PSYCOLLM_SAFETY_EMBED_WORKER=false.")
    parser.add_argument("--warm-only", type=int, default=0, metavar="N",
                        help="Only N warm starts, on the user's cache dir (set up by `make run`) and a fresh "
                             "data dir after one untimed start.")
    args = parser.parse_args(argv)
    extra = dict(kv.split("=", 1) for kv in args.env)
    root = Path(tempfile.mkdtemp(prefix="psycollm-startup-"))
    data_dir, cache_dir = str(root / "data"), str(root / "cache")
    rows = []
    if args.warm_only:
        from psycollm.config import load_settings

        cache_dir = str(load_settings(env={}).cache_path)
        one_start(data_dir, cache_dir, args.message, extra_env=extra)
        rows = [{"start": f"warm {i + 1}", **one_start(data_dir, cache_dir, args.message, extra_env=extra)}
                for i in range(args.warm_only)]
    for label in ("cold", "warm") if not args.warm_only else ():
        row = {"start": label, **one_start(data_dir, cache_dir, args.message, extra_env=extra)}
        rows.append(row)
    if not args.warm_only:  # as after `make run`'s setup: a fresh start whose safety classifier is cached
        fresh = root / "after-setup"
        env = {**os.environ, **extra, "PSYCOLLM_DATA_DIR": str(fresh / "data"), "PSYCOLLM_CACHE_DIR": str(fresh / "cache")}
        subprocess.run([sys.executable, "-m", "psycollm.cli", "safety", "train"], env=env, check=True,
                       stdout=subprocess.DEVNULL, cwd=REPO)
        rows.insert(1, {"start": "cold, after setup",
                        **one_start(str(fresh / "data"), str(fresh / "cache"), args.message, extra_env=extra)})
    print(f"{'start':<18}{'page up s':>11}{'first token s':>15}{'reply done s':>14}{'turn s':>9}")
    for r in rows:
        print(f"{r['start']:<18}{r['page_s']:>11.2f}{r['first_token_s']:>15.2f}{r['reply_done_s']:>14.2f}"
              f"{r['turn_s']:>9.2f}")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"rows": rows, "env": extra, "load_avg_1m": os.getloadavg()[0]}, indent=2), encoding="utf-8")
    print(f"wrote {out} (1-min load average during the run: {os.getloadavg()[0]:.1f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
