"""The call runner: on-disk cache keyed by (model, template version, inputs, sampling), bounded
retries of malformed output, per-request backend errors. On ScriptedBackend (the documented fake)
with counted calls; the cache is the real SQLite file."""

from __future__ import annotations

import dataclasses
import json

from psycollm.backends.scripted import ScriptedBackend
from psycollm.errors import BackendError
from training.data.cache import CallCache
from training.data.recipe import LLMConfig, StepSampling
from training.data.runner import Call, CallRunner
from training.data.templates import load_template
from training.data.validate import parse_answer

TMPL = load_template("single_rewrite", "en")


def calls(n: int, tmpl=TMPL, sampling: StepSampling | None = None) -> list[Call]:
    return [Call(id=f"item{i}/rewrite", step="rewrite", template=tmpl,
                 variables={"question": f"Question {i}?", "answer": f"The original answer number {i}."},
                 sampling=sampling or StepSampling(0.5, 0.9, 64), parse=lambda t: parse_answer(t, "en"))
            for i in range(n)]


def good(messages) -> str:
    n = messages[-1]["content"].split("The original answer number ")[1].split(".")[0]
    return json.dumps({"answer": f"I hear you. The original answer number {n}."})


def test_cache_prevents_repeat_calls_and_is_keyed_by_model_and_template(tmp_path):
    cache = CallCache(tmp_path / "c.sqlite")
    b1 = ScriptedBackend(good, model_name="model-a")
    first = CallRunner(b1, cache, LLMConfig(batch_size=2), seed=1, progress=False).run(calls(5))
    assert all(r.ok for r in first) and len(b1.calls) == 5

    # Same model, template, inputs, params: nothing is sent again, even from a new runner and process.
    cache.close()
    cache = CallCache(tmp_path / "c.sqlite")
    b2 = ScriptedBackend(good, model_name="model-a")
    runner = CallRunner(b2, cache, LLMConfig(batch_size=2), seed=1, progress=False)
    again = runner.run(calls(5))
    assert len(b2.calls) == 0 and runner.stats["cache_hits"] == 5
    assert [r.value for r in again] == [r.value for r in first]

    # Another model, another template version, other sampling, another seed: each is a new call.
    b3 = ScriptedBackend(good, model_name="model-b")
    CallRunner(b3, cache, LLMConfig(), seed=1, progress=False).run(calls(5))
    assert len(b3.calls) == 5
    b4 = ScriptedBackend(good, model_name="model-a")
    bumped = dataclasses.replace(TMPL, version="2", sha="different")
    CallRunner(b4, cache, LLMConfig(), seed=1, progress=False).run(calls(5, bumped))
    assert len(b4.calls) == 5
    b5 = ScriptedBackend(good, model_name="model-a")
    CallRunner(b5, cache, LLMConfig(), seed=1, progress=False).run(calls(5, sampling=StepSampling(0.9, 0.9, 64)))
    assert len(b5.calls) == 5
    b6 = ScriptedBackend(good, model_name="model-a")
    CallRunner(b6, cache, LLMConfig(), seed=2, progress=False).run(calls(5))
    assert len(b6.calls) == 5
    cache.close()


def test_malformed_output_is_retried_then_dropped_and_counted(tmp_path):
    # Attempt 1 of every call is bad JSON; attempt 2 is good for even items, wrong language for odd ones.
    seen: dict[str, int] = {}

    def flaky(messages) -> str:
        key = messages[-1]["content"]
        seen[key] = seen.get(key, 0) + 1
        n = int(key.split("The original answer number ")[1].split(".")[0])
        if seen[key] == 1:
            return '{"answer": "I hear'
        return good(messages) if n % 2 == 0 else json.dumps({"answer": "我听到了你的感受，我们慢慢来。"})

    backend = ScriptedBackend(flaky)
    runner = CallRunner(backend, CallCache(tmp_path / "c.sqlite"), LLMConfig(max_attempts=3), seed=0, progress=False)
    results = runner.run(calls(4))
    assert [r.ok for r in results] == [True, False, True, False]
    assert [r.attempts for r in results] == [2, 3, 2, 3]
    assert len(backend.calls) == 2 + 3 + 2 + 3  # the budget is exact: never more than max_attempts per call
    assert results[1].errors[0].startswith("bad_json") and results[1].reason == "language_switch"
    assert results[1].value is None
    assert runner.stats["malformed:bad_json"] == 4 and runner.stats["malformed:language_switch"] == 4
    assert runner.stats["failed_calls"] == 2


def test_retries_use_new_seeds_and_nonzero_temperature(tmp_path):
    class Recording(ScriptedBackend):
        def __init__(self):
            super().__init__(lambda m: "not json")
            self.params = []

        def generate_batch(self, conversations, params):
            self.params.append(params)
            return super().generate_batch(conversations, params)

    backend = Recording()
    CallRunner(backend, None, LLMConfig(max_attempts=3, retry_temperature=0.6), seed=0, progress=False).run(
        calls(1, sampling=StepSampling(0.0, 1.0, 64)))
    assert [p.temperature for p in backend.params] == [0.0, 0.6, 0.6]
    assert len({p.seed for p in backend.params}) == 3


def test_a_rejected_request_fails_only_its_own_call(tmp_path):
    class Picky(ScriptedBackend):
        def generate_batch(self, conversations, params):
            if any("number 2." in c[-1]["content"] for c in conversations):
                raise BackendError("prompt too long")
            return super().generate_batch(conversations, params)

    backend = Picky(good)
    runner = CallRunner(backend, None, LLMConfig(batch_size=4, max_attempts=2), seed=0, progress=False)
    results = runner.run(calls(4))
    assert [r.ok for r in results] == [True, True, False, True]
    assert results[2].errors == ["backend_error: prompt too long"] * 2


def test_long_inputs_are_cut_to_fit_the_context_window():
    backend = ScriptedBackend(good, context_window=400)
    sampling = StepSampling(0.5, 0.9, 1000)
    long_call = Call(id="x/rewrite", step="rewrite", template=TMPL,
                     variables={"question": "Why?", "answer": "The original answer number 0. " + "word " * 2000},
                     sampling=sampling, parse=lambda t: parse_answer(t, "en"))
    runner = CallRunner(backend, None, LLMConfig(min_reply_tokens=100), seed=0, progress=False)
    (res,) = runner.run([long_call])
    assert res.truncated and res.ok
    assert backend.count_tokens(backend.calls[0]) + 100 <= 400
