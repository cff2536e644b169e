"""The training report written into ``<output_dir>/report/`` at the end of every run.

    report/README.md          summary: data, model, final metrics, figures, how to reproduce
    report/loss.png           training (and evaluation) loss per step
    report/learning_rate.png  learning rate per step
    report/metrics.json       final metrics: s/step, peak RSS, loss first/last, eval loss, ...
    report/config.yaml        the exact configuration of the run (all three dataclasses)
    report/versions.json      python, torch, transformers, trl, peft, accelerate, deepspeed, datasets
    report/log_history.json   every logged value (re-plot with `write_report` without re-training)

Nothing here imports torch at module level: a report can be re-rendered from ``log_history.json``.
"""

from __future__ import annotations

import dataclasses
import importlib.metadata
import json
import os
import platform
import resource
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

PACKAGES = ("torch", "transformers", "trl", "peft", "accelerate", "deepspeed", "datasets", "bitsandbytes", "psycollm")


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def package_versions() -> dict[str, str]:
    out = {"python": platform.python_version(), "platform": platform.platform()}
    for name in PACKAGES:
        try:
            out[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            out[name] = "not installed"
    try:
        import torch

        out["cuda_devices"] = str(torch.cuda.device_count()) if torch.cuda.is_available() else "0"
    except ImportError:  # pragma: no cover - torch is a core dependency
        pass
    out["cpu_count"] = str(os.cpu_count())
    return out


def make_resource_callback() -> Any:
    """A TrainerCallback adding ``peak_rss_mb`` and ``step_time_s`` to every log line."""
    from transformers import TrainerCallback

    class ResourceCallback(TrainerCallback):
        """Times optimizer steps only (evaluation and saving between steps are not counted)."""

        def __init__(self) -> None:
            self._step_start = (0.0, 0.0)
            self._durations: list[tuple[float, float]] = []

        def on_step_begin(self, args, state, control, **kwargs):  # noqa: ANN001 - transformers' signature
            self._step_start = (time.perf_counter(), time.process_time())

        def on_step_end(self, args, state, control, **kwargs):  # noqa: ANN001
            wall, cpu = self._step_start
            self._durations.append((time.perf_counter() - wall, time.process_time() - cpu))

        def on_log(self, args, state, control, logs=None, **kwargs):  # noqa: ANN001
            if logs is None or "loss" not in logs:
                return
            extra = {"peak_rss_mb": round(peak_rss_mb(), 1)}
            if self._durations:
                n = len(self._durations)
                extra["step_time_s"] = round(sum(d[0] for d in self._durations) / n, 4)
                # CPU seconds (all threads) per step: unlike wall time, not inflated by other work on the cores.
                extra["step_cpu_s"] = round(sum(d[1] for d in self._durations) / n, 4)
                self._durations = []
            logs.update(extra)
            # Trainer appended a copy of the logs to the history before calling us.
            if state.log_history and state.log_history[-1].get("step") == state.global_step:
                state.log_history[-1].update(extra)

    return ResourceCallback()


# ---------------------------------------------------------------------------------------------------
# Metrics from the log history


def _series(history: list[dict[str, Any]], key: str) -> list[tuple[int, float]]:
    return [(int(h.get("step", 0)), float(h[key])) for h in history if key in h and h[key] is not None]


def summarize(history: list[dict[str, Any]]) -> dict[str, Any]:
    """Final metrics of a run from its log history (what the benchmark and the report print)."""
    train_loss = _series(history, "loss")
    eval_loss = _series(history, "eval_loss")
    final = next((h for h in reversed(history) if "train_runtime" in h), {})
    steps = int(max([h.get("step", 0) for h in history] or [0]))
    out: dict[str, Any] = {"global_step": steps}
    if train_loss:
        out["train_loss_first"] = train_loss[0][1]
        out["train_loss_last"] = train_loss[-1][1]
        out["train_loss_min"] = min(v for _, v in train_loss)
    if eval_loss:
        out["eval_loss_first"] = eval_loss[0][1]
        out["eval_loss_last"] = eval_loss[-1][1]
    if final:
        out["train_runtime_s"] = round(float(final["train_runtime"]), 2)
        out["train_loss_mean"] = final.get("train_loss")
        if steps:
            out["s_per_step"] = round(float(final["train_runtime"]) / steps, 3)
    for key, name in (("step_time_s", "s_per_step_steady"), ("step_cpu_s", "cpu_s_per_step_steady")):
        values = [h[key] for h in history if key in h]
        if values:
            # The first log includes start-up work (allocations, caches); the steady state excludes it.
            steady = values[1:] or values
            out[name] = round(sum(steady) / len(steady), 3)
    rss = [h["peak_rss_mb"] for h in history if "peak_rss_mb" in h]
    if rss:
        out["peak_rss_mb"] = max(rss)
    for key in ("rewards/accuracies", "rewards/margins", "eval_rewards/accuracies", "eval_rewards/margins"):
        series = _series(history, key)
        if series:
            out[key.replace("/", "_") + "_last"] = series[-1][1]
    return out


# ---------------------------------------------------------------------------------------------------
# Writing


def _plot(path: Path, title: str, ylabel: str, curves: Mapping[str, list[tuple[int, float]]]) -> bool:
    curves = {k: v for k, v in curves.items() if v}
    if not curves:
        return False
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 3.6), dpi=120)
    for label, points in curves.items():
        xs, ys = zip(*points, strict=True)
        ax.plot(xs, ys, marker="o" if len(xs) < 30 else None, markersize=3, label=label)
    ax.set_xlabel("step")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.grid(alpha=0.3)
    if len(curves) > 1:
        ax.legend()
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return True


def _plain(value: Any) -> Any:
    """YAML/JSON-safe values (enums -> their value, paths -> str)."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "value") and type(value).__module__ != "builtins":
        return _plain(value.value)
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def config_dict(configs: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, cfg in configs.items():
        if hasattr(cfg, "to_dict"):
            data = cfg.to_dict()
        elif dataclasses.is_dataclass(cfg):
            data = dataclasses.asdict(cfg)
        else:
            data = dict(cfg)
        out[name] = _plain({k: v for k, v in data.items() if not k.startswith("_")})
    return out


def write_report(report_dir: str | os.PathLike[str], history: list[dict[str, Any]], configs: Mapping[str, Any],
                 extra: Mapping[str, Any] | None = None, title: str = "Training run") -> dict[str, Any]:
    """Write the report files; returns the metrics written to metrics.json."""
    import yaml

    report = Path(report_dir)
    report.mkdir(parents=True, exist_ok=True)
    metrics = {**summarize(history), **(extra or {})}
    versions = package_versions()
    (report / "log_history.json").write_text(json.dumps(history, indent=1), encoding="utf-8")
    (report / "metrics.json").write_text(json.dumps(_plain(metrics), indent=2, ensure_ascii=False), encoding="utf-8")
    (report / "versions.json").write_text(json.dumps(versions, indent=2), encoding="utf-8")
    (report / "config.yaml").write_text(yaml.safe_dump(config_dict(configs), sort_keys=False, allow_unicode=True),
                                        encoding="utf-8")
    has_loss = _plot(report / "loss.png", "loss", "loss", {
        "train": _series(history, "loss"), "eval": _series(history, "eval_loss")})
    has_lr = _plot(report / "learning_rate.png", "learning rate", "learning rate",
                   {"lr": _series(history, "learning_rate")})
    lines = [f"# {title}", "", f"Command: `{' '.join(sys.argv)}`", "", "## Final metrics", "",
             "| metric | value |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in _plain(metrics).items()]
    lines += ["", "## Figures", ""]
    if has_loss:
        lines.append("![loss](loss.png)")
    if has_lr:
        lines.append("![learning rate](learning_rate.png)")
    lines += ["", "## Versions", "", "| package | version |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in versions.items()]
    lines += ["", "The exact configuration is in `config.yaml`; every logged value in `log_history.json`.", ""]
    (report / "README.md").write_text("\n".join(lines), encoding="utf-8")
    return metrics
