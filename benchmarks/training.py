"""Fine-tuning on CPU, measured: s/step, peak RSS and loss before/after for SFT (full, LoRA), DPO,
and the DeepSpeed ZeRO-3 code path, on the embedded model (SmolLM2-135M) with real data.

    python benchmarks/training.py                           # full + lora + dpo, 20 steps each
    python benchmarks/training.py --runs full,deepspeed --steps 5
    python benchmarks/training.py --data data/sft           # the data pipeline's output instead of EmoLLM

Every run is `psycollm train sft|dpo --recipe smollm2-135m-cpu ...` in its own process (so peak RSS
is that run's), reading the run's own report/metrics.json. The SFT data is a small conversion of
../shared/data/emollm/data.json (Chinese multi-turn dialogues; `messages` format) unless --data is
given; DPO uses tests/training/fixtures/preferences.jsonl (the `psycollm export preferences`
format). After the full run, the registered model is loaded through the app's transformers backend
and asked one question (the answer is printed). The machine's load average is recorded: other
work on the same cores slows every step, so compare figures taken at similar load.

Prints a table and writes benchmarks/results/training.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
RESULTS = REPO / "benchmarks" / "results"
SHARED = Path(os.environ.get("PSYCOLLM_SHARED_DATA", REPO.parent / "shared" / "data"))
PAIRS = REPO / "tests" / "training" / "fixtures" / "preferences.jsonl"


def emollm_jsonl(target: Path, limit: int) -> Path:
    """The first ``limit`` EmoLLM dialogues as {"messages": [...]} lines (system kept, turns in order)."""
    source = SHARED / "emollm" / "data.json"
    if not source.exists():
        raise SystemExit(f"{source} is absent; give --data (a `psycollm data build` folder or a JSONL file).")
    with target.open("w", encoding="utf-8") as out:
        for item in json.loads(source.read_text(encoding="utf-8"))[:limit]:
            messages = []
            for i, turn in enumerate(item["conversation"]):
                if i == 0 and turn.get("system"):
                    messages.append({"role": "system", "content": turn["system"]})
                messages += [{"role": "user", "content": turn["input"]},
                             {"role": "assistant", "content": turn["output"]}]
            out.write(json.dumps({"messages": messages}, ensure_ascii=False) + "\n")
    return target


def run(name: str, algorithm: str, flags: list[str], work: Path, launch: str | None = None) -> dict:
    out = work / name
    cmd = [sys.executable, "-m", "psycollm.cli", "train", algorithm, "--recipe", "smollm2-135m-cpu",
           "--output_dir", str(out), *flags]
    if launch:
        cmd += ["--launch", launch]
    env = {**os.environ, "PSYCOLLM_DATA_DIR": str(work / "psycollm-data"), "HF_HUB_OFFLINE": "1",
           "TOKENIZERS_PARALLELISM": "false"}
    print(f"[{name}] {' '.join(cmd[2:])}", flush=True)
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=REPO)
    wall = time.perf_counter() - start
    (work / f"{name}.log").write_text(proc.stdout + proc.stderr, encoding="utf-8")
    if proc.returncode != 0:
        tail = "\n".join((proc.stderr or proc.stdout).strip().splitlines()[-20:])
        return {"name": name, "error": f"exit {proc.returncode}: {tail}", "wall_s": round(wall, 1)}
    metrics = json.loads((out / "report" / "metrics.json").read_text(encoding="utf-8"))
    return {"name": name, "algorithm": algorithm, "wall_s": round(wall, 1), "output_dir": str(out), **metrics}


def ask_the_app(work: Path, model: str, question: str) -> dict:
    """Load the registered model through the app's backend (transformers) and answer one question."""
    os.environ["PSYCOLLM_DATA_DIR"] = str(work / "psycollm-data")
    from psycollm.backends import GenerationParams, make_backend
    from psycollm.config import load_settings

    settings = load_settings(overrides={"backend.kind": "transformers", "backend.model": model})
    start = time.perf_counter()
    backend = make_backend(settings)
    loaded = time.perf_counter() - start
    reply = backend.generate_batch([[{"role": "user", "content": question}]],
                                   GenerationParams(max_new_tokens=48, temperature=0.0))[0]
    backend.close()
    return {"model": model, "load_s": round(loaded, 2), "question": question, "reply": reply}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", default="full,lora,dpo", help="full, lora, dpo, deepspeed (comma-separated).")
    parser.add_argument("--steps", type=int, default=20, help="Optimizer steps per run.")
    parser.add_argument("--batch", type=int, default=4, help="Per-device batch size (SFT).")
    parser.add_argument("--max-length", type=int, default=256, help="Tokens per sequence (SFT).")
    parser.add_argument("--samples", type=int, default=96, help="EmoLLM dialogues converted for SFT.")
    parser.add_argument("--data", help="SFT data instead of EmoLLM: a `psycollm data build` folder or JSONL.")
    parser.add_argument("--work-dir", help="Keep the runs here (default: a temporary folder, removed).")
    args = parser.parse_args()
    wanted = [r.strip() for r in args.runs.split(",") if r.strip()]

    tmp = None if args.work_dir else tempfile.TemporaryDirectory(prefix="psycollm-train-bench-")
    work = Path(args.work_dir or tmp.name)
    work.mkdir(parents=True, exist_ok=True)
    data = args.data or str(emollm_jsonl(work / "emollm.jsonl", args.samples))
    sft_flags = ["--dataset_path", data, "--max_steps", str(args.steps), "--per_device_train_batch_size",
                 str(args.batch), "--max_length", str(args.max_length), "--max_eval_samples", "16",
                 "--eval_steps", str(args.steps)]
    load_before = os.getloadavg()
    results = []
    if "full" in wanted:
        results.append(run("sft-full", "sft", [*sft_flags, "--register_as", "bench-sft"], work))
    if "lora" in wanted:
        results.append(run("sft-lora", "sft", [*sft_flags, "--use_peft", "true", "--lora_r", "16", "--lora_alpha",
                                               "32", "--lora_target_modules", "all-linear", "--learning_rate",
                                               "2e-4", "--register_as", ""], work))
    if "deepspeed" in wanted:
        results.append(run("sft-full-deepspeed-zero3", "sft", [*sft_flags, "--register_as", ""], work,
                           launch="cpu_zero3"))
    if "dpo" in wanted:
        base = "bench-sft" if "full" in wanted and "error" not in results[0] else "smollm2-135m"
        results.append(run("dpo-lora", "dpo", ["--dataset_path", str(PAIRS), "--max_steps", str(args.steps),
                                               "--model_name_or_path", base, "--register_as", ""], work))
    app = None
    if "full" in wanted and "error" not in results[0]:
        app = ask_the_app(work, "bench-sft", "I feel anxious before exams. What can I do?")
    load_after = os.getloadavg()

    print()
    cols = ["name", "global_step", "s_per_step_steady", "cpu_s_per_step_steady", "peak_rss_mb", "train_loss_first", "train_loss_last",
            "eval_loss_first", "eval_loss_last", "rewards_accuracies_last", "wall_s"]
    print(" | ".join(cols))
    for r in results:
        if "error" in r:
            print(f"{r['name']} | ERROR {r['error']}")
            continue
        print(" | ".join(f"{r[c]:.3f}" if isinstance(r.get(c), float) else str(r.get(c, "-")) for c in cols))
    if app:
        print(f"\napp ({app['model']}, transformers backend, loaded in {app['load_s']} s): {app['question']!r}"
              f"\n  -> {app['reply']!r}")
    print(f"\nload average (1 min) before/after: {load_before[0]:.1f} / {load_after[0]:.1f} on {os.cpu_count()} cores")

    RESULTS.mkdir(parents=True, exist_ok=True)
    payload = {"benchmark": "training", "model": "smollm2-135m", "steps": args.steps, "batch": args.batch,
               "max_length": args.max_length, "data": data if args.data else f"emollm first {args.samples} dialogues",
               "machine": {"cpu_count": os.cpu_count(), "platform": platform.platform(),
                           "loadavg_before": load_before, "loadavg_after": load_after},
               "runs": results, "app": app}
    (RESULTS / "training.json").write_text(json.dumps(payload, indent=2, ensure_ascii=False), encoding="utf-8")
    print(f"wrote {RESULTS / 'training.json'}")
    if tmp is not None:
        tmp.cleanup()
    return 1 if any("error" in r for r in results) else 0


if __name__ == "__main__":
    raise SystemExit(main())
