"""Data-pipeline throughput: multi-turn dialogues per minute against an OpenAI-compatible server at
concurrency 1, 4 and 16.

    python benchmarks/data_pipeline.py                              # fake server, 0.25 s per request
    python benchmarks/data_pipeline.py --latency 1.0 --seeds 48     # slower "model"
    python benchmarks/data_pipeline.py --base-url http://127.0.0.1:8000/v1 --seeds 8   # a real server

Default: `psycollm.backends.fake_openai_server.FakeOpenAIServer` answers every request after a fixed
latency with the scripted replies of `training.data.scripted_replies` (valid dialogues, judgments
and refinements), so the curve measures the pipeline and its concurrency (the backend's bounded
thread pool, batching, cache writes, validation), not a model. Each dialogue costs 4 requests
(generate, judge, refine, re-judge); the ideal is concurrency * 60 / (4 * latency) dialogues/min.
Seeds are the real CPsyCounD case texts when ../shared/data is present, else synthetic ones. Every
run starts from an empty cache. With --base-url the real server's model writes the dialogues (a
weak model yields few valid ones: seeds/min is then the figure to read). Prints a table and writes
benchmarks/results/data_pipeline.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "benchmarks" / "results"


def seed_folder(n: int, tmp: Path) -> tuple[str, str]:
    """(folder of case texts, where they come from)."""
    real = Path(os.environ.get("PSYCOLLM_SHARED_DATA", ROOT.parent / "shared" / "data")) / "cpsycoun/CPsyCounD/Data"
    if real.is_dir():
        return str(real), "CPsyCounD (real case texts)"
    folder = tmp / "seeds"
    folder.mkdir()
    for i in range(n):
        (folder / f"case_{i}.txt").write_text(
            f"来访者：我最近压力很大，第{i}次失眠了。\n\n心理咨询师：能说说压力来自哪里吗？\n\n来访者：工作和家庭都让我很累。",
            encoding="utf-8")
    return str(folder), "synthetic"


def run_once(base_url: str, model: str, concurrency: int, seeds: str, n: int, work: Path) -> dict:
    from psycollm.backends.openai_compat import OpenAICompatBackend
    from psycollm.config import load_settings
    from training.data import multi_turn
    from training.data.pipeline import Context
    from training.data.recipe import load_recipe

    recipe = load_recipe(None, [f"multi_turn.seeds={seeds}", f"limit={n}", f"work_dir={work}",
                                f"output={work / 'out'}", "progress=false", f"shard_size={n}",
                                f"llm.batch_size={max(32, 2 * concurrency)}"])
    settings = load_settings(env={})
    backend = OpenAICompatBackend(base_url, model=model, max_concurrency=concurrency, timeout_s=600)
    ctx = Context(recipe, settings, backend=backend)
    try:
        start = time.perf_counter()
        summary = multi_turn.run(ctx)
        elapsed = time.perf_counter() - start
    finally:
        ctx.close()
        backend.close()
    llm = summary["llm"]
    return {"concurrency": concurrency, "seeds": summary["seeds_selected"], "kept": summary["kept"],
            "seconds": round(elapsed, 2), "requests": llm.get("backend_calls", 0),
            "seeds_per_min": round(summary["seeds_selected"] * 60 / elapsed, 1),
            "dialogues_per_min": round(summary["kept"] * 60 / elapsed, 1),
            "requests_per_s": round(llm.get("backend_calls", 0) / elapsed, 2)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 4, 16])
    parser.add_argument("--seeds", type=int, default=32, help="Dialogues per run.")
    parser.add_argument("--latency", type=float, default=0.25, help="Fake server: seconds per request.")
    parser.add_argument("--base-url", default="", help="A real OpenAI-compatible server instead of the fake one.")
    parser.add_argument("--model", default="", help="Served model name ('' = the server's first).")
    parser.add_argument("--out", default=str(RESULTS / "data_pipeline.json"))
    args = parser.parse_args(argv)

    from training.data.scripted_replies import CounselingScript

    rows = []
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        seeds, seed_source = seed_folder(args.seeds, tmp)
        server = None
        if args.base_url:
            base_url, model, mode = args.base_url, args.model, f"server {args.base_url}"
        else:
            from psycollm.backends.fake_openai_server import FakeOpenAIServer

            server = FakeOpenAIServer(reply=CounselingScript(), latency_s=args.latency).start()
            base_url, model, mode = server.base_url, server.model_name, f"fake server, {args.latency} s/request"
        try:
            for c in args.concurrency:
                if server is not None:
                    server.max_in_flight = 0
                row = run_once(base_url, model, c, seeds, args.seeds, tmp / f"work-c{c}")
                if server is not None:
                    row["max_in_flight"] = server.max_in_flight
                    row["ideal_dialogues_per_min"] = round(c * 60 / (4 * args.latency), 1)
                rows.append(row)
                print(f"  concurrency {c}: {row['dialogues_per_min']} dialogues/min", file=sys.stderr)
        finally:
            if server is not None:
                server.stop()

    print(f"\nmulti-turn stage, {args.seeds} seeds ({seed_source}), {mode}, {os.cpu_count()} CPUs\n")
    cols = ["concurrency", "seeds", "kept", "seconds", "requests", "requests_per_s", "dialogues_per_min",
            "seeds_per_min"] + (["ideal_dialogues_per_min", "max_in_flight"] if server is not None else [])
    print(" | ".join(cols))
    print(" | ".join("---" for _ in cols))
    for row in rows:
        print(" | ".join(str(row.get(c, "")) for c in cols))
    result = {"benchmark": "data_pipeline", "mode": mode, "seed_source": seed_source, "latency_s": args.latency,
              "seeds": args.seeds, "rows": rows, "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                                                             "platform": platform.platform()},
              "command": "python benchmarks/data_pipeline.py " + " ".join(argv if argv is not None else sys.argv[1:])}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(f"\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
