"""Kill the app (SIGKILL) during a burst of rating writes, restart it: every acknowledged rating is there.

The app runs as a separate process (`app.py`, ScriptedBackend: no model is needed to rate
imported responses); four clinicians submit ratings through `gradio_client` at once. A rating
counts as acknowledged when the client received the "Saved rating #id" answer.
"""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from psycollm.store import Store

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
PASSWORD = "burst-password"
RATERS = ("r0", "r1", "r2", "r3")


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(data_dir: Path, port: int) -> subprocess.Popen:
    cmd = [sys.executable, str(REPO / "app.py"), "--backend", "scripted", "--data-dir", str(data_dir),
           "--port", str(port), "--set", "safety.enabled=false", "--set", "retrieval.enabled=false"]
    with open(data_dir / "app.log", "ab") as log:  # the child keeps its own copy of the descriptor
        proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=log,
                                env={**os.environ, "HF_HUB_OFFLINE": "1"})
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"app exited with {proc.returncode}: {(data_dir / 'app.log').read_text()[-2000:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/rate/", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    proc.kill()
    raise RuntimeError("app did not start in 240 s")


def test_acknowledged_ratings_survive_a_kill(tmp_path):
    from gradio_client import Client

    data_dir = tmp_path / "data"
    data_dir.mkdir()
    store = Store(f"sqlite:///{data_dir / 'psycollm.sqlite'}")
    for name in RATERS:
        store.add_user(name, PASSWORD, "clinician")
    store.import_items([{"id": f"p{i}", "messages": [{"role": "user", "content": f"prompt {i}"}], "lang": "en",
                         "responses": [{"text": f"reply {i}", "model": "m"}]} for i in range(400)])
    store.close()

    port = free_port()
    proc = start_app(data_dir, port)
    acked: list[tuple[str, int]] = []  # (rater, rating id)
    lock = threading.Lock()
    stop = threading.Event()

    def rater(name: str) -> None:
        try:
            client = Client(f"http://127.0.0.1:{port}/rate/", auth=(name, PASSWORD), verbose=False)
            client.predict(api_name="/next_rating")
            while not stop.is_set():
                saved = client.predict(empathy="4", supportiveness="3", guidance="5", safety="4",
                                       professionalism="2", accuracy="3", is_harmful=False, text=f"by {name}",
                                       api_name="/submit_rating")[0]
                match = re.search(r"#(\d+)", saved)
                assert match, saved
                with lock:
                    acked.append((name, int(match.group(1))))
        except Exception:
            return  # the server was killed mid-request: that rating was never acknowledged

    threads = [threading.Thread(target=rater, args=(n,), daemon=True) for n in RATERS]
    for th in threads:
        th.start()
    deadline = time.monotonic() + 240
    while len(acked) < 24 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)  # mid-burst: the raters are still submitting
    proc.wait()
    stop.set()
    for th in threads:
        th.join(timeout=30)
    with lock:
        acknowledged = list(acked)
    assert len(acknowledged) >= 24, "the burst did not get going"

    proc = start_app(data_dir, port)  # restart on the same database
    try:
        db = sqlite3.connect(data_dir / "psycollm.sqlite")
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = {rid: rater for rid, rater in db.execute(
            "select ratings.id, users.username from ratings join users on users.id = ratings.rater_id")}
        comments = {rid: c for rid, c in db.execute("select id, comment from ratings")}
        db.close()
        missing = [(r, i) for r, i in acknowledged if stored.get(i) != r]
        assert missing == [], f"acknowledged but lost: {missing}"
        assert all(comments[i] == f"by {r}" for r, i in acknowledged)
        # the restarted app serves and accepts ratings again
        client = Client(f"http://127.0.0.1:{port}/rate/", auth=("r0", PASSWORD), verbose=False)
        client.predict(api_name="/next_rating")
        saved = client.predict(empathy="1", supportiveness="1", guidance="1", safety="1", professionalism="1",
                               accuracy="1", is_harmful=True, text="after restart", api_name="/submit_rating")[0]
        assert saved.startswith("✓ Saved rating #")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
