"""Inter-rater statistics for the admin view: means, counts, Krippendorff's alpha, Cohen's kappa.

    stats = rating_statistics(store.rating_rows(), store.comparison_rows())
    print(format_table(stats)); fig = agreement_figure(stats)

- Per dimension: mean, standard deviation and count of all ratings; means per model.
- Krippendorff's alpha (ordinal, `krippendorff` package) per dimension over the responses rated by
  at least two clinicians; nominal alpha for the "harmful" flag. None when fewer than two responses
  have two ratings or the ratings show no variation (alpha is undefined then).
- Cohen's kappa (quadratic weights, scikit-learn) for every pair of clinicians who rated at least
  two of the same responses.
- A/B: share of agreeing rater pairs on response pairs compared by more than one clinician.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from psycollm.store.rubric import DIMENSIONS

LEVELS = [1, 2, 3, 4, 5]


def rating_statistics(ratings: Sequence[dict[str, Any]],
                      comparisons: Sequence[dict[str, Any]] = ()) -> dict[str, Any]:
    dims: dict[str, dict[str, Any]] = {}
    for d in DIMENSIONS:
        values = [r[d] for r in ratings]
        dims[d] = {"n": len(values), "mean": _mean(values), "std": _std(values),
                   "alpha": _alpha(ratings, d, "ordinal"), "kappa": _kappas(ratings, d)}
    per_model: dict[str, dict[str, float | int | None]] = {}
    by_model: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in ratings:
        by_model[r["model"] or "?"].append(r)
    for model, rows in sorted(by_model.items()):
        per_model[model] = {"n": len(rows), **{d: _mean([r[d] for r in rows]) for d in DIMENSIONS},
                            "harmful_rate": _mean([1.0 if r["harmful"] else 0.0 for r in rows])}
    harmful = [dict(r, harmful_flag=1 if r["harmful"] else 0) for r in ratings]
    raters = sorted({r["rater"] for r in ratings})
    overlap = _units_with_two(ratings)
    return {
        "n_ratings": len(ratings),
        "n_raters": len(raters),
        "raters": raters,
        "n_responses": len({r["response_id"] for r in ratings}),
        "n_overlap": overlap,
        "dimensions": dims,
        "harmful": {"n": sum(1 for r in ratings if r["harmful"]),
                    "alpha": _alpha(harmful, "harmful_flag", "nominal", levels=[0, 1])},
        "per_model": per_model,
        "ab": _ab_agreement(comparisons),
    }


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _std(values: Sequence[float]) -> float | None:
    if len(values) < 2:
        return None
    m = sum(values) / len(values)
    return math.sqrt(sum((v - m) ** 2 for v in values) / (len(values) - 1))


def _units_with_two(ratings: Sequence[dict[str, Any]]) -> int:
    raters: dict[int, set[str]] = defaultdict(set)
    for r in ratings:
        raters[r["response_id"]].add(r["rater"])
    return sum(1 for s in raters.values() if len(s) >= 2)


def _alpha(ratings: Sequence[dict[str, Any]], key: str, level: str, levels: list[int] = LEVELS) -> float | None:
    import krippendorff
    import numpy as np

    by_unit: dict[int, dict[str, float]] = defaultdict(dict)
    for r in ratings:
        by_unit[r["response_id"]][r["rater"]] = r[key]
    units = [u for u, v in by_unit.items() if len(v) >= 2]
    if len(units) < 2:
        return None
    raters = sorted({rater for u in units for rater in by_unit[u]})
    data = np.full((len(raters), len(units)), np.nan)
    for j, u in enumerate(units):
        for rater, value in by_unit[u].items():
            data[raters.index(rater), j] = value
    present = data[~np.isnan(data)]
    if len(set(present.tolist())) < 2:
        return None  # no variation: alpha is 0/0
    try:
        value = float(krippendorff.alpha(reliability_data=data, level_of_measurement=level,
                                         value_domain=levels))
    except (ValueError, ZeroDivisionError):
        return None
    return None if math.isnan(value) else value


def _kappas(ratings: Sequence[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    from sklearn.metrics import cohen_kappa_score

    by_rater: dict[str, dict[int, int]] = defaultdict(dict)
    for r in ratings:
        by_rater[r["rater"]][r["response_id"]] = r[key]
    out = []
    for a, b in itertools.combinations(sorted(by_rater), 2):
        shared = sorted(set(by_rater[a]) & set(by_rater[b]))
        if len(shared) < 2:
            continue
        xa = [by_rater[a][u] for u in shared]
        xb = [by_rater[b][u] for u in shared]
        if xa == xb:
            kappa = 1.0  # identical ratings: perfect agreement (sklearn returns nan when one side is constant)
        else:
            kappa = float(cohen_kappa_score(xa, xb, labels=LEVELS, weights="quadratic"))
            if math.isnan(kappa):
                kappa = None  # type: ignore[assignment]
        out.append({"raters": [a, b], "n": len(shared), "kappa": kappa})
    return out


def _ab_agreement(comparisons: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Votes normalized to the preferred response id (or 'tie') per response pair, then pairwise agreement."""
    by_pair: dict[tuple[int, int], list[str]] = defaultdict(list)
    for c in comparisons:
        key = tuple(sorted((c["left_id"], c["right_id"])))
        vote = "tie" if c["choice"] == "tie" else str(c["left_id"] if c["choice"] == "left" else c["right_id"])
        by_pair[key].append(vote)  # type: ignore[index]
    agree = total = 0
    for votes in by_pair.values():
        for x, y in itertools.combinations(votes, 2):
            total += 1
            agree += x == y
    return {"n": len(comparisons), "pairs": len(by_pair), "multi_rated_pairs": sum(len(v) >= 2 for v in by_pair.values()),
            "agreement": agree / total if total else None,
            "ties": sum(1 for c in comparisons if c["choice"] == "tie")}


def format_table(stats: dict[str, Any]) -> str:
    """A Markdown table of the per-dimension figures."""
    lines = ["| dimension | n | mean | sd | Krippendorff α | Cohen's κ (pairs) |", "|---|---|---|---|---|---|"]
    for d, s in stats["dimensions"].items():
        kappas = ", ".join(f"{k['raters'][0]}–{k['raters'][1]}: {_fmt(k['kappa'])} (n={k['n']})" for k in s["kappa"])
        lines.append(f"| {d} | {s['n']} | {_fmt(s['mean'])} | {_fmt(s['std'])} | {_fmt(s['alpha'])} | {kappas or '—'} |")
    lines.append(f"| harmful flag | {stats['harmful']['n']} flagged | | | {_fmt(stats['harmful']['alpha'])} | |")
    return "\n".join(lines)


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def agreement_figure(stats: dict[str, Any]):  # -> matplotlib.figure.Figure
    """Two panels: mean score per dimension (with counts) and Krippendorff's alpha per dimension."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    fig = Figure(figsize=(9, 3.4), dpi=100)
    ax1, ax2 = fig.subplots(1, 2)
    names = list(stats["dimensions"])
    means = [stats["dimensions"][d]["mean"] or 0.0 for d in names]
    sds = [stats["dimensions"][d]["std"] or 0.0 for d in names]
    bars = ax1.bar(range(len(names)), means, yerr=sds, color="#4C72B0", capsize=3)
    for bar, d in zip(bars, names, strict=True):
        ax1.annotate(f"n={stats['dimensions'][d]['n']}", (bar.get_x() + bar.get_width() / 2, 0.1),
                     ha="center", fontsize=7, color="white")
    ax1.set_ylim(0, 5.5)
    ax1.set_title("Mean score (±sd)")
    ax1.set_xticks(range(len(names)), names, rotation=30, ha="right", fontsize=8)
    alphas = [stats["dimensions"][d]["alpha"] for d in names]
    ax2.bar(range(len(names)), [a if a is not None else 0.0 for a in alphas],
            color=["#55A868" if a is not None else "#cccccc" for a in alphas])
    for i, a in enumerate(alphas):
        ax2.annotate("n/a" if a is None else f"{a:.2f}", (i, (a or 0.0) + 0.03), ha="center", fontsize=7)
    ax2.axhline(0.667, color="#C44E52", lw=0.8, ls="--")
    ax2.set_ylim(min(-0.2, *[a for a in alphas if a is not None] or [0]), 1.05)
    ax2.set_title(f"Krippendorff's α (ordinal), {stats['n_overlap']} shared responses")
    ax2.set_xticks(range(len(names)), names, rotation=30, ha="right", fontsize=8)
    fig.tight_layout()
    return fig
