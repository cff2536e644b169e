"""Stage 2: multi-turn counseling dialogues in the paper's three steps, seeded by case texts.

    psycollm data multi --config training/recipes/data.yaml [--limit N]

For each seed (a CPsyCounD case text, CC BY 4.0):

a. generation (template ``multi_generate``): the model writes a seeker/counselor dialogue grounded in
   the case, as JSON; malformed output (bad JSON, wrong roles, empty turns, language switch, looping
   text, too few turns) is retried, then the seed is dropped and counted.
b. evidence judgment (``multi_judge``): a second call checks every counselor turn against the case
   (supported / no_claim / unsupported, with the unsupported claims and a reason per turn). The
   support score is the share of turns not unsupported; below ``support_threshold`` the dialogue is
   written again (``max_regenerations`` times), then dropped.
c. refinement (``multi_refine``): rewrite for empathy, supportiveness, guidance and safety with the
   same turns in the same order; with ``rejudge_after_refine`` the refined dialogue is judged again
   and must still meet the threshold (refinement may not add facts).

Every record keeps its audit trail (``audit``): each round's judgment with scores and reasons, the
attempts and errors of every call, the template versions and the model, so a reader can see why a
dialogue survived; dropped seeds are in ``shard-*.rejected.jsonl`` with the same trail.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from typing import Any

from training.data.pipeline import Context, prefixed, run_shards, select
from training.data.runner import Call, CallResult
from training.data.shards import StageStore
from training.data.sources import load_case_seeds
from training.data.templates import load_template
from training.data.validate import check_record, parse_dialogue, parse_judgment, render_numbered, same_shape

log = logging.getLogger(__name__)
STAGE = "multi_turn"
ROLE_NAMES = {"user": "seeker", "assistant": "counselor"}


def run(ctx: Context) -> dict[str, Any]:
    recipe, cfg = ctx.recipe, ctx.recipe.multi_turn
    fingerprint = recipe.fingerprint("multi_turn", "llm") + f":{ctx.settings.backend.kind}:{ctx.settings.backend.model}"
    store = StageStore(ctx.work_dir, STAGE, fingerprint)
    if not cfg.enabled:
        store.write_stage_stats({"enabled": False})
        return {}
    seeds = load_case_seeds(recipe.shared_path(cfg.seeds))
    loaded = len(seeds)
    seeds = select(seeds, recipe, STAGE)
    log.info("multi-turn: %d of %d seeds", len(seeds), loaded)
    totals = run_shards(ctx, store, seeds, process_shard)
    summary = {
        "enabled": True, "seeds_available": loaded, "seeds_selected": len(seeds),
        "source": cfg.seed_source, "license": cfg.seed_license, "support_threshold": cfg.support_threshold,
        "kept": totals.get("kept", 0),
        "dropped": prefixed(totals, "drop:"),
        "counters": {k: v for k, v in sorted(totals.items()) if not k.startswith(("drop:", "kept", "llm:"))},
        "llm": prefixed(totals, "llm:"),
    }
    store.write_stage_stats(summary)
    return summary


def dialogue_lang(ctx: Context, seed: dict[str, Any]) -> str:
    want = ctx.recipe.multi_turn.dialogue_lang
    return seed["lang"] if want == "auto" else want


def as_json_dialogue(messages: list[dict[str, str]]) -> str:
    turns = [{"role": ROLE_NAMES[m["role"]], "content": m["content"]} for m in messages]
    return json.dumps({"dialogue": turns}, ensure_ascii=False, indent=1)


def _judge_call(ctx: Context, seed: dict[str, Any], lang: str, dialogue: list[dict[str, str]], step: str) -> Call:
    n_turns = sum(m["role"] == "assistant" for m in dialogue)
    return Call(id=f"{seed['id']}/{step}", step=step, template=load_template("multi_judge", lang),
                variables={"case": seed["case"], "dialogue": render_numbered(dialogue, lang), "n_turns": str(n_turns)},
                sampling=ctx.recipe.llm.judge, parse=lambda text, n=n_turns: parse_judgment(text, n))


def process_shard(ctx: Context, seeds: list[dict[str, Any]]) -> tuple[list[dict], list[dict], Counter[str]]:
    cfg = ctx.recipe.multi_turn
    stats: Counter[str] = Counter()
    state: dict[str, dict[str, Any]] = {}
    for seed in seeds:
        lang = dialogue_lang(ctx, seed)
        seed = {**seed, "case": seed["text"][:cfg.max_seed_chars]}
        state[seed["id"]] = {"seed": seed, "lang": lang, "rounds": [], "passed": None, "dropped": None,
                             "audit": {"seed": {"file": seed["file"], "chars": len(seed["text"]),
                                                "cut_to": len(seed["case"]), "lang": seed["lang"]},
                                       "model": ctx.runner.backend.model_name, "templates": {
                                           n: load_template(n, lang).identity
                                           for n in ("multi_generate", "multi_judge", "multi_refine")}}}

    # -- a + b: generate and judge, regenerating dialogues the judgment rejects --------------------------
    pending = list(state)
    for rnd in range(cfg.max_regenerations + 1):
        if not pending:
            break
        if rnd:
            stats["regenerations"] += len(pending)
        gen = ctx.runner.run([
            Call(id=f"{sid}/generate.r{rnd}", step=f"generate.r{rnd}",
                 template=load_template("multi_generate", state[sid]["lang"]),
                 variables={"case": state[sid]["seed"]["case"], "min_exchanges": str(cfg.min_exchanges),
                            "max_exchanges": str(cfg.max_exchanges)},
                 sampling=ctx.recipe.llm.generate,
                 parse=_dialogue_parser(state[sid]["lang"], cfg))
            for sid in pending], desc=f"multi-turn generate (round {rnd})")
        judged: list[tuple[str, CallResult]] = []
        for res in gen:
            sid = res.call.id.rsplit("/", 1)[0]
            st = state[sid]
            st["rounds"].append({"round": rnd, "generation": res.audit()})
            if not res.ok:
                st["dropped"] = ("generation_malformed", res.reason)
                continue
            st["rounds"][-1]["dialogue"] = res.value
            judged.append((sid, res))
        judge_results = ctx.runner.run([_judge_call(ctx, state[sid]["seed"], state[sid]["lang"], res.value,
                                                    f"judge.r{rnd}") for sid, res in judged],
                                       desc=f"multi-turn judge (round {rnd})")
        pending = []
        for (sid, gen_res), jres in zip(judged, judge_results, strict=True):
            st = state[sid]
            rnd_audit = st["rounds"][-1]
            rnd_audit["judge_call"] = jres.audit()
            if not jres.ok:
                st["dropped"] = ("judgment_malformed", jres.reason)
                continue
            rnd_audit["judgment"] = jres.value.to_dict(cfg.support_threshold)
            if jres.value.score >= cfg.support_threshold:
                st["passed"] = {"dialogue": gen_res.value, "judgment": jres.value, "round": rnd}
            elif rnd < cfg.max_regenerations:
                pending.append(sid)
            else:
                st["dropped"] = ("unsupported", f"support {jres.value.score:.2f} < {cfg.support_threshold}")

    # -- c: refine, then (optionally) judge again -------------------------------------------------------
    passed = [sid for sid, st in state.items() if st["passed"]]
    refined = ctx.runner.run([
        Call(id=f"{sid}/refine", step="refine", template=load_template("multi_refine", state[sid]["lang"]),
             variables={"case": state[sid]["seed"]["case"], "dialogue": as_json_dialogue(state[sid]["passed"]["dialogue"]),
                        "n_messages": str(len(state[sid]["passed"]["dialogue"]))},
             sampling=ctx.recipe.llm.refine,
             parse=_refine_parser(state[sid]["lang"], cfg, state[sid]["passed"]["dialogue"]))
        for sid in passed], desc="multi-turn refine")
    refined_ok = {r.call.id.rsplit("/", 1)[0]: r for r in refined}
    rejudge: dict[str, CallResult] = {}
    if cfg.rejudge_after_refine:
        todo = [sid for sid in passed if refined_ok[sid].ok]
        results = ctx.runner.run([_judge_call(ctx, state[sid]["seed"], state[sid]["lang"], refined_ok[sid].value,
                                              "rejudge") for sid in todo], desc="multi-turn re-judge")
        rejudge = dict(zip(todo, results, strict=True))

    records, rejected = [], []
    for sid, st in state.items():
        audit = {**st["audit"], "rounds": st["rounds"]}
        if st["passed"] is None:
            reason, detail = st["dropped"] or ("unsupported", "")
            stats[f"drop:{reason}"] += 1
            rejected.append({"id": sid, "stage": STAGE, "reason": reason, "detail": detail, "audit": audit})
            continue
        final = st["passed"]["dialogue"]
        audit["passed_round"] = st["passed"]["round"]
        audit["judgment"] = st["passed"]["judgment"].to_dict(cfg.support_threshold)
        ref = refined_ok[sid]
        audit["refinement"] = ref.audit()
        failure = None
        if not ref.ok:
            failure = ("refine_malformed", ref.reason)
        elif cfg.rejudge_after_refine:
            rj = rejudge[sid]
            audit["refinement"]["rejudge_call"] = rj.audit()
            if not rj.ok:
                failure = ("rejudgment_malformed", rj.reason)
            else:
                audit["refinement"]["rejudgment"] = rj.value.to_dict(cfg.support_threshold)
                if rj.value.score < cfg.support_threshold:
                    failure = ("refinement_unsupported", f"support {rj.value.score:.2f} < {cfg.support_threshold}")
        if failure is None:
            final = ref.value
            audit["final"] = "refined"
            stats["refined"] += 1
        elif cfg.on_refine_failure == "keep_generated":
            audit["final"] = "generated"
            audit["refinement"]["failure"] = list(failure)
            stats[f"refine_failed_kept_generated:{failure[0]}"] += 1
        else:
            stats[f"drop:{failure[0]}"] += 1
            rejected.append({"id": sid, "stage": STAGE, "reason": failure[0], "detail": failure[1], "audit": audit})
            continue
        record = {"id": f"cpsycound-{sid}", "stage": STAGE, "source": "cpsycound", "license": cfg.seed_license,
                  "lang": st["lang"], "messages": final, "audit": audit}
        check_record(record)
        records.append(record)
        stats["kept"] += 1
    return records, rejected, stats


def _dialogue_parser(lang: str, cfg: Any) -> Any:
    return lambda text: parse_dialogue(text, lang, min_exchanges=cfg.min_exchanges, max_exchanges=cfg.max_exchanges,
                                       max_turn_chars=cfg.max_turn_chars)


def _refine_parser(lang: str, cfg: Any, original: list[dict[str, str]]) -> Any:
    def parse(text: str) -> list[dict[str, str]]:
        refined = parse_dialogue(text, lang, min_exchanges=1, max_exchanges=cfg.max_exchanges,
                                 max_turn_chars=cfg.max_turn_chars)
        same_shape(original, refined)
        return refined
    return parse
