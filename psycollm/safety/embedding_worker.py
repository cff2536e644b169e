"""The input screen's sentence embedding in a child process, overlapped with the lexicon.

On a cold 20-turn conversation about half of the screen is the sentence embedding of its latest turns
(USE's numpy forward pass, which runs near one core's float32 peak) and half is pure Python (the lexicon
and the n-grams of every user turn). Threads cannot overlap the two: the Python half holds the GIL and
the embedding thread waits for it (tried in session 18: slower). A child process can. As the screen
starts, it sends the texts its joint model will need (`RiskClassifier.prefetch`); the lexicon and the
n-grams run meanwhile; the joint model then collects the vectors. The child holds its own copy of the
same model, so the vectors are bit-identical to the in-process ones (tested).

Nothing depends on the child: until it is ready, when it is slow (`timeout_s`), or when it has died,
the embedding is computed in-process as before (logged); a slow or dead child is stopped and started
again after `RESTART_AFTER_S`. Used only for a conversation read for the first time
(`classifier.PREFETCH_MIN_NEW_TURNS`): for one new chat turn there is nothing to overlap.

    python -m psycollm.safety.embedding_worker use-multilingual   # the child (started by OverlappedEmbedder)

Protocol on the child's stdin/stdout: frames of a 4-byte big-endian length and a payload. A request is
JSON ``{"id": n, "texts": [...]}``; a reply is a JSON header line ``{"id": n, "shape": [rows, dim]}``
(or ``"error"``) followed by the float32 vectors. The child's own stdout is moved to stderr so that
nothing a library prints can break a frame.
"""

from __future__ import annotations

import json
import logging
import os
import select
import struct
import subprocess
import sys
import threading
import time
import weakref
from collections.abc import Sequence
from typing import Any, BinaryIO

import numpy as np

log = logging.getLogger(__name__)

_HEADER = struct.Struct(">I")
#: A child that failed is started again no sooner than this (seconds): a crash loop must not cost
#: a process start per message.
RESTART_AFTER_S = 30.0


def _write_frame(stream: BinaryIO, payload: bytes) -> None:
    stream.write(_HEADER.pack(len(payload)) + payload)
    stream.flush()


def _read_exact(fd: int, n: int, deadline: float | None) -> bytes:
    chunks, left = [], n
    while left:
        if deadline is not None:
            wait = deadline - time.monotonic()
            if wait <= 0 or not select.select([fd], [], [], wait)[0]:
                raise TimeoutError(f"embedding worker: no reply within the deadline ({n - left} of {n} bytes)")
        chunk = os.read(fd, left)
        if not chunk:
            raise EOFError("embedding worker closed its output")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _read_frame(fd: int, deadline: float | None) -> bytes:
    (length,) = _HEADER.unpack(_read_exact(fd, _HEADER.size, deadline))
    # Once a frame has begun the rest follows at once; a generous deadline only guards a child that
    # dies half-way.
    return _read_exact(fd, length, None if deadline is None else max(deadline, time.monotonic() + 5.0))


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.kill()
    proc.wait(timeout=5)
    for stream in (proc.stdin, proc.stdout):
        if stream is not None:
            stream.close()


class EmbeddingWorker:
    """One child process that embeds texts with the embedder called ``name``, one request at a time.

    ``submit`` returns at once; ``collect`` waits for that request's vectors. Thread-safe: requests
    from several threads are answered in order and each thread collects its own.
    """

    def __init__(self, name: str, timeout_s: float = 0.5) -> None:
        self.name = name
        self.timeout_s = timeout_s
        self._lock = threading.RLock()  # _fail (under the lock) closes the child too
        self._proc: subprocess.Popen[bytes] | None = None
        self._ready = False
        self._failed_at = float("-inf")
        self._next_id = 0
        self._results: dict[int, np.ndarray | Exception] = {}
        self._abandoned: set[int] = set()
        self.served = 0  # requests answered by the child (the rest were embedded in-process)
        self.start()

    # -- life cycle -----------------------------------------------------------------------------
    def start(self) -> None:
        """Start the child (it loads the model in the background and says when it is ready)."""
        # One BLAS thread, as in-process (the other core is the parent's); the package importable
        # whether it is installed or run from a checkout.
        package_root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
               "PYTHONPATH": os.pathsep.join(filter(None, [package_root, os.environ.get("PYTHONPATH")]))}
        self._proc = subprocess.Popen([sys.executable, "-m", "psycollm.safety.embedding_worker", self.name],
                                      stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, close_fds=True)
        weakref.finalize(self, _stop, self._proc)  # no child outlives its worker object
        self._ready = False
        self._results.clear()
        self._abandoned.clear()

    def close(self) -> None:
        """Stop the child (it is started again on the next request, after `RESTART_AFTER_S`)."""
        with self._lock:
            proc, self._proc, self._ready = self._proc, None, False
        if proc is not None:
            _stop(proc)

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    def _fail(self, why: str) -> None:
        log.warning("safety: the embedding worker failed (%s); embedding in-process until it restarts", why)
        self._failed_at = time.monotonic()
        self.close()

    def _alive(self) -> bool:
        """Whether requests can be sent now. Non-blocking; reads the child's ready frame when it came,
        restarts a failed child once `RESTART_AFTER_S` has passed."""
        if self._proc is None:
            if time.monotonic() - self._failed_at < RESTART_AFTER_S:
                return False
            self.start()
        if self._proc.poll() is not None:  # type: ignore[union-attr]
            self._fail(f"exited with code {self._proc.returncode}")  # type: ignore[union-attr]
            return False
        if not self._ready:
            fd = self._proc.stdout.fileno()  # type: ignore[union-attr]
            if not select.select([fd], [], [], 0)[0]:
                return False  # still loading the model
            try:
                hello = json.loads(_read_frame(fd, time.monotonic() + 1.0))
            except (OSError, EOFError, TimeoutError, ValueError) as exc:
                self._fail(f"no ready message: {exc!r}")
                return False
            self._ready = bool(hello.get("ready"))
            if not self._ready:
                self._fail(f"could not load {self.name}: {hello.get('error')}")
                return False
        return True

    def wait_ready(self, timeout_s: float = 30.0) -> bool:
        """Block until the child has loaded its model (tests, benchmarks); False if it did not."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            with self._lock:
                if self._alive():
                    return True
                if self._proc is None:
                    return False
            time.sleep(0.02)
        return False

    # -- requests -------------------------------------------------------------------------------
    def submit(self, texts: Sequence[str]) -> int | None:
        """Send ``texts``; the request id, or None when the child is not ready (embed in-process)."""
        with self._lock:
            if not self._alive():
                return None
            rid, self._next_id = self._next_id, self._next_id + 1
            try:
                _write_frame(self._proc.stdin, json.dumps({"id": rid, "texts": list(texts)},  # type: ignore[union-attr, arg-type]
                                                          ensure_ascii=False).encode("utf-8"))
            except OSError as exc:
                self._fail(f"write failed: {exc!r}")
                return None
            return rid

    def collect(self, rid: int, timeout_s: float | None = None) -> np.ndarray:
        """The vectors of request ``rid``. Raises TimeoutError, or RuntimeError when the child failed."""
        deadline = time.monotonic() + (self.timeout_s if timeout_s is None else timeout_s)
        while True:
            with self._lock:
                if rid in self._results:
                    result = self._results.pop(rid)
                    if isinstance(result, Exception):
                        raise result
                    self.served += 1
                    return result
                if self._proc is None:
                    raise RuntimeError("embedding worker is not running")
                # Read one reply (any thread's; replies come in request order) in short slices, so
                # another thread waiting for its own reply is not held up behind the lock.
                fd = self._proc.stdout.fileno()  # type: ignore[union-attr]
                slice_end = min(deadline, time.monotonic() + 0.05)
                try:
                    if select.select([fd], [], [], max(0.0, slice_end - time.monotonic()))[0]:
                        self._store(_read_frame(fd, slice_end))
                except (OSError, EOFError, ValueError) as exc:
                    self._fail(f"read failed: {exc!r}")
                    raise RuntimeError(f"embedding worker failed: {exc!r}") from exc
                except TimeoutError:
                    pass
            if time.monotonic() >= deadline:
                with self._lock:
                    if rid in self._results:
                        continue
                    # A hung child would cost every later screen this wait: stop it; it is started
                    # again after RESTART_AFTER_S.
                    waited = self.timeout_s if timeout_s is None else timeout_s
                    self._fail(f"no reply within {waited} s")
                raise TimeoutError(f"embedding worker: no reply within {waited} s")

    def abandon(self, rid: int) -> None:
        """The caller will not collect ``rid`` (its texts were not the ones needed after all)."""
        with self._lock:
            if self._results.pop(rid, None) is None:
                self._abandoned.add(rid)

    def _store(self, frame: bytes) -> None:
        head, _, body = frame.partition(b"\n")
        meta = json.loads(head)
        rid = int(meta["id"])
        if rid in self._abandoned:
            self._abandoned.discard(rid)
            return
        if "error" in meta:
            self._results[rid] = RuntimeError(f"embedding worker: {meta['error']}")
        else:
            self._results[rid] = np.frombuffer(body, dtype=np.float32).reshape(meta["shape"]).copy()


class OverlappedEmbedder:
    """An embedder whose `prefetch`ed requests run in an `EmbeddingWorker` while the caller does other
    work; `encode_queries` of the same texts then collects them. Anything else, and any failure of the
    child, goes to the in-process embedder ``inner`` (the same model: the same vectors)."""

    def __init__(self, inner: Any, worker: EmbeddingWorker) -> None:
        self.inner = inner
        self.worker = worker
        self.name, self.fingerprint, self.dim = inner.name, inner.fingerprint, inner.dim
        self._pending = threading.local()

    def prefetch(self, texts: Sequence[str]) -> None:
        """Start embedding ``texts`` in the child (no-op when it is not ready)."""
        self._drop_pending()
        if texts:
            rid = self.worker.submit(texts)
            if rid is not None:
                self._pending.request = (rid, tuple(texts))

    def _take_pending(self) -> tuple[int, tuple[str, ...]] | None:
        """This thread's prefetched request (id, texts), now no longer pending."""
        pending = getattr(self._pending, "request", None)
        self._pending.request = None
        return pending

    def _drop_pending(self) -> None:
        pending = self._take_pending()
        if pending is not None:
            self.worker.abandon(pending[0])

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        pending = self._take_pending()
        if pending is not None:
            rid, sent = pending
            if sent == tuple(texts):
                try:
                    return self.worker.collect(rid)
                except Exception as exc:  # noqa: BLE001 (any failure of the child: embed here instead)
                    log.warning("safety: embedding worker %s; embedding in-process", exc)
            else:
                self.worker.abandon(rid)
        return self.inner.encode_queries(texts)

    def encode_documents(self, texts: Sequence[str]) -> np.ndarray:
        return self.inner.encode_documents(texts)

    def close(self) -> None:
        self.worker.close()


_SHARED: dict[str, OverlappedEmbedder] = {}
_SHARED_LOCK = threading.Lock()


def overlapped(inner: Any) -> OverlappedEmbedder | None:
    """The overlapped version of the embedder ``inner``, one child per embedder name and process (like
    `get_embedder`, which it mirrors), or None where it cannot run (Windows, whose pipes `select` cannot
    wait on; or the child could not be started): the caller keeps ``inner``."""
    if sys.platform == "win32":
        return None
    with _SHARED_LOCK:
        if inner.name not in _SHARED:
            try:
                _SHARED[inner.name] = OverlappedEmbedder(inner, EmbeddingWorker(inner.name))
            except OSError:
                log.exception("safety: could not start the embedding worker; embedding in-process")
                return None
        return _SHARED[inner.name]


def main(argv: list[str] | None = None) -> int:
    """The child: load the embedder, say so, then answer requests until stdin closes."""
    args = sys.argv[1:] if argv is None else argv
    name = args[0] if args else "use-multilingual"
    out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # library prints go to stderr, never into a frame
    stdin = sys.stdin.buffer.fileno()
    try:
        from psycollm.retrieval.embedders import get_embedder

        embedder = get_embedder(name)
    except Exception as exc:  # noqa: BLE001 (reported to the parent, which embeds in-process)
        _write_frame(out, json.dumps({"ready": False, "error": repr(exc)}).encode())
        return 1
    _write_frame(out, json.dumps({"ready": True, "dim": embedder.dim}).encode())
    while True:
        try:
            request = json.loads(_read_frame(stdin, None))
        except EOFError:  # the parent is gone
            return 0
        try:
            vectors = np.ascontiguousarray(embedder.encode_queries(request["texts"]), dtype=np.float32)
            head = {"id": request["id"], "shape": list(vectors.shape)}
            body = vectors.tobytes()
        except Exception as exc:  # noqa: BLE001 (one bad request does not end the worker)
            head, body = {"id": request.get("id"), "error": repr(exc)}, b""
        _write_frame(out, json.dumps(head).encode() + b"\n" + body)


if __name__ == "__main__":
    raise SystemExit(main())
