"""Reports: Markdown + self-contained HTML with the PCEB table (published layout) and bar charts.

    psycollm eval report runs/pceb-smollm                   # (re)write report.md / report.html of a run
    psycollm eval compare runs/a runs/b --output runs/cmp   # several runs side by side

A run folder holds ``<task>_results.json`` files (pceb, caseqa, dialogue); the report shows
whatever is there (`psycollm eval safety` writes its own report, see eval/safety_eval.py). The PCEB table has the published layout (strict per group, elastic in brackets,
the six-group average and its elastic twin, case-QA ROUGE/BLEU) with the published reference rows
underneath, marked as published and not reproduced. Charts are matplotlib (Agg) PNGs, written next
to the Markdown and inlined as base64 in the HTML.
"""

from __future__ import annotations

import base64
import html
import io
import json
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from eval.pceb import GROUP_LABELS, GROUPS, LEVEL_LABELS, LEVELS
from psycollm.atomic_io import atomic_write_text

log = logging.getLogger(__name__)

TASKS = ("pceb", "caseqa", "dialogue")


def load_run(run_dir: str | Path) -> dict[str, Any]:
    """{task: results} for the ``<task>_results.json`` files in a run folder."""
    folder = Path(run_dir).expanduser()
    if not folder.is_dir():
        from psycollm.errors import ConfigError

        raise ConfigError(f"Run folder not found: {folder}")
    out: dict[str, Any] = {}
    for task in TASKS:
        path = folder / f"{task}_results.json"
        if path.exists():
            try:
                out[task] = json.loads(path.read_text(encoding="utf-8"))
            except ValueError as exc:
                log.warning("skipping unreadable %s: %s", path, exc)
    return out


def run_label(run: dict[str, Any], folder: str | Path | None = None) -> str:
    res = run.get("pceb") or run.get("caseqa") or run.get("dialogue") or {}
    name = (res.get("model") or {}).get("name") or (Path(folder).name if folder else "run")
    cfg = res.get("config") or {}
    bits = []
    if cfg.get("shots"):
        bits.append(f"{cfg['shots']}-shot")
    if cfg.get("scoring") == "loglik":
        bits.append("loglik")
    if cfg.get("limit"):
        bits.append(f"≤{cfg['limit']}/group")
    return name + (f" ({', '.join(bits)})" if bits else "")


# ---------------------------------------------------------------------------------------------------
# Tables


def _fmt(x: Any) -> str:
    if x is None:
        return "–"
    if isinstance(x, float):
        return f"{x:.2f}"
    return str(x)


def pceb_row(label: str, pceb: dict[str, Any] | None, caseqa: dict[str, Any] | None) -> list[str]:
    """One row of the published table: strict/(elastic) per group, averages, R-1/R-L/B-4."""
    cells = [label]
    groups = (pceb or {}).get("groups", {})
    for g in GROUPS:
        v = groups.get(g) or {}
        cells.append(_fmt(v.get("strict")))
        if g.endswith("multiple"):
            cells.append(f"({_fmt(v.get('elastic'))})" if v.get("elastic") is not None else "–")
    cells.append(_fmt((pceb or {}).get("average")))
    ea = (pceb or {}).get("elastic_average")
    cells.append(f"({_fmt(ea)})" if ea is not None else "–")
    cq = caseqa or {}
    cells += [_fmt(cq.get("rouge1")), _fmt(cq.get("rougeL")), _fmt(cq.get("bleu4"))]
    return cells


TABLE_HEADER = ["Model", "Case SMCQ", "Case MMCQ", "(elastic)", "Moral SMCQ", "Moral MMCQ", "(elastic)",
                "Theory SMCQ", "Theory MMCQ", "(elastic)", "Avg.", "(elastic avg.)", "QA R-1", "QA R-L", "QA B-4"]


def _md_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def _caseqa_cells(res: dict[str, Any] | None) -> dict[str, Any] | None:
    if not res:
        return None
    return (res.get("scores") or {}).get("word")


def main_table(runs: Sequence[tuple[str, dict[str, Any]]]) -> tuple[list[str], list[list[str]]]:
    rows = []
    for label, run in runs:
        pceb = (run.get("pceb") or {}).get("scores")
        rows.append(pceb_row(f"**{label}** (this harness)", pceb, _caseqa_cells(run.get("caseqa"))))
    # The floor row: the best constant answer per group, from the first run that has PCEB results.
    first = next((r["pceb"] for _, r in runs if r.get("pceb")), None)
    if first and first.get("floors"):
        floors = {g: {"strict": round(v["strict"], 2)} for g, v in first["floors"].items()}
        avg = round(sum(v["strict"] for v in floors.values()) / len(floors), 2)
        rows.append(pceb_row("constant-answer floor (best single letter set)", {"groups": floors, "average": avg},
                             None))
    from eval.published import PUBLISHED

    for name, ref in PUBLISHED.items():
        rows.append(pceb_row(f"{name} (published, not reproduced)", ref, ref.get("caseqa")))
    return TABLE_HEADER, rows


# ---------------------------------------------------------------------------------------------------
# Charts


def _png(fig: Any) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    import matplotlib.pyplot as plt

    plt.close(fig)
    return buf.getvalue()


def chart_groups(runs: Sequence[tuple[str, dict[str, Any]]], include_published: bool = True) -> bytes | None:
    """Strict accuracy per group (elastic as a light bar behind), runs side by side, floors as ticks."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    series = [(label, r["pceb"]["scores"]["groups"]) for label, r in runs if r.get("pceb")]
    if not series:
        return None
    from eval.published import PUBLISHED

    if include_published:
        series.append(("PsycoLLM (published)", PUBLISHED["PsycoLLM"]["groups"]))
    width = 0.8 / len(series)
    fig, ax = plt.subplots(figsize=(10, 4.2))
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for s, (label, groups) in enumerate(series):
        xs = [g + (s - (len(series) - 1) / 2) * width for g in range(len(GROUPS))]
        strict = [(groups.get(g) or {}).get("strict") or 0 for g in GROUPS]
        elastic = [(groups.get(g) or {}).get("elastic") or 0 for g in GROUPS]
        color = colors[s % len(colors)]
        ax.bar(xs, elastic, width * 0.95, color=color, alpha=0.3)
        ax.bar(xs, strict, width * 0.95, color=color, label=label)
    first = next((r["pceb"] for _, r in runs if r.get("pceb")), None)
    if first and first.get("floors"):
        for g, name in enumerate(GROUPS):
            ax.hlines(first["floors"][name]["strict"], g - 0.45, g + 0.45, colors="black", linestyles="dashed",
                      linewidth=1, label="constant-answer floor" if g == 0 else None)
    ax.set_xticks(range(len(GROUPS)), [GROUP_LABELS[g] for g in GROUPS])
    ax.set_ylabel("accuracy (%)  — light: elastic")
    ax.set_ylim(0, 100)
    ax.set_title("PCEB accuracy per group")
    ax.legend(fontsize=8, loc="upper right")
    return _png(fig)


def chart_levels(runs: Sequence[tuple[str, dict[str, Any]]]) -> bytes | None:
    """Strict accuracy per exam level (all groups pooled), runs side by side."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    series = [(label, r["pceb"]["scores"].get("levels", {})) for label, r in runs if r.get("pceb")]
    if not series:
        return None
    width = 0.8 / len(series)
    fig, ax = plt.subplots(figsize=(7, 3.8))
    for s, (label, levels) in enumerate(series):
        xs = [i + (s - (len(series) - 1) / 2) * width for i in range(len(LEVELS))]
        ax.bar(xs, [(levels.get(lv) or {}).get("strict") or 0 for lv in LEVELS], width * 0.95, label=label)
    # Chart fonts (DejaVu) have no CJK glyphs: English labels only.
    ax.set_xticks(range(len(LEVELS)), [LEVEL_LABELS[lv].split(" (")[0] for lv in LEVELS])
    ax.set_ylabel("strict accuracy (%)")
    ax.set_ylim(0, 100)
    ax.set_title("PCEB accuracy per exam level")
    ax.legend(fontsize=8)
    return _png(fig)


# ---------------------------------------------------------------------------------------------------
# Sections


def _pceb_details(label: str, res: dict[str, Any]) -> list[str]:
    out = [f"### {label}: details", ""]
    model = res.get("model", {})
    cfg = res.get("config", {})
    ds = res.get("dataset", {})
    out.append(f"- Model: `{model.get('name')}` (kind `{model.get('kind')}`, id `{model.get('id')}`)")
    out.append(f"- Prompt: `{cfg.get('template_version')}`, shots {cfg.get('shots')}, scoring {cfg.get('scoring')}, "
               f"max_new_tokens {cfg.get('max_new_tokens')}, temperature {cfg.get('temperature')}, seed {cfg.get('seed')}, "
               f"limit {cfg.get('limit') or 'none'}")
    out.append(f"- Data: `{ds.get('path')}` sha256 `{str(ds.get('sha256'))[:16]}…`; "
               f"defects {json.dumps((ds.get('defects') or {}).get('counts', {}), ensure_ascii=False)}; "
               f"{len((ds.get('defects') or {}).get('excluded', []))} excluded from scoring"
               + (f"; {ds.get('held_out')} held out as few-shot" if ds.get("held_out") else ""))
    ext = res.get("extraction", {})
    out.append(f"- Answer extraction: {json.dumps(ext.get('methods', {}))}; missing answers (scored wrong): "
               f"{ext.get('missing')}; case text truncated to fit: {ext.get('context_truncated')}")
    t = res.get("timing", {})
    proj = t.get("projected_full_run_s")
    if t.get("errors"):
        out.append(f"- Backend errors: {t['errors']} items failed in the backend (scored as no answer; see "
                   "`error` in the samples file; not cached, so a re-run retries them)")
    out.append(f"- Timing: {t.get('items')} items ({t.get('generated')} generated, {t.get('from_cache')} cached), "
               f"{_fmt(t.get('items_per_s'))} items/s, {_fmt(t.get('mean_s_per_item'))} s/item; projected full run "
               f"({t.get('full_run_items')} MCQs): "
               + (f"{proj / 60:.1f} min" if proj else "–"))
    out.append("")
    scores = res.get("scores", {})
    header = ["Group", "n", "strict", "elastic", "missing"] + [LEVEL_LABELS[lv] for lv in LEVELS]
    rows = []
    for g in GROUPS:
        v = scores.get("groups", {}).get(g)
        if not v:
            continue
        rows.append([GROUP_LABELS[g], str(v["n"]), _fmt(v["strict"]), _fmt(v.get("elastic")), str(v["missing"])]
                    + [_fmt((v["levels"].get(lv) or {}).get("strict")) for lv in LEVELS])
    out += [_md_table(header, rows), ""]
    return out


def _caseqa_section(label: str, res: dict[str, Any]) -> list[str]:
    s = res.get("scores", {})
    out = [f"## Case QA — {label}", ""]
    rows = []
    for kind in ("word", "char"):
        v = s.get(kind) or {}
        rows.append([{"word": "jieba words", "char": "characters"}[kind], _fmt(v.get("rouge1")), _fmt(v.get("rougeL")),
                     _fmt(v.get("bleu4"))])
    out += [_md_table(["tokens", "ROUGE-1 F1", "ROUGE-L F1", "BLEU-4"], rows), ""]
    rub = s.get("rubric") or {}
    out.append(f"- Rubric points (parsed from the reference answers' marking scheme): {rub.get('points')} points "
               f"in {rub.get('items')} answers ({rub.get('marked_items')} answers with explicit marks).")
    out.append(f"- Lexical coverage (bigram recall ≥ {rub.get('threshold')}): **{_fmt(rub.get('coverage'))}%** of "
               f"weighted points; soft (mean recall): {_fmt(rub.get('soft'))}%.")
    judge = s.get("judge")
    if judge:
        out.append(f"- LLM-judge coverage ({judge.get('model')}): **{_fmt(judge.get('coverage'))}%**; "
                   f"unparseable judgments: {judge.get('unparseable')} of {judge.get('judged')}.")
    else:
        out.append("- LLM-judge coverage: not run (configure `--judge-model`).")
    if s.get("bertscore"):
        b = s["bertscore"]
        out.append(f"- BERTScore ({b.get('model')}): P {_fmt(b.get('precision'))}, R {_fmt(b.get('recall'))}, "
                   f"F1 {_fmt(b.get('f1'))}.")
    t = res.get("timing", {})
    out.append(f"- Timing: {t.get('items')} answers, {_fmt(t.get('mean_s_per_item'))} s/answer.")
    out.append("")
    return out


def _dialogue_section(label: str, res: dict[str, Any]) -> list[str]:
    s = res.get("scores", {})
    metrics = s.get("metrics", [])
    out = [f"## Dialogue (CPsyCounE, turn-based) — {label}", ""]
    j = res.get("judge", {})
    out.append(f"- Judge: `{j.get('model')}`{' (self-judging: the evaluated model grades itself)' if j.get('self_judge') else ''}, "
               f"prompt `{j.get('prompt_version')}`; unparseable judgments {s.get('unparseable')} of {s.get('judged')}.")
    out.append("")
    ranges = s.get("ranges", {})
    header = ["Topic", "turns"] + [f"{m} (0–{ranges.get(m, '?')})" for m in metrics]
    rows = []
    for topic, v in s.get("topics", {}).items():
        rows.append([topic, str(v.get("n"))] + [_fmt(v.get(m)) for m in metrics])
    overall = s.get("overall", {})
    rows.append(["**all**", str(overall.get("n"))] + [_fmt(overall.get(m)) for m in metrics])
    out += [_md_table(header, rows), ""]
    return out


def render_markdown(runs: Sequence[tuple[str, dict[str, Any]]], charts: dict[str, str], title: str) -> str:
    lines = [f"# {title}", ""]
    if any(r.get("pceb") or r.get("caseqa") for _, r in runs):
        header, rows = main_table(runs)
        lines += ["## PCEB", "",
                  "Strict accuracy per group; elastic accuracy in brackets (a multiple-choice answer that is a "
                  "subset of the key earns |pred|/|gold|, any wrong option earns 0); Avg. = mean of the six "
                  "strict scores, (elastic avg.) = the same with elastic scores for the multiple-choice groups. "
                  "Case QA columns: jieba-word ROUGE-1/ROUGE-L F1 and corpus BLEU-4. Published rows are copied "
                  "from the " + _published_source() + "; they are **published, not reproduced** here.", "",
                  _md_table(header, rows), ""]
        for name in ("groups", "levels"):
            if name in charts:
                lines += [f"![PCEB per {name[:-1]}]({charts[name]})", ""]
        for label, run in runs:
            if run.get("pceb"):
                lines += _pceb_details(label, run["pceb"])
    for label, run in runs:
        if run.get("caseqa"):
            lines += _caseqa_section(label, run["caseqa"])
    for label, run in runs:
        if run.get("dialogue"):
            lines += _dialogue_section(label, run["dialogue"])
    return "\n".join(lines).rstrip() + "\n"


def _published_source() -> str:
    from eval.published import PUBLISHED_SOURCE

    return PUBLISHED_SOURCE


def markdown_to_html(md: str, images: dict[str, bytes], title: str) -> str:
    """A small Markdown subset (headings, tables, lists, bold, code, images) to self-contained HTML.

    Hand-written so the report needs no Markdown package: the report generator emits only this subset.
    """
    import re

    def inline(text: str) -> str:
        text = html.escape(text)
        text = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", text)
        return re.sub(r"`(.+?)`", r"<code>\1</code>", text)

    out, i, lines = [], 0, md.splitlines()
    while i < len(lines):
        line = lines[i]
        if line.startswith("|") and i + 1 < len(lines) and lines[i + 1].startswith("|---"):
            head = [c.strip() for c in line.strip("|").split("|")]
            out.append("<table><thead><tr>" + "".join(f"<th>{inline(c)}</th>" for c in head) + "</tr></thead><tbody>")
            i += 2
            while i < len(lines) and lines[i].startswith("|"):
                cells = [c.strip() for c in lines[i].strip("|").split("|")]
                out.append("<tr>" + "".join(f"<td>{inline(c)}</td>" for c in cells) + "</tr>")
                i += 1
            out.append("</tbody></table>")
            continue
        m = re.match(r"!\[(.*?)\]\((.*?)\)", line)
        if m and m.group(2) in images:
            data = base64.b64encode(images[m.group(2)]).decode("ascii")
            out.append(f'<p><img alt="{html.escape(m.group(1))}" src="data:image/png;base64,{data}"></p>')
        elif line.startswith("```"):
            i += 1
            block = []
            while i < len(lines) and not lines[i].startswith("```"):
                block.append(lines[i])
                i += 1
            out.append("<pre>" + html.escape("\n".join(block)) + "</pre>")
        elif line.startswith("#"):
            level = len(line) - len(line.lstrip("#"))
            out.append(f"<h{level}>{inline(line[level:].strip())}</h{level}>")
        elif line.startswith("- "):
            out.append("<ul>")
            while i < len(lines) and lines[i].startswith("- "):
                out.append(f"<li>{inline(lines[i][2:])}</li>")
                i += 1
            out.append("</ul>")
            continue
        elif line.strip():
            out.append(f"<p>{inline(line)}</p>")
        i += 1
    style = ("body{font-family:system-ui,sans-serif;max-width:1200px;margin:2em auto;padding:0 1em;color:#222}"
             "table{border-collapse:collapse;margin:1em 0;font-size:13px}th,td{border:1px solid #ccc;"
             "padding:3px 7px;text-align:right}th:first-child,td:first-child{text-align:left}"
             "th{background:#f3f3f3}code{background:#f3f3f3;padding:0 3px}img{max-width:100%}")
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
            f"<style>{style}</style></head><body>\n" + "\n".join(out) + "\n</body></html>\n")


def build_report(runs: Sequence[tuple[str, dict[str, Any]]], out_dir: str | Path, title: str) -> tuple[Path, Path]:
    """Write report.md (+ charts/*.png) and a self-contained report.html to ``out_dir``."""
    folder = Path(out_dir).expanduser()
    (folder / "charts").mkdir(parents=True, exist_ok=True)
    images: dict[str, bytes] = {}
    charts: dict[str, str] = {}
    for name, fn in (("groups", chart_groups), ("levels", chart_levels)):
        png = fn(runs)
        if png:
            rel = f"charts/pceb_{name}.png"
            (folder / rel).write_bytes(png)
            images[rel] = png
            charts[name] = rel
    md = render_markdown(runs, charts, title)
    md_path, html_path = folder / "report.md", folder / "report.html"
    atomic_write_text(md_path, md)
    atomic_write_text(html_path, markdown_to_html(md, images, title))
    return md_path, html_path


def write_report(run_dir: str | Path) -> tuple[Path, Path]:
    """(Re)write the report of one run folder."""
    run = load_run(run_dir)
    label = run_label(run, run_dir)
    return build_report([(label, run)], run_dir, f"psycollm evaluation — {label}")


def compare_runs(run_dirs: Sequence[str | Path], out_dir: str | Path) -> tuple[Path, Path]:
    """One report with several runs side by side."""
    runs = []
    seen: dict[str, int] = {}
    for d in run_dirs:
        run = load_run(d)
        if not run:
            from psycollm.errors import ConfigError

            raise ConfigError(f"{d} holds no *_results.json: run `psycollm eval pceb --output {d}` first.")
        label = run_label(run, d)
        seen[label] = seen.get(label, 0) + 1
        if seen[label] > 1:
            label = f"{label} [{Path(d).name}]"
        runs.append((label, run))
    return build_report(runs, out_dir, "psycollm evaluation — comparison")
