"""The runner: cache keys separate models/prompts/params, a killed run resumes, results are complete.

In-process and scripted (ScriptedBackend, the project's DummyLM) so that the counts of backend calls
can be asserted; the concurrency test uses the real OpenAI client against the loopback fake server.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.cache import ResponseCache, cache_key, folder_fingerprint, model_fingerprint
from eval.pceb import dataset_hash, fewshot_split, load_pceb
from eval.runner import GenRequest, PCEBRunConfig, fit_mcq_prompt, generate_cached, run_pceb
from psycollm.backends.base import GenerationParams, estimate_message_tokens
from psycollm.backends.scripted import ScriptedBackend


def _cfg(mini_pceb: Path, tmp_path: Path, **kw) -> PCEBRunConfig:
    kw.setdefault("report", False)  # charts cost time; the report has its own tests
    return PCEBRunConfig(pceb_dir=str(mini_pceb), output=str(tmp_path / kw.pop("out", "run")),
                         cache=str(tmp_path / "cache.sqlite"), **kw)


def _scripted_settings(settings):
    settings.backend.kind = "scripted"
    return settings


def test_cache_keys_separate_models(mini_pceb: Path, tmp_path: Path, settings) -> None:
    settings = _scripted_settings(settings)
    a = ScriptedBackend(["答案：A"], model_name="model-a")
    res_a = run_pceb(_cfg(mini_pceb, tmp_path, out="a"), settings, backend=a)
    n = res_a["scores"]["n"]
    assert len(a.calls) == n == 15  # 18 MCQs minus 3 excluded defects

    b = ScriptedBackend(["答案：B"], model_name="model-b")
    res_b = run_pceb(_cfg(mini_pceb, tmp_path, out="b"), settings, backend=b)
    assert len(b.calls) == n, "a different model must never reuse another's answers"
    samples_b = [json.loads(x) for x in (tmp_path / "b" / "pceb_samples.jsonl").read_text().splitlines()]
    assert {s["response"] for s in samples_b} == {"答案：B"}
    assert res_b["model"]["id"] != res_a["model"]["id"]

    again = ScriptedBackend(["答案：C"], model_name="model-a")
    run_pceb(_cfg(mini_pceb, tmp_path, out="a2"), settings, backend=again)
    assert again.calls == [], "the same model, prompt and params are served from the cache"


def test_cache_keys_separate_params_and_prompts(mini_pceb: Path, tmp_path: Path, settings) -> None:
    settings = _scripted_settings(settings)
    run_pceb(_cfg(mini_pceb, tmp_path, out="a"), settings, backend=ScriptedBackend(["答案：A"], model_name="m"))
    longer = ScriptedBackend(["答案：A"], model_name="m")
    run_pceb(_cfg(mini_pceb, tmp_path, out="b", max_new_tokens=128), settings, backend=longer)
    assert len(longer.calls) == 15
    english = ScriptedBackend(["Answer: A"], model_name="m")
    run_pceb(_cfg(mini_pceb, tmp_path, out="c", prompt_lang="en"), settings, backend=english)
    assert len(english.calls) == 15


def test_killed_run_resumes(mini_pceb: Path, tmp_path: Path, settings) -> None:
    settings = _scripted_settings(settings)

    class Dies(ScriptedBackend):
        """Fails on its third batch, like a run killed mid-way."""

        batches = 0

        def generate_batch(self, conversations, params):
            Dies.batches += 1
            if Dies.batches == 3:
                raise KeyboardInterrupt
            return super().generate_batch(conversations, params)

    with pytest.raises(KeyboardInterrupt):
        run_pceb(_cfg(mini_pceb, tmp_path, batch_size=4), settings, backend=Dies(["答案：B"], model_name="m"))
    assert len(ResponseCache(tmp_path / "cache.sqlite")) == 8  # two chunks of 4 were committed
    assert not (tmp_path / "run" / "pceb_results.json").exists()  # nothing half-written

    rest = ScriptedBackend(["答案：B"], model_name="m")
    res = run_pceb(_cfg(mini_pceb, tmp_path, batch_size=4), settings, backend=rest)
    assert len(rest.calls) == 15 - 8
    assert res["timing"]["from_cache"] == 8 and res["timing"]["generated"] == 7
    clean = run_pceb(_cfg(mini_pceb, tmp_path, out="clean", use_cache=False), settings,
                     backend=ScriptedBackend(["答案：B"], model_name="m"))
    assert res["scores"] == clean["scores"]


def test_results_and_samples_are_complete(mini_pceb: Path, tmp_path: Path, settings) -> None:
    settings = _scripted_settings(settings)
    res = run_pceb(_cfg(mini_pceb, tmp_path, report=True), settings,
                   backend=ScriptedBackend(["我不知道"], model_name="m"))
    saved = json.loads((tmp_path / "run" / "pceb_results.json").read_text())
    assert saved["dataset"]["sha256"] == dataset_hash(mini_pceb)
    assert saved["dataset"]["defects"]["counts"] == {"empty_answer": 1, "kangxi_radicals": 1, "kind_mismatch": 2,
                                                     "missing_option": 1, "padded_answer": 2}
    assert len(saved["dataset"]["defects"]["excluded"]) == 3
    assert {"python", "torch", "transformers", "jieba", "sacrebleu"} <= set(saved["versions"])
    assert saved["config"]["limit"] is None and saved["config"]["template_version"].startswith("pceb-mcq-v1")
    assert saved["config"]["params"]["temperature"] == 0.0
    assert saved["model"]["name"] == "m"
    assert saved["published"]["rows"]["PsycoLLM"]["average"] == 61.72
    # Every answer missing: every group 0, all counted as missing.
    assert res["scores"]["missing"] == 15 and res["scores"]["average"] == 0.0
    samples = [json.loads(x) for x in (tmp_path / "run" / "pceb_samples.jsonl").read_text().splitlines()]
    assert len(samples) == 15
    first = samples[0]
    assert {"item_id", "messages", "response", "parsed", "method", "gold", "strict", "elastic"} <= set(first)
    assert first["method"] == "none" and first["strict"] == 0.0
    assert (tmp_path / "run" / "report.md").exists() and (tmp_path / "run" / "report.html").exists()


def test_scores_follow_the_key(mini_pceb: Path, tmp_path: Path, settings) -> None:
    """A backend that answers from the key scores 100 everywhere; defects are handled, not crashed on."""
    settings = _scripted_settings(settings)
    bench = load_pceb(mini_pceb)
    by_question = {}
    for it in bench.scorable():
        by_question[(it.question, it.context)] = it.answer_str

    def oracle(messages) -> str:
        text = messages[-1]["content"]
        for (q, ctx), ans in by_question.items():
            if q in text and ctx in text:
                return f"答案：{ans}"
        return "?"

    res = run_pceb(_cfg(mini_pceb, tmp_path), settings, backend=ScriptedBackend(oracle, model_name="oracle"))
    assert res["scores"]["average"] == 100.0 and res["scores"]["elastic_average"] == 100.0
    assert res["scores"]["groups"]["theory_multiple"]["n"] == 4  # the empty key is excluded


def test_limit_and_groups(mini_pceb: Path, tmp_path: Path, settings) -> None:
    settings = _scripted_settings(settings)
    res = run_pceb(_cfg(mini_pceb, tmp_path, limit=2, groups=["theory_single", "moral_single"]), settings,
                   backend=ScriptedBackend(["答案：B"], model_name="m"))
    assert {g: v["n"] for g, v in res["scores"]["groups"].items()} == {"moral_single": 2, "theory_single": 2}
    assert not res["scores"]["complete"]


def test_fewshot_examples_are_never_scored(mini_pceb: Path, tmp_path: Path, settings) -> None:
    settings = _scripted_settings(settings)
    bench = load_pceb(mini_pceb)
    split = fewshot_split(bench, 1, seed=0)
    backend = ScriptedBackend(["答案：B"], model_name="m")
    res = run_pceb(_cfg(mini_pceb, tmp_path, shots=1), settings, backend=backend)
    samples = [json.loads(x) for x in (tmp_path / "run" / "pceb_samples.jsonl").read_text().splitlines()]
    assert not {s["item_id"] for s in samples} & split.held_out
    # The only case is held out whole (its example would give away its sibling questions).
    assert "case_single" not in res["scores"]["groups"]
    # Examples come before the question as user/assistant turns with the key as the answer.
    theory = next(s for s in samples if s["group"] == "theory_single")
    assert [m["role"] for m in theory["messages"]] == ["system", "user", "assistant", "user"]
    assert theory["messages"][2]["content"].startswith("答案：")


def test_prompt_fitting_drops_shots_then_cuts_the_case(mini_pceb: Path) -> None:
    bench = load_pceb(mini_pceb)
    case = bench.scorable("case_single")[0]
    theory = bench.scorable("theory_single")
    full = estimate_message_tokens
    msgs, shots, cut = fit_mcq_prompt(case, "zh", theory[:2], full, budget=10_000)
    assert shots == 2 and not cut
    no_shots = full(fit_mcq_prompt(case, "zh", [], full, 10_000)[0])
    msgs, shots, cut = fit_mcq_prompt(case, "zh", theory[:2], full, budget=no_shots)
    assert shots == 0 and not cut
    msgs, shots, cut = fit_mcq_prompt(case, "zh", theory[:2], full, budget=no_shots - 8)
    assert cut and full(msgs) <= no_shots - 8 and msgs[-1]["content"].count("…") == 1
    assert case.question in msgs[-1]["content"]  # the question and options always survive


def test_generate_cached_runs_batches_concurrently_against_a_server(tmp_path: Path) -> None:
    from psycollm.backends.fake_openai_server import FakeOpenAIServer
    from psycollm.backends.openai_compat import OpenAICompatBackend

    with FakeOpenAIServer("答案：C", latency_s=0.2, model_name="served") as srv:
        backend = OpenAICompatBackend(srv.base_url, model="served", max_concurrency=4)
        reqs = [GenRequest(f"q{i}", [{"role": "user", "content": f"question {i}"}]) for i in range(8)]
        results, stats = generate_cached(backend, reqs, GenerationParams(max_new_tokens=8), cache=ResponseCache(
            tmp_path / "c.sqlite"), fingerprint={"id": "served@x"}, template_version="t", batch_size=8)
        backend.close()
    assert [r.response for r in results] == ["答案：C"] * 8
    assert srv.max_in_flight == 4 and stats.generated == 8


# ---------------------------------------------------------------------------------------------------
# Fingerprints


def test_gguf_fingerprint_is_the_file_hash(tmp_path: Path, settings) -> None:
    gguf = tmp_path / "m.gguf"
    gguf.write_bytes(b"weights-1")
    settings.backend.kind = "llamacpp"
    settings.cache_dir = str(tmp_path / "cache")

    class FakeLlama:
        model_name = "same-name"
        path = gguf

    fp1 = model_fingerprint(settings, FakeLlama())
    assert fp1["sha256"] == __import__("hashlib").sha256(b"weights-1").hexdigest()
    gguf.write_bytes(b"weights-2, retrained")
    fp2 = model_fingerprint(settings, FakeLlama())
    assert fp1["id"] != fp2["id"], "same name, new weights: a new identity"
    assert model_fingerprint(settings, FakeLlama(), revision="r2")["id"] != fp2["id"]


def test_folder_fingerprint_changes_with_weights(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text("{}")
    (tmp_path / "model.safetensors").write_bytes(b"a")
    first = folder_fingerprint(tmp_path)
    (tmp_path / "model.safetensors").write_bytes(b"ab")
    assert folder_fingerprint(tmp_path) != first


def test_cache_key_covers_every_input() -> None:
    base = dict(fingerprint={"id": "m@1"}, template_version="t1", params={"t": 0}, item_id="i",
                messages=[{"role": "user", "content": "q"}])
    k = cache_key(**base)
    for change in ({"fingerprint": {"id": "m@2"}}, {"template_version": "t2"}, {"params": {"t": 1}},
                   {"item_id": "j"}, {"messages": [{"role": "user", "content": "q2"}]}):
        assert cache_key(**{**base, **change}) != k


def test_recorded_argv_masks_keys() -> None:
    from eval.runner import recorded_argv

    got = recorded_argv(["eval", "pceb", "--api-key", "sk-1", "--judge-api-key=sk-2", "--set",
                         "backend.api_key=sk-3", "--model", "m"])
    assert got == ["eval", "pceb", "--api-key", "***", "--judge-api-key=***", "--set", "backend.api_key=***",
                   "--model", "m"]


def test_a_failing_item_costs_that_item_not_the_run(mini_pceb: Path, tmp_path: Path, settings) -> None:
    """A backend that fails on one prompt (as llama.cpp does when a prompt overflows its context)."""
    settings = _scripted_settings(settings)

    def picky(messages) -> str:
        if "理论单选题目2" in messages[-1]["content"]:
            raise RuntimeError("llama_decode returned 1")
        return "答案：B"

    res = run_pceb(_cfg(mini_pceb, tmp_path, batch_size=4), settings, backend=ScriptedBackend(picky, model_name="m"))
    # missing: the failed item, and the item whose options are A, C, D ("B" is not an option there)
    assert res["timing"]["errors"] == 1 and res["scores"]["n"] == 15 and res["scores"]["missing"] == 2
    samples = [json.loads(x) for x in (tmp_path / "run" / "pceb_samples.jsonl").read_text().splitlines()]
    failed = [s for s in samples if s["error"]]
    assert len(failed) == 1 and "llama_decode" in failed[0]["error"] and failed[0]["parsed"] == ""
    retry = ScriptedBackend(["答案：B"], model_name="m")
    run_pceb(_cfg(mini_pceb, tmp_path, batch_size=4), settings, backend=retry)
    assert len(retry.calls) == 1, "errors are not cached: a re-run retries exactly the failed item"


def test_an_unreachable_server_stops_the_run(mini_pceb: Path, tmp_path: Path, settings) -> None:
    from psycollm.errors import BackendUnavailable

    settings = _scripted_settings(settings)

    def down(messages) -> str:
        raise BackendUnavailable("server down")

    with pytest.raises(BackendUnavailable):
        run_pceb(_cfg(mini_pceb, tmp_path), settings, backend=ScriptedBackend(down, model_name="m"))


def test_prompt_budget_leaves_a_margin() -> None:
    from eval.runner import prompt_budget

    assert prompt_budget(2048, 64) == 2048 - 64 - 32
    assert prompt_budget(0, 64) == 0  # unknown window: no fitting
