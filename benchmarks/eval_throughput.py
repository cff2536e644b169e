"""Evaluation throughput: items/s sequential vs concurrent (server) and by batch size (local).

    python benchmarks/eval_throughput.py                         # both parts, writes benchmarks/results/eval_throughput.json
    python benchmarks/eval_throughput.py --skip-local --items 128 --latency 0.5

Server part: the runner (`eval.runner.generate_cached`, no cache) sends PCEB prompts through the
real OpenAI client (`OpenAICompatBackend`) to the loopback `FakeOpenAIServer`, which answers every
request after a fixed latency, as a GPU server does for short MCQ answers. ``--concurrency`` sets
``backend.max_concurrency`` (1 = sequential). The goal is >= 4x items/s from concurrency.

Local part: the embedded model (SmolLM2-135M) in transformers, the runner handing it chunks of
``--batch-sizes`` prompts (batched `generate`), greedy, ``--local-new-tokens`` tokens each.

Prompts are real PCEB theory questions when ``--pceb-dir`` (default ../shared/data/pceb/benchmark)
exists, otherwise synthetic ones of similar length.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from eval.cache import NullCache  # noqa: E402
from eval.runner import GenRequest, generate_cached  # noqa: E402
from psycollm.backends.base import GenerationParams  # noqa: E402


def prompts(n: int, pceb_dir: Path) -> list[GenRequest]:
    if pceb_dir.is_dir():
        from eval.pceb import load_pceb, mcq_messages

        items = load_pceb(pceb_dir).scorable("theory_single")[:n]
        return [GenRequest(it.item_id, mcq_messages(it, "zh")) for it in items]
    return [GenRequest(f"synthetic-{i}", [{"role": "user", "content": f"第{i}题：下列说法正确的是？A. 甲 B. 乙 C. 丙 D. 丁"}])
            for i in range(n)]


def bench_server(reqs: list[GenRequest], concurrency: list[int], latency: float) -> list[dict]:
    from psycollm.backends.fake_openai_server import FakeOpenAIServer
    from psycollm.backends.openai_compat import OpenAICompatBackend

    rows = []
    params = GenerationParams(max_new_tokens=16, temperature=0.0)
    with FakeOpenAIServer("答案：B", latency_s=latency, model_name="fake-model") as srv:
        for c in concurrency:
            backend = OpenAICompatBackend(srv.base_url, model="fake-model", max_concurrency=c, max_retries=0)
            # Warm the connection pool so the first row does not pay for TCP set-up alone.
            backend.generate_batch([reqs[0].messages], params)
            t0 = time.perf_counter()
            _, stats = generate_cached(backend, reqs, params, cache=NullCache(), fingerprint={"id": "fake"},
                                       template_version="bench", batch_size=max(1, c) * 2, desc=f"server c={c}")
            wall = time.perf_counter() - t0
            backend.close()
            rows.append({"concurrency": c, "items": len(reqs), "seconds": round(wall, 3),
                         "items_per_s": round(len(reqs) / wall, 2), "max_in_flight": srv.max_in_flight})
            srv.max_in_flight = 0
    base = rows[0]["items_per_s"]
    for r in rows:
        r["speedup"] = round(r["items_per_s"] / base, 2)
    return rows


def bench_local(reqs: list[GenRequest], batch_sizes: list[int], new_tokens: int) -> list[dict]:
    from psycollm.backends.local import TransformersBackend
    from psycollm.config import load_settings

    backend = TransformersBackend.from_settings(load_settings(env={}))
    params = GenerationParams(max_new_tokens=new_tokens, temperature=0.0, repetition_penalty=1.0)
    backend.generate_batch([reqs[0].messages], params)  # warm-up
    rows = []
    for bs in batch_sizes:
        t0 = time.perf_counter()
        _, stats = generate_cached(
            backend, reqs, params, cache=NullCache(), fingerprint={"id": "local"}, template_version="bench",
            batch_size=bs, desc=f"local bs={bs}",
            generate=lambda chunk: backend.generate_batch([r.messages for r in chunk], params, batch_size=len(chunk)))
        wall = time.perf_counter() - t0
        rows.append({"batch_size": bs, "items": len(reqs), "seconds": round(wall, 2),
                     "items_per_s": round(len(reqs) / wall, 3)})
    backend.close()
    base = rows[0]["items_per_s"]
    for r in rows:
        r["speedup"] = round(r["items_per_s"] / base, 2)
    return rows


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--items", type=int, default=64, help="Prompts for the server part.")
    p.add_argument("--latency", type=float, default=0.25, help="Fake server seconds per request.")
    p.add_argument("--concurrency", type=int, nargs="+", default=[1, 2, 4, 8, 16])
    p.add_argument("--skip-local", action="store_true")
    p.add_argument("--local-items", type=int, default=16)
    p.add_argument("--batch-sizes", type=int, nargs="+", default=[1, 4, 8])
    p.add_argument("--local-new-tokens", type=int, default=16)
    p.add_argument("--pceb-dir", default=str(ROOT.parent / "shared" / "data" / "pceb" / "benchmark"))
    p.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "eval_throughput.json"))
    args = p.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    pceb = Path(args.pceb_dir)
    result: dict = {"machine": {"cpus": os.cpu_count(), "platform": platform.platform(),
                                "load_avg_1m_at_start": round(os.getloadavg()[0], 2)},
                    "prompts": "PCEB theory_single" if pceb.is_dir() else "synthetic"}
    server = bench_server(prompts(args.items, pceb), args.concurrency, args.latency)
    result["server"] = {"latency_s": args.latency, "rows": server}
    print(f"\nServer (fake OpenAI-compatible, {args.latency}s per request, {args.items} items)")
    print(f"{'concurrency':>11} {'items/s':>9} {'speedup':>8} {'max in flight':>14}")
    for r in server:
        print(f"{r['concurrency']:>11} {r['items_per_s']:>9.2f} {r['speedup']:>7.2f}x {r['max_in_flight']:>14}")
    if not args.skip_local:
        local = bench_local(prompts(args.local_items, pceb), args.batch_sizes, args.local_new_tokens)
        result["local"] = {"model": "smollm2-135m (transformers, fp32)", "new_tokens": args.local_new_tokens,
                           "rows": local}
        print(f"\nLocal (embedded model, transformers, {args.local_items} items, {args.local_new_tokens} new tokens)")
        print(f"{'batch size':>10} {'items/s':>9} {'speedup':>8}")
        for r in local:
            print(f"{r['batch_size']:>10} {r['items_per_s']:>9.3f} {r['speedup']:>7.2f}x")
    result["machine"]["load_avg_1m_at_end"] = round(os.getloadavg()[0], 2)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(f"\nwrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
