"""The evaluation runner: cached, resumable generation on any backend, and the PCEB MCQ run.

    psycollm eval pceb --pceb-dir ../shared/data/pceb/benchmark --output runs/pceb-smollm --limit 200

Any `ChatBackend` works: an OpenAI-compatible server gets ``--batch-size`` requests per chunk and the
backend keeps ``backend.max_concurrency`` of them in flight; in-process backends (transformers,
llama.cpp) get the chunk as one batch. Every chunk's responses are committed to the response cache
(`eval/cache.py`) before the next starts, so a killed run resumes where it stopped and a different
model, prompt or sampling setting never reuses another's answers.

Each run writes to ``--output``: ``pceb_samples.jsonl`` (per item: prompt, raw response, parsed
answer, score), ``pceb_results.json`` (scores, full config, package versions, dataset hash, model
fingerprint, timing and the projected time of the full benchmark) and ``report.md``/``report.html``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import logging
import platform
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eval.cache import NullCache, ResponseCache, cache_key, model_fingerprint
from eval.extraction import extract_choice
from eval.pceb import (
    ANSWER_PREFIX,
    GROUPS,
    MCQ_TEMPLATE_VERSION,
    PCEB,
    MCQItem,
    constant_answer_floor,
    fewshot_split,
    load_pceb,
    mcq_messages,
    select_items,
)
from eval.published import PUBLISHED, PUBLISHED_SOURCE
from eval.scoring import MCQRecord, aggregate_mcq, elastic_score, strict_score
from psycollm.atomic_io import atomic_write_text
from psycollm.backends.base import ChatBackend, GenerationParams, Message
from psycollm.config import Settings
from psycollm.errors import BackendError, BackendUnavailable, ConfigError

log = logging.getLogger(__name__)

# ---------------------------------------------------------------------------------------------------
# Small I/O helpers


def write_json(path: Path, data: Any) -> None:
    """Atomic (never a half-written result)."""
    atomic_write_text(path, json.dumps(data, ensure_ascii=False, indent=2, default=str))


def write_jsonl(path: Path, rows: Sequence[dict[str, Any]]) -> None:
    atomic_write_text(path, "".join(json.dumps(row, ensure_ascii=False, default=str) + "\n" for row in rows))


def package_versions() -> dict[str, str]:
    """Versions of everything that can change a score, for the results file."""
    from importlib import metadata

    out = {"python": sys.version.split()[0], "platform": platform.platform()}
    for name in ("psycollm", "torch", "transformers", "llama-cpp-python", "openai", "jieba", "rouge-score",
                 "sacrebleu", "bert-score", "numpy"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            out[name] = metadata.version(name)
    return out


_SECRET_FLAGS = ("--api-key", "--judge-api-key")


def recorded_argv(argv: Sequence[str] | None = None) -> list[str]:
    """The command line for the results file, with API keys masked (results files get shared)."""
    args = list(sys.argv[1:] if argv is None else argv)
    out: list[str] = []
    hide_next = False
    for a in args:
        if hide_next:
            out.append("***")
            hide_next = False
        elif a in _SECRET_FLAGS:
            out.append(a)
            hide_next = True
        elif a.startswith(tuple(f + "=" for f in _SECRET_FLAGS)):
            out.append(a.split("=", 1)[0] + "=***")
        elif "api_key=" in a:
            out.append(a.split("api_key=", 1)[0] + "api_key=***")
        else:
            out.append(a)
    return out


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


# ---------------------------------------------------------------------------------------------------
# Cached generation


@dataclass
class GenRequest:
    item_id: str
    messages: list[Message]


@dataclass
class GenResult:
    item_id: str
    response: str
    cached: bool
    seconds: float  # generation time attributed to this item (its chunk's time / chunk size)
    error: str | None = None  # the backend failed on this item: response "" (scored wrong), not cached


@dataclass
class GenStats:
    requested: int = 0
    generated: int = 0
    cached: int = 0
    errors: int = 0
    wall_s: float = 0.0  # time spent in the backend for the generated items

    @property
    def items_per_s(self) -> float | None:
        return round(self.generated / self.wall_s, 3) if self.generated and self.wall_s > 0 else None


def prompt_budget(context_window: int, max_new_tokens: int) -> int:
    """Prompt tokens that leave room for the reply. The margin covers token-count estimates that are
    off by a few (llama.cpp's context is exactly n_ctx: one token over and decoding fails)."""
    if not context_window:
        return 0
    return context_window - max_new_tokens - max(16, context_window // 64)


def default_batch_size(settings: Settings) -> int:
    """Chunk size: enough to keep a server's concurrency busy, small enough to lose little on a kill."""
    kind = settings.backend.kind.strip().lower()
    if kind in ("openai", "vllm", "openai_compat"):
        return max(1, settings.backend.max_concurrency) * 2
    return 8


def generate_cached(backend: ChatBackend, requests: Sequence[GenRequest], params: GenerationParams, *,
                    cache: ResponseCache | NullCache, fingerprint: dict[str, Any], template_version: str,
                    batch_size: int = 8, desc: str = "generating",
                    generate: Callable[[list[GenRequest]], list[str]] | None = None,
                    ) -> tuple[list[GenResult], GenStats]:
    """Responses for ``requests``, from the cache where present; the rest in chunks, each committed.

    ``generate`` replaces ``backend.generate_batch`` (log-likelihood scoring uses it).
    """
    from tqdm import tqdm

    stats = GenStats(requested=len(requests))
    pkey = params.cache_key()
    keys = [cache_key(fingerprint, template_version, pkey, r.item_id, r.messages) for r in requests]
    results: list[GenResult | None] = [None] * len(requests)
    todo: list[int] = []
    for i, k in enumerate(keys):
        hit = cache.get(k)
        if hit is not None:
            results[i] = GenResult(requests[i].item_id, hit[0], True, hit[1])
            stats.cached += 1
        else:
            todo.append(i)
    if stats.cached:
        log.info("%s: %d of %d responses from the cache", desc, stats.cached, len(requests))
    run = generate or (lambda reqs: backend.generate_batch([r.messages for r in reqs], params))

    def run_isolated(chunk: list[int]) -> list[tuple[str, str | None]]:
        """The chunk's replies; if the chunk fails, item by item, so one bad item (a prompt the
        model cannot take) costs that item, not the run. An unreachable server and Ctrl-C still stop
        the run: it resumes from the cache."""
        try:
            replies = run([requests[i] for i in chunk])
            if len(replies) != len(chunk):
                raise BackendError(f"backend returned {len(replies)} replies for {len(chunk)} prompts")
            return [(r or "", None) for r in replies]
        except (BackendUnavailable, KeyboardInterrupt):
            raise
        except Exception as exc:
            if len(chunk) > 1:
                return [pair for i in chunk for pair in run_isolated([i])]
            log.warning("%s: item %s failed (%s: %s); scored as no answer", desc, requests[chunk[0]].item_id,
                        type(exc).__name__, exc)
            return [("", f"{type(exc).__name__}: {exc}")]

    bar = tqdm(total=len(todo), desc=desc, unit="item", disable=not todo or not sys.stderr.isatty())
    try:
        for start in range(0, len(todo), max(1, batch_size)):
            chunk = todo[start:start + max(1, batch_size)]
            t0 = time.perf_counter()
            replies = run_isolated(chunk)
            took = time.perf_counter() - t0
            each = took / len(chunk)
            cache.put_many([(keys[i], fingerprint.get("id", ""), requests[i].item_id, reply, each)
                            for i, (reply, err) in zip(chunk, replies, strict=True) if err is None])
            for i, (reply, err) in zip(chunk, replies, strict=True):
                results[i] = GenResult(requests[i].item_id, reply, False, each, err)
            stats.errors += sum(1 for _, err in replies if err)
            stats.generated += len(chunk)
            stats.wall_s += took
            bar.update(len(chunk))
            if bar.disable:  # no terminal: log progress instead, so a long run in the background is visible
                log.info("%s: %d/%d generated, %.2f s/item", desc, stats.generated, len(todo),
                         stats.wall_s / stats.generated)
    finally:
        bar.close()
    return [r for r in results if r is not None], stats


def timing_summary(results: Sequence[GenResult], stats: GenStats, full_items: int,
                   strata: Sequence[str] | None = None, full_counts: dict[str, int] | None = None) -> dict[str, Any]:
    """Throughput of this run and the projected time of the full benchmark at the same pace.

    With ``strata`` (each result's group) and ``full_counts`` (items per group in the full run) the
    projection is per group: case questions carry a long case text and cost several times a theory
    question, so a capped run with equal groups would misjudge the whole.
    """
    per_item = [r.seconds for r in results if r.seconds > 0]
    mean_s = (stats.wall_s / stats.generated) if stats.generated else \
        (sum(per_item) / len(per_item) if per_item else None)
    projected = mean_s * full_items if mean_s else None
    by_group: dict[str, float] = {}
    if strata is not None and full_counts and per_item:
        sums: dict[str, list[float]] = {}
        for r, g in zip(results, strata, strict=True):
            sums.setdefault(g, []).append(r.seconds)
        if all(g in sums for g in full_counts):
            by_group = {g: round(sum(sums[g]) / len(sums[g]), 4) for g in full_counts}
            projected = sum(by_group[g] * n for g, n in full_counts.items())
    return {
        "items": stats.requested, "generated": stats.generated, "from_cache": stats.cached, "errors": stats.errors,
        "generation_s": round(stats.wall_s, 2), "items_per_s": stats.items_per_s,
        "mean_s_per_item": round(mean_s, 4) if mean_s else None,
        "mean_s_per_item_by_group": by_group or None,
        "full_run_items": full_items,
        "projected_full_run_s": round(projected, 1) if projected else None,
    }


def open_cache(path: str | Path | None, settings: Settings, enabled: bool = True) -> ResponseCache | NullCache:
    if not enabled:
        return NullCache()
    return ResponseCache(Path(path) if path else settings.cache_path / "eval" / "responses.sqlite")


# ---------------------------------------------------------------------------------------------------
# PCEB MCQ run


@dataclass
class PCEBRunConfig:
    """Everything that defines a PCEB MCQ run (recorded in the results file)."""

    pceb_dir: str = field(default="", metadata={"help": "The upstream benchmark/ folder."})
    output: str = field(default="", metadata={"help": "Run folder for samples, results and the report."})
    groups: list[str] = field(default_factory=lambda: list(GROUPS), metadata={"help": "MCQ groups to run."})
    limit: int | None = field(default=None, metadata={"help": "At most this many items per group (seeded sample)."})
    seed: int = field(default=0, metadata={"help": "Seed for --limit sampling, few-shot split and sampling."})
    shots: int = field(default=0, metadata={"help": "Few-shot examples per question (held out of scoring)."})
    prompt_lang: str = field(default="zh", metadata={"help": "Instruction language: zh or en."})
    scoring: str = field(default="generate", metadata={
        "help": "generate (parse the reply) or loglik (most likely option set; transformers models only)."})
    max_new_tokens: int = field(default=64, metadata={"help": "Longest reply per question."})
    temperature: float = field(default=0.0, metadata={"help": "0 = greedy (the default for evaluation)."})
    batch_size: int = field(default=0, metadata={"help": "Items per backend call (0 = from the backend kind)."})
    model_revision: str = field(default="", metadata={"help": "Extra tag in the model's cache identity."})
    cache: str = field(default="", metadata={"help": "Response cache file ('' = <cache_dir>/eval/responses.sqlite)."})
    use_cache: bool = field(default=True, metadata={"help": "Reuse and store responses."})
    report: bool = field(default=True, metadata={"help": "Write report.md/report.html (with charts) after the run."})


def fit_mcq_prompt(item: MCQItem, lang: str, examples: list[MCQItem], count_tokens: Callable[[list[Message]], int],
                   budget: int) -> tuple[list[Message], int, bool]:
    """Messages that fit ``budget`` tokens: drop few-shot examples first, then shorten the case text.

    Returns (messages, shots kept, case text truncated). The case text is cut at its end: the
    beginning (who the client is, the presenting problem) is what questions ask about most.
    """
    shots = list(examples)
    messages = mcq_messages(item, lang, shots)
    while shots and count_tokens(messages) > budget:
        shots = shots[1:]
        messages = mcq_messages(item, lang, shots)
    if count_tokens(messages) <= budget or not item.context:
        return messages, len(shots), False
    lo, hi = 0, len(item.context)
    while lo < hi:  # longest head of the case text that fits
        mid = (lo + hi + 1) // 2
        if count_tokens(mcq_messages(item, lang, [], item.context[:mid] + "…")) <= budget:
            lo = mid
        else:
            hi = mid - 1
    return mcq_messages(item, lang, [], item.context[:lo] + "…"), 0, True


def _mcq_params(cfg: PCEBRunConfig) -> GenerationParams:
    # Greedy and without a repetition penalty: a penalty would push a model away from repeating the
    # option letters it was just shown.
    return GenerationParams(max_new_tokens=cfg.max_new_tokens, temperature=cfg.temperature, top_p=1.0,
                            repetition_penalty=1.0, seed=cfg.seed)


def run_pceb(cfg: PCEBRunConfig, settings: Settings, backend: ChatBackend | None = None,
             bench: PCEB | None = None) -> dict[str, Any]:
    """Run the MCQ part of PCEB, score it, write samples/results/report to ``cfg.output``."""
    from eval.report import write_report
    from psycollm.backends import make_backend

    bench = bench or load_pceb(cfg.pceb_dir)
    out_dir = Path(cfg.output).expanduser()
    out_dir.mkdir(parents=True, exist_ok=True)
    split = fewshot_split(bench, cfg.shots, cfg.seed)
    items = select_items(bench, cfg.groups, cfg.limit, cfg.seed, split.held_out)
    by_id = {i.item_id: i for i in bench.mcq}
    own_backend = backend is None
    backend = backend or make_backend(settings)
    try:
        fingerprint = model_fingerprint(settings, backend, cfg.model_revision)
        params = _mcq_params(cfg)
        budget = prompt_budget(backend.context_window, cfg.max_new_tokens)
        requests: list[GenRequest] = []
        fit_info: dict[str, tuple[int, bool]] = {}
        for it in items:
            examples = [by_id[e] for e in split.examples.get(it.group, [])]
            if budget > 0:
                msgs, shots, cut = fit_mcq_prompt(it, cfg.prompt_lang, examples, backend.count_tokens, budget)
            else:
                msgs, shots, cut = mcq_messages(it, cfg.prompt_lang, examples), len(examples), False
            requests.append(GenRequest(it.item_id, msgs))
            fit_info[it.item_id] = (shots, cut)
        template = f"{MCQ_TEMPLATE_VERSION}-{cfg.prompt_lang}-{cfg.scoring}"
        cache = open_cache(cfg.cache, settings, cfg.use_cache)
        try:
            generate = None
            if cfg.scoring == "loglik":
                generate = _loglik_generate(settings, backend, items, cfg.prompt_lang)
            elif cfg.scoring != "generate":
                raise ConfigError(f"Unknown scoring '{cfg.scoring}': use generate or loglik.")
            results, stats = generate_cached(
                backend, requests, params, cache=cache, fingerprint=fingerprint, template_version=template,
                batch_size=cfg.batch_size or default_batch_size(settings), desc="PCEB", generate=generate)
        finally:
            cache.close()
    finally:
        if own_backend:
            backend.close()

    samples, records = [], []
    methods: Counter = Counter()
    for it, req, res in zip(items, requests, results, strict=True):
        if res.error:
            pred, method = "", "error"
        elif cfg.scoring == "loglik":
            pred, method = json.loads(res.response)["choice"], "loglik"
        else:
            ext = extract_choice(res.response, "".join(sorted(it.options)), it.options)
            pred, method = ext.letters, ext.method
        methods[method] += 1
        rec = MCQRecord(it.group, it.level, it.answer_str, pred)
        records.append(rec)
        shots, cut = fit_info[it.item_id]
        samples.append({
            "item_id": it.item_id, "group": it.group, "level": it.level, "messages": req.messages,
            "response": res.response, "parsed": pred, "method": method, "gold": it.answer_str,
            "strict": strict_score(pred, it.answer_str),
            "elastic": elastic_score(pred, it.answer_str) if it.kind == "multiple" else strict_score(pred, it.answer_str),
            "shots": shots, "context_truncated": cut, "cached": res.cached, "defects": list(it.defects),
            "error": res.error,
        })
    scores = aggregate_mcq(records)
    floors = {g: dict(zip(("answer", "strict"), constant_answer_floor(bench.scorable(g)), strict=True))
              for g in GROUPS}
    full_items = len(select_items(bench, list(GROUPS), None, cfg.seed, split.held_out))
    results_doc = {
        "task": "pceb",
        "created": now_iso(),
        "model": fingerprint,
        "config": {**dataclasses.asdict(cfg), "template_version": template, "params": params.cache_key(),
                   "argv": recorded_argv()},
        "settings": settings.to_dict(mask_secrets=True),
        "versions": package_versions(),
        "dataset": {"path": str(bench.root), "sha256": bench.dataset_hash, "counts": bench.counts(),
                    "scorable": {g: len(bench.scorable(g)) for g in GROUPS}, "caseqa": len(bench.caseqa),
                    "defects": bench.defects.to_dict(),
                    "fewshot_examples": split.examples, "held_out": len(split.held_out)},
        "scores": scores,
        "floors": floors,
        "extraction": {"methods": dict(methods), "missing": scores["missing"],
                       "context_truncated": sum(1 for s in samples if s["context_truncated"]),
                       "shots_dropped": sum(1 for s in samples if s["shots"] < cfg.shots)},
        "timing": timing_summary(results, stats, full_items, [it.group for it in items],
                                 {g: len(select_items(bench, [g], None, cfg.seed, split.held_out)) for g in GROUPS}),
        "published": {"source": PUBLISHED_SOURCE, "note": "published, not reproduced", "rows": PUBLISHED},
    }
    write_jsonl(out_dir / "pceb_samples.jsonl", samples)
    write_json(out_dir / "pceb_results.json", results_doc)
    if cfg.report:
        write_report(out_dir)
    return results_doc


def _loglik_generate(settings: Settings, backend: ChatBackend, items: Sequence[MCQItem],
                     lang: str) -> Callable[[list[GenRequest]], list[str]]:
    """A drop-in for generate_batch that returns each item's log-likelihood choice as JSON."""
    from eval.loglik import LoglikScorer, candidates_for

    scorer = LoglikScorer.from_settings(settings, backend)
    by_id = {it.item_id: it for it in items}

    def run(requests: list[GenRequest]) -> list[str]:
        out = []
        for req in requests:
            item = by_id[req.item_id]
            cands = candidates_for(list(item.options), item.kind)
            lps = scorer.candidate_logprobs(req.messages, cands, ANSWER_PREFIX[lang])
            best = max(range(len(cands)), key=lambda i: lps[i])
            out.append(json.dumps({"choice": cands[best], "logprobs": dict(zip(cands, lps, strict=True))}))
        return out

    return run
