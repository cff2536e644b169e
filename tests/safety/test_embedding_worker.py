"""The input screen's embedding worker: a child process with the real USE model that embeds the joint
model's texts while the lexicon reads. It must give the in-process vectors and verdicts exactly, and
every failure of the child (dead, slow, cannot load) must leave the screen working in-process."""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from psycollm.safety import embedding_worker
from psycollm.safety.embedding_worker import EmbeddingWorker, OverlappedEmbedder, overlapped

from .conftest import conversation

TEXTS = ["我已经把药攒够了，今晚就吃。", "I have the pills saved up for tonight.", "", "😀💊 ok",
         "Exams make me nervous. I can't sleep. My mum says it's normal."]


@pytest.fixture(scope="module")
def use():
    from psycollm.retrieval.embedders import get_embedder

    return get_embedder("use-multilingual")


@pytest.fixture
def worker(use):
    """A worker of its own (not the process-wide one), stopped after the test. A generous timeout: these
    tests count what the child served, and a busy CI machine must not turn that into a fallback."""
    w = EmbeddingWorker(use.name, timeout_s=10.0)
    assert w.wait_ready(), "the embedding worker did not start"
    yield w
    w.close()


def test_the_worker_gives_the_in_process_vectors(use, worker) -> None:
    emb = OverlappedEmbedder(use, worker)
    emb.prefetch(TEXTS)
    vectors = emb.encode_queries(TEXTS)
    assert worker.served == 1  # from the child, not the in-process fallback
    assert vectors.dtype == np.float32 and np.array_equal(vectors, use.encode_queries(TEXTS))


def test_only_the_prefetched_texts_are_taken_from_the_worker(use, worker) -> None:
    emb = OverlappedEmbedder(use, worker)
    emb.prefetch(["a first text"])
    assert np.array_equal(emb.encode_queries(["another text"]), use.encode_queries(["another text"]))
    emb.prefetch(["x"])
    emb.prefetch(["y"])  # replaces x, whose reply is dropped when it comes
    assert np.array_equal(emb.encode_queries(["y"]), use.encode_queries(["y"]))
    assert worker.served == 1 and not worker._results  # noqa: SLF001 (nothing left behind)
    assert np.array_equal(emb.encode_queries(["z"]), use.encode_queries(["z"]))  # no prefetch: in-process


def _labelled_conversations() -> list[list[dict[str, str]]]:
    """Conversations of four user turns each, made of the labelled test set's messages in order (every
    message once, so each conversation is read for the first time)."""
    texts = []
    for line in (Path(__file__).parents[1] / "data" / "safety_test.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        texts += [row["text"]] if "text" in row else [m["content"] for m in row["messages"] if m["role"] == "user"]
    texts = list(dict.fromkeys(texts))
    return [conversation(*[t for text in texts[i:i + 4] for t in (text, "Tell me more.")][:-1])
            for i in range(0, len(texts) - 3, 4)]


def test_a_screen_with_the_worker_gives_the_same_verdicts(classifier_cache, use, worker) -> None:
    """The real classifier on conversations of labelled messages, with and without the worker: equal
    verdicts and equal joint-model probabilities, and the worker did the embedding.

    Two fresh copies of the session's model, so that both embed the same texts in the same batches: a
    vector's last bits depend on what else is in its batch (BLAS blocking), in-process as much as in
    the child, and a copy that cached earlier tests' turns would batch differently."""
    from psycollm.safety.classifier import RiskClassifier
    from psycollm.safety.guard import Guard

    classifier = RiskClassifier.load_or_train(classifier_cache)
    with_worker = RiskClassifier.load_or_train(classifier_cache)
    with_worker.embedder = OverlappedEmbedder(use, worker)
    convs = _labelled_conversations()[::3]
    for conv in convs:
        a = Guard(learned=classifier).screen_input(conv, "en")
        b = Guard(learned=with_worker).screen_input(conv, "en")
        assert (a.level, a.action, a.categories) == (b.level, b.action, b.categories)
        assert ({k: v for k, v in a.layers["classifier"].items() if k != "ms"} ==
                {k: v for k, v in b.layers["classifier"].items() if k != "ms"})
        recent = [m["content"] for m in conv if m["role"] == "user"][-2:]
        assert classifier.predict_joint(recent, True) == with_worker.predict_joint(recent, True)  # unrounded
    assert len(convs) >= 20 and worker.served == len(convs)


def test_a_live_chat_turn_is_embedded_in_process(classifier_cache, use, worker) -> None:
    """Only the newest turn is new: nothing to overlap with, so no round trip to the child."""
    from psycollm.safety.classifier import RiskClassifier

    model = RiskClassifier.load_or_train(classifier_cache)
    model.embedder = OverlappedEmbedder(use, worker)
    conv = _labelled_conversations()[1]
    model.prefetch(conv)
    model.assess(conv)  # read for the first time: through the worker
    assert worker.served == 1
    grown = [*conv, {"role": "assistant", "content": "I'm listening."}, {"role": "user", "content": "I am so tired of all this."}]
    model.prefetch(grown)
    model.assess(grown)
    assert worker.served == 1 and "I am so tired of all this." in model._joint_cache  # noqa: SLF001


def test_concurrent_screens_each_get_their_own_vectors(classifier, classifier_cache, use, worker) -> None:
    from psycollm.safety.classifier import RiskClassifier

    with_worker = RiskClassifier.load_or_train(classifier_cache)
    with_worker.embedder = OverlappedEmbedder(use, worker)
    convs = [conversation(f"Message {i}: work has been awful.", "I see.",
                          f"Message {i}: I keep thinking about the bridge on my way home.",
                          "Tell me more.", f"第{i}次了，我把绳子放在车里了。") for i in range(24)]
    expected = [classifier.assess(c).level for c in convs]
    got: dict[int, str] = {}

    def screen(i: int) -> None:
        with_worker.prefetch(convs[i])
        got[i] = with_worker.assess(convs[i]).level

    threads = [threading.Thread(target=screen, args=(i,)) for i in range(len(convs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [got[i] for i in range(len(convs))] == expected
    assert worker.served > 0


def test_a_dead_worker_falls_back_in_process_and_restarts(use, worker, monkeypatch) -> None:
    emb = OverlappedEmbedder(use, worker)
    emb.prefetch(TEXTS[:2])
    os.kill(worker.pid, signal.SIGKILL)
    assert np.array_equal(emb.encode_queries(TEXTS[:2]), use.encode_queries(TEXTS[:2]))
    assert worker.pid is None and worker.served == 0
    emb.prefetch(["soon after"])  # not restarted at once: a crash loop must not cost a start per message
    assert worker.pid is None
    monkeypatch.setattr(embedding_worker, "RESTART_AFTER_S", 0.0)
    emb.prefetch(["later"])
    assert worker.pid is not None and worker.wait_ready()
    emb.prefetch(["later"])
    assert np.array_equal(emb.encode_queries(["later"]), use.encode_queries(["later"])) and worker.served == 1


class SilentWorker(EmbeddingWorker):
    """A fake child that says it is ready and then never answers: makes the slow path testable."""

    def start(self) -> None:
        import subprocess

        code = ("import json,struct,sys,time; p=json.dumps({'ready': True}).encode(); "
                "sys.stdout.buffer.write(struct.pack('>I', len(p)) + p); sys.stdout.flush(); time.sleep(60)")
        self._proc = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self._ready = False


def test_a_slow_worker_times_out_to_in_process(use) -> None:
    worker = SilentWorker(use.name, timeout_s=0.2)
    try:
        assert worker.wait_ready()
        emb = OverlappedEmbedder(use, worker)
        emb.prefetch(TEXTS)
        t = time.monotonic()
        assert np.array_equal(emb.encode_queries(TEXTS), use.encode_queries(TEXTS))
        assert time.monotonic() - t < 2.0 and worker.served == 0
        assert worker.pid is None  # a hung child is stopped, not waited for again by every screen
        emb.prefetch(TEXTS)  # and not restarted at once
        assert worker.pid is None and np.array_equal(emb.encode_queries(TEXTS), use.encode_queries(TEXTS))
    finally:
        worker.close()


def test_a_child_that_cannot_load_its_model_is_not_used(use) -> None:
    worker = EmbeddingWorker("")  # get_embedder("") raises in the child, which reports it
    try:
        assert not worker.wait_ready(timeout_s=30)
        emb = OverlappedEmbedder(use, worker)
        emb.prefetch(["hello"])
        assert np.array_equal(emb.encode_queries(["hello"]), use.encode_queries(["hello"]))
    finally:
        worker.close()


def test_a_prefetch_that_raises_leaves_the_screen_as_it_was(guard) -> None:
    """A learned layer whose prefetch raises (a fake, to make the failure testable): logged, and the
    screen gives what it gives without a prefetch."""
    from psycollm.safety.crisis_screen import screen_conversation

    class Broken:
        def __init__(self, inner) -> None:
            self.inner = inner
            self.name, self.max_from_none = inner.name, inner.max_from_none

        def prefetch(self, messages) -> None:
            raise RuntimeError("injected")

        def assess(self, messages, evidence="none"):
            return self.inner.assess(messages, evidence)

    conv = conversation("I have the pills saved up for tonight.")
    assert screen_conversation(conv, Broken(guard.learned)).level == screen_conversation(conv, guard.learned).level == "high"


def test_the_setting_puts_the_worker_behind_the_classifier(settings, classifier_cache) -> None:
    from psycollm.safety.guard import Guard

    settings.cache_dir = str(classifier_cache.parent)
    learned = Guard.from_settings(settings).learned
    assert isinstance(learned.embedder, OverlappedEmbedder)  # the default
    assert learned.embedder is overlapped(learned.embedder.inner)  # one child per process
    settings.safety.embed_worker = False
    assert not isinstance(Guard.from_settings(settings).learned.embedder, OverlappedEmbedder)
