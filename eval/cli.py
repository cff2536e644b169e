"""`psycollm eval`: pceb | caseqa | dialogue | safety | output-screen | after-crisis | compare | report.

    psycollm eval pceb --pceb-dir ../shared/data/pceb/benchmark --output runs/pceb-smollm --limit 200
    psycollm eval pceb --pceb-dir DIR --output DIR --backend openai --base-url http://gpu:8000/v1 --model psycollm-14b
    psycollm eval pceb --pceb-dir DIR --output DIR --backend transformers --scoring loglik
    psycollm eval caseqa --pceb-dir DIR --output DIR [--judge-backend openai --judge-base-url URL --judge-model M]
    psycollm eval dialogue --cpsycoune-dir ../shared/data/cpsycoun/CPsyCounE --output DIR --limit 1
    psycollm eval safety ...                  # the safety layer's evaluation (eval/safety_eval.py)
    psycollm eval output-screen ...           # the reply screen's evaluation (eval/output_screen_eval.py)
    psycollm eval after-crisis ...            # whole conversations after a crisis reply (eval/after_crisis_eval.py)
    psycollm eval compare runs/a runs/b --output runs/a-vs-b
    psycollm eval report runs/a               # re-render a run's report

Flags of each run come from its config dataclass (`PCEBRunConfig`, ...), so `--help`, the results
file and the docs share one definition. Model flags (--backend, --model, --base-url, --set ...) are
the same as everywhere in psycollm. ``--pceb-dir`` defaults to $PSYCOLLM_PCEB_DIR.
"""

from __future__ import annotations

import argparse
import copy
import dataclasses
import datetime as dt
import importlib
import os
import re
import typing
from pathlib import Path
from typing import Any

from psycollm.config import Settings, add_settings_arguments, settings_from_args
from psycollm.errors import ConfigError

SUBCOMMANDS = ("pceb", "caseqa", "dialogue", "safety", "output-screen", "after-crisis", "compare", "report")


# ---------------------------------------------------------------------------------------------------
# dataclass <-> argparse


def add_dataclass_arguments(parser: argparse.ArgumentParser, cls: type, skip: tuple[str, ...] = ()) -> None:
    hints = typing.get_type_hints(cls)
    for f in dataclasses.fields(cls):
        if f.name in skip:
            continue
        help_text = f.metadata.get("help", "")
        typ = hints[f.name]
        flag = "--" + f.name.replace("_", "-")
        default = f.default if f.default is not dataclasses.MISSING else f.default_factory()  # type: ignore[misc]
        if typ is bool:
            # Only "on by default" booleans exist (use_cache): expose the switch that turns them off.
            parser.add_argument("--no-" + f.name.replace("use_", "").replace("_", "-"), dest=f.name,
                                action="store_false", help=f"Do not: {help_text[0].lower()}{help_text[1:]}")
            continue
        if typing.get_origin(typ) is list:
            parser.add_argument(flag, dest=f.name, nargs="+", default=None, metavar="NAME",
                                help=f"{help_text} (space- or comma-separated; default: {', '.join(default) or 'all'})")
            continue
        base = next((a for a in typing.get_args(typ) if a is not type(None)), typ)
        parser.add_argument(flag, dest=f.name, type=base, default=None,
                            metavar={str: "TEXT", int: "N", float: "X"}.get(base, base.__name__.upper()),
                            help=f"{help_text} (default: {default!r})")


def config_from_args(cls: type, args: argparse.Namespace, **overrides: Any) -> Any:
    values: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        v = getattr(args, f.name, None)
        if v is None:
            continue
        if isinstance(v, list):
            v = [x.strip() for item in v for x in item.split(",") if x.strip()]
        values[f.name] = v
    values.update({k: v for k, v in overrides.items() if v is not None})
    return cls(**values)


def _add_judge_arguments(parser: argparse.ArgumentParser) -> None:
    g = parser.add_argument_group("LLM judge (default: none for caseqa, the evaluated model for dialogue)")
    g.add_argument("--judge-backend", metavar="KIND", help="Judge backend kind (openai, transformers, llamacpp).")
    g.add_argument("--judge-model", metavar="NAME", help="Judge model (served name, registry name or folder).")
    g.add_argument("--judge-base-url", metavar="URL", help="Judge server URL (OpenAI-compatible).")
    g.add_argument("--judge-api-key", metavar="KEY", help="Judge server API key (or $PSYCOLLM_JUDGE_API_KEY).")


def judge_settings(settings: Settings, args: argparse.Namespace) -> Settings | None:
    """Settings for the judge model, or None when no judge flag was given."""
    if not (args.judge_backend or args.judge_model or args.judge_base_url):
        return None
    js = copy.deepcopy(settings)
    if args.judge_backend:
        js.backend.kind = args.judge_backend
    elif args.judge_base_url:
        js.backend.kind = "openai"
    if args.judge_model:
        js.backend.model = args.judge_model
    if args.judge_base_url:
        js.backend.base_url = args.judge_base_url
    key = args.judge_api_key or os.environ.get("PSYCOLLM_JUDGE_API_KEY")
    if key:
        js.backend.api_key = key
    return js


def _default_output(settings: Settings, task: str) -> str:
    model = re.sub(r"[^\w.-]+", "_", Path(settings.backend.model).name or "model")
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    return str(settings.data_path / "eval" / f"{task}-{model}-{stamp}")


def _pceb_dir(args: argparse.Namespace) -> str:
    d = args.pceb_dir or os.environ.get("PSYCOLLM_PCEB_DIR", "")
    if not d:
        raise ConfigError("Give --pceb-dir: the benchmark/ folder of github.com/MindIntLab-HFUT/PsycoLLM "
                          "(or set PSYCOLLM_PCEB_DIR).")
    return d


# ---------------------------------------------------------------------------------------------------
# Subcommands


def _parser(sub: str, description: str) -> argparse.ArgumentParser:
    return argparse.ArgumentParser(prog=f"psycollm eval {sub}", description=description)


def pceb_main(argv: list[str]) -> int:
    from eval.runner import PCEBRunConfig, run_pceb

    parser = _parser("pceb", "Run the PCEB multiple-choice groups (and, with --caseqa, the 100 open questions).")
    add_dataclass_arguments(parser, PCEBRunConfig)
    parser.add_argument("--caseqa", action="store_true", help="Also run case QA into the same output folder.")
    add_settings_arguments(parser)
    args = parser.parse_args(argv)
    settings = settings_from_args(args)
    _setup_logging(settings)
    cfg = config_from_args(PCEBRunConfig, args, pceb_dir=_pceb_dir(args),
                           output=args.output or _default_output(settings, "pceb"))
    from psycollm.backends import make_backend

    backend = make_backend(settings)
    try:
        res = run_pceb(cfg, settings, backend=backend)
        print(summarize_pceb(res, cfg.output))
        if args.caseqa:
            from eval.caseqa import CaseQARunConfig, run_caseqa

            cq = run_caseqa(CaseQARunConfig(pceb_dir=cfg.pceb_dir, output=cfg.output, seed=cfg.seed,
                                            prompt_lang=cfg.prompt_lang, model_revision=cfg.model_revision,
                                            cache=cfg.cache, use_cache=cfg.use_cache, batch_size=cfg.batch_size,
                                            report=cfg.report),
                            settings, backend=backend)
            print(summarize_caseqa(cq))
    finally:
        backend.close()
    _print_where(cfg)
    return 0


def caseqa_main(argv: list[str]) -> int:
    from eval.caseqa import CaseQARunConfig, run_caseqa

    parser = _parser("caseqa", "Run PCEB's 100 open case questions: ROUGE/BLEU (words and characters), rubric "
                     "points (lexical, and by an LLM judge when configured), BERTScore (optional).")
    add_dataclass_arguments(parser, CaseQARunConfig)
    _add_judge_arguments(parser)
    add_settings_arguments(parser)
    args = parser.parse_args(argv)
    settings = settings_from_args(args)
    _setup_logging(settings)
    cfg = config_from_args(CaseQARunConfig, args, pceb_dir=_pceb_dir(args),
                           output=args.output or _default_output(settings, "caseqa"))
    from psycollm.backends import make_backend

    js = judge_settings(settings, args)
    judge = make_backend(js) if js else None
    try:
        res = run_caseqa(cfg, settings, judge=judge, judge_settings=js)
    finally:
        if judge is not None:
            judge.close()
    print(summarize_caseqa(res))
    _print_where(cfg)
    return 0


def dialogue_main(argv: list[str]) -> int:
    from eval.dialogue_eval import DialogueRunConfig, run_dialogue

    parser = _parser("dialogue", "Turn-based evaluation on CPsyCounE, scored by an LLM judge on the CPsyCoun "
                     "rubric (comprehensiveness 0-2, professionalism 0-3, authenticity 0-3, safety 0-1).")
    add_dataclass_arguments(parser, DialogueRunConfig)
    _add_judge_arguments(parser)
    add_settings_arguments(parser)
    args = parser.parse_args(argv)
    settings = settings_from_args(args)
    _setup_logging(settings)
    cdir = args.cpsycoune_dir or os.environ.get("PSYCOLLM_CPSYCOUNE_DIR", "")
    if not cdir:
        raise ConfigError("Give --cpsycoune-dir: the CPsyCounE/ folder of github.com/CAS-SIAT-XinHai/CPsyCoun "
                          "(or set PSYCOLLM_CPSYCOUNE_DIR).")
    cfg = config_from_args(DialogueRunConfig, args, cpsycoune_dir=cdir,
                           output=args.output or _default_output(settings, "dialogue"))
    from psycollm.backends import make_backend

    js = judge_settings(settings, args)
    judge = make_backend(js) if js else None
    if judge is None:
        print("note: no --judge-* given: the evaluated model judges its own replies (weak with a small model).")
    try:
        res = run_dialogue(cfg, settings, judge=judge, judge_settings=js)
    finally:
        if judge is not None:
            judge.close()
    o = res["scores"]["overall"]
    print("dialogue: " + ", ".join(f"{m} {o[m]}" for m in res["scores"]["metrics"])
          + f" over {o['n']} turns; unparseable judgments {res['scores']['unparseable']}")
    _print_where(cfg)
    return 0


def safety_main(argv: list[str]) -> int:
    try:
        module = importlib.import_module("eval.safety_eval")
    except ModuleNotFoundError as exc:
        if exc.name != "eval.safety_eval":
            raise
        raise ConfigError("The safety evaluation (eval/safety_eval.py) is not installed in this checkout; "
                          "update psycollm, or run the safety layer's own checks with `psycollm safety`.") from None
    return int(module.main(argv) or 0)


def output_screen_main(argv: list[str]) -> int:
    from eval.output_screen_eval import main as run

    return int(run(argv) or 0)


def after_crisis_main(argv: list[str]) -> int:
    from eval.after_crisis_eval import main as run

    return int(run(argv) or 0)


def compare_main(argv: list[str]) -> int:
    from eval.report import compare_runs

    parser = _parser("compare", "Put two or more runs side by side (Markdown + HTML report with charts).")
    parser.add_argument("runs", nargs="+", help="Run folders (each with *_results.json).")
    parser.add_argument("--output", default="", help="Folder for the comparison report (default: ./eval-compare).")
    args = parser.parse_args(argv)
    if len(args.runs) < 2:
        raise ConfigError("compare needs two or more run folders.")
    md, html = compare_runs(args.runs, args.output or "eval-compare")
    print(md.read_text(encoding="utf-8").split("![")[0].rstrip())
    print(f"\nreport: {md} and {html}")
    return 0


def report_main(argv: list[str]) -> int:
    from eval.report import write_report

    parser = _parser("report", "Re-render the report of a run folder.")
    parser.add_argument("run", help="Run folder.")
    args = parser.parse_args(argv)
    md, html = write_report(args.run)
    print(f"report: {md} and {html}")
    return 0


# ---------------------------------------------------------------------------------------------------


def summarize_pceb(res: dict[str, Any], output: str) -> str:
    from eval.pceb import GROUP_LABELS, GROUPS

    s = res["scores"]
    lines = [f"PCEB — {res['model']['name']} ({s['n']} items; missing answers {s['missing']})"]
    for g in GROUPS:
        v = s["groups"].get(g)
        if v:
            floor = res["floors"][g]["strict"]
            el = f" elastic {v['elastic']:.2f}" if v.get("elastic") is not None else ""
            lines.append(f"  {GROUP_LABELS[g]:<12} n={v['n']:<5} strict {v['strict']:6.2f}{el}   (floor {floor:.1f})")
    lines.append(f"  average {s['average']} (elastic {s['elastic_average']})"
                 + ("" if s["complete"] else "  [not all six groups]"))
    lines.append("  published, not reproduced: PsycoLLM 61.72 (64.71), Qwen2.5-72B 63.09, GPT-4o 49.96, EmoLLM 47.51")
    t = res["timing"]
    if t.get("projected_full_run_s"):
        lines.append(f"  {t['items']} items, {t['generated']} generated ({t['from_cache']} cached), "
                     f"{t['mean_s_per_item']} s/item -> projected full run ({t['full_run_items']} MCQs): "
                     f"{t['projected_full_run_s'] / 60:.1f} min")
    return "\n".join(lines)


def summarize_caseqa(res: dict[str, Any]) -> str:
    s = res["scores"]
    w, c, r = s["word"], s["char"], s["rubric"]
    out = (f"case QA — {res['model']['name']}: words R-1 {w['rouge1']} R-L {w['rougeL']} B-4 {w['bleu4']}; "
           f"chars R-1 {c['rouge1']} R-L {c['rougeL']} B-4 {c['bleu4']}; rubric coverage (lexical) {r['coverage']}%")
    if s.get("judge"):
        out += f"; judge coverage {s['judge']['coverage']}% (unparseable {s['judge']['unparseable']})"
    return out


def _print_where(cfg: Any) -> None:
    out = Path(cfg.output)
    print(f"results: {out}" + (f"  (report: {out / 'report.md'}, {out / 'report.html'})" if cfg.report else ""))


def _setup_logging(settings: Settings) -> None:
    from psycollm.cli import setup_logging

    setup_logging(settings.log_level)


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__)
        return 0
    sub, rest = argv[0], argv[1:]
    handlers = {"pceb": pceb_main, "caseqa": caseqa_main, "dialogue": dialogue_main, "safety": safety_main,
                "output-screen": output_screen_main, "after-crisis": after_crisis_main, "compare": compare_main,
                "report": report_main}
    if sub not in handlers:
        raise ConfigError(f"Unknown eval command '{sub}'. Choose one of: {', '.join(SUBCOMMANDS)}.")
    return handlers[sub](rest)
