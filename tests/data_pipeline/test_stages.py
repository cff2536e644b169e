"""The four stages on a tiny fake shared-data folder with the scripted model (training/data/scripted_replies.py: a
documented fake that returns known-good and known-bad output), real SQLite cache, real files."""

from __future__ import annotations

import json

from psycollm.backends.scripted import ScriptedBackend
from training.data import knowledge_qa, multi_turn, single_turn
from training.data.shards import read_stage


def by_id(records):
    return {r["id"]: r for r in records}


def test_single_turn_cleans_filters_and_counts(recipe, make_ctx):
    backend = ScriptedBackend(lambda m: "unused")
    ctx = make_ctx(recipe, backend)
    summary = single_turn.run(ctx)
    records, _ = read_stage(ctx.work_dir, "single_turn")
    kept = by_id(records)
    assert set(kept) == {"counsel_chat-0-0", "counsel_chat-3-0", "emollm-0"}
    assert summary["dropped"] == {"contact_info": 1, "answer_too_short": 1, "language": 1}
    # The most upvoted answer is kept, and counsel-chat's glued sentences are split again.
    assert "worthlessness. It may help" in kept["counsel_chat-0-0"]["messages"][1]["content"]
    assert kept["emollm-0"]["lang"] == "zh" and kept["emollm-0"]["license"] == "MIT"
    assert backend.calls == []  # no rewrite asked: no model call


def test_single_turn_rewrite_goes_through_the_model(recipe, make_ctx, scripted, script):
    recipe.single_turn.rewrite = True
    ctx = make_ctx(recipe, scripted)
    summary = single_turn.run(ctx)
    records, _ = read_stage(ctx.work_dir, "single_turn")
    en = by_id(records)["counsel_chat-3-0"]
    assert en["messages"][1]["content"].startswith("I understand how you feel. Money conflicts")
    assert en["audit"]["original_answer"].startswith("Money conflicts")
    assert summary["rewrite"] == {"ok": 3} and script.calls["single_rewrite"] == 3


def test_multi_turn_three_steps_judgment_drops_unsupported(recipe, make_ctx, scripted, script):
    ctx = make_ctx(recipe, scripted)
    summary = multi_turn.run(ctx)
    records, _ = read_stage(ctx.work_dir, "multi_turn")
    kept = by_id(records)
    assert set(kept) == {"cpsycound-case_1", "cpsycound-case_2", "cpsycound-case_5"}
    assert summary["dropped"] == {"unsupported": 1, "generation_malformed": 2}
    assert summary["counters"]["regenerations"] == 1 and summary["counters"]["refined"] == 3

    # Calls: case_4 (bad JSON) and case_6 (wrong roles) use the whole retry budget of 3; case_5 needs 2;
    # case_3 is generated twice (regenerated once after the judgment rejected it).
    assert script.calls == {"multi_generate": 1 + 1 + 1 + 2 + 3 + 3 + 1, "multi_judge": 4 + 1 + 3,
                            "multi_refine": 3}

    rec = kept["cpsycound-case_1"]
    assert rec["lang"] == "zh" and rec["license"] == "CC-BY-4.0"
    assert [m["role"] for m in rec["messages"]] == ["user", "assistant"] * 6
    assert all(m["content"].startswith("我能感受到你的辛苦") for m in rec["messages"][1::2])  # refined
    audit = rec["audit"]
    assert audit["final"] == "refined" and audit["judgment"]["score"] == 1.0
    assert audit["judgment"]["turns"][0]["reason"] and audit["refinement"]["rejudgment"]["passed"] is True
    assert audit["templates"]["multi_judge"]["version"] == "1"
    assert by_id(records)["cpsycound-case_5"]["audit"]["rounds"][0]["generation"]["attempts"] == 2

    rejected = {r["id"]: r for r in _rejected(ctx)}
    unsupported = rejected["case_3"]
    assert unsupported["reason"] == "unsupported"
    assert [r["judgment"]["score"] for r in unsupported["audit"]["rounds"]] == [0.0, 0.0]
    assert unsupported["audit"]["rounds"][0]["judgment"]["turns"][0]["unsupported_claims"] == ["invented a sister"]
    assert rejected["case_4"]["detail"] == "bad_json" and len(rejected["case_4"]["audit"]["rounds"][0]
                                                               ["generation"]["errors"]) == 3
    assert rejected["case_6"]["detail"] == "wrong_roles"


def test_refinement_that_adds_unsupported_facts_is_dropped(recipe, make_ctx, script):
    # The judge rejects any dialogue whose counselor turns carry the refinement's phrase.
    def judge_rejects_refined(messages):
        reply = script(messages)
        if "#1：我能感受到你的辛苦" in messages[-1]["content"]:
            data = json.loads(reply)
            for t in data["turns"]:
                t.update(verdict="unsupported", unsupported_claims=["new fact"], reason="not in case")
            return json.dumps(data, ensure_ascii=False)
        return reply

    recipe.multi_turn.enabled = True
    ctx = make_ctx(recipe, ScriptedBackend(judge_rejects_refined))
    summary = multi_turn.run(ctx)
    assert summary["kept"] == 0 and summary["dropped"]["refinement_unsupported"] == 3

    recipe.multi_turn.on_refine_failure = "keep_generated"
    recipe.work_dir = recipe.work_dir + "-keep"
    ctx = make_ctx(recipe, ScriptedBackend(judge_rejects_refined))
    multi_turn.run(ctx)
    records, _ = read_stage(ctx.work_dir, "multi_turn")
    assert len(records) == 3 and all(r["audit"]["final"] == "generated" for r in records)
    assert not records[0]["messages"][1]["content"].startswith("我能感受到你的辛苦")


def test_knowledge_removes_pceb_overlaps_first_and_counts(recipe, make_ctx, scripted):
    ctx = make_ctx(recipe, scripted)
    summary = knowledge_qa.run(ctx)
    records, _ = read_stage(ctx.work_dir, "knowledge")
    assert summary["decontamination"]["removed"] == 2
    assert summary["decontamination"]["by_reason"] == {"stem": 2}
    ids = {r["id"] for r in records}
    assert "cpsyexam-item0100" not in ids and "cpsyexam-item0101" not in ids  # the planted PCEB items
    assert "cpsyexam-item0200" not in ids  # CPsyExam's test split is not used
    assert summary["exam_filtered"] == {"no_explanation": 1}
    assert summary["kept_by_source"] == {"cpsyexam": 8, "cpsyexam_qa": 1, "knowledge_base": 2}
    mcq = next(r for r in records if r["id"] == "cpsyexam-item0001")
    assert mcq["messages"][1]["content"].startswith("答案：A（A. 选项甲1）\n\n解析：因为这是定义")
    assert "B. 选项乙1" in mcq["messages"][0]["content"]
    kb = [r for r in records if r["source"] == "knowledge_base"]
    assert {r["lang"] for r in kb} == {"zh", "en"} and all(r["audit"]["grounding"] == 1.0 for r in kb)
    assert summary["dropped"] == {}


def test_limit_is_per_source_and_seeded(recipe, make_ctx, scripted):
    recipe.limit = 1
    ctx = make_ctx(recipe, scripted)
    s1 = single_turn.run(ctx)
    assert s1["selected"] == {"counsel_chat": 1, "emollm": 1}
    m = multi_turn.run(ctx)
    assert m["seeds_selected"] == 1
    k = knowledge_qa.run(ctx)
    assert k["exam_selected"] == {"cpsyexam": 1, "cpsyexam_qa": 1} and k["articles_selected"] == 1


def _rejected(ctx):
    from training.data.shards import read_jsonl

    for path in sorted((ctx.work_dir / "multi_turn").glob("shard-*.rejected.jsonl")):
        yield from read_jsonl(path)
