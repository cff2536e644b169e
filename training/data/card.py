"""The dataset card (README.md with Hugging Face YAML metadata) and its length histograms.

    figures = write_figures(rows_by_split, out / "figures")    # PNGs, matplotlib Agg (no display)
    text = render_card(stats, figures)

Everything in the card comes from ``stats`` (the same numbers as ``stats.json``), so the card never
claims what the run did not count.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

SOURCES: dict[str, tuple[str, str]] = {
    # name -> (what it is, citation)
    "counsel_chat": ("counselchat.com questions answered by licensed therapists (English); the most upvoted "
                     "answer per question", "nbertagnolli/counsel-chat"),
    "emollm": ("first seeker/counselor turn of the EmoLLM multi-turn dialogues (Chinese)", "SmartFlowAI/EmoLLM"),
    "cpsycound": ("multi-turn dialogues written by the model in three steps (generation, evidence judgment, "
                  "refinement), grounded in CPsyCounD case texts used as prior knowledge", "CAS-SIAT-XinHai/CPsyCoun"),
    "cpsyexam": ("CPsyExam multiple-choice questions with the exam's explanation as the rationale, "
                 "decontaminated against PCEB", "CAS-SIAT-XinHai/CPsyExam"),
    "cpsyexam_qa": ("CPsyExam open questions with reference answers, decontaminated against PCEB",
                    "CAS-SIAT-XinHai/CPsyExam"),
    "knowledge_base": ("question-answer pairs written by the model from the project's knowledge-base articles, "
                       "each answer checked for grounding in its article", "psycollm knowledge_base/docs"),
}
STAGE_ORDER = ("single_turn", "multi_turn", "knowledge")


def write_figures(rows: dict[str, list[dict[str, Any]]], folder: Path) -> dict[str, str]:
    """Histograms of characters per record and assistant turns per record, by stage. Returns name -> path."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    folder.mkdir(parents=True, exist_ok=True)
    all_rows = [r for split in rows.values() for r in split]
    by_stage: dict[str, list[dict[str, Any]]] = {s: [r for r in all_rows if r["stage"] == s] for s in STAGE_ORDER}
    figures: dict[str, str] = {}

    fig, ax = plt.subplots(figsize=(7, 4))
    for stage, recs in by_stage.items():
        if recs:
            lengths = [sum(len(m["content"]) for m in r["messages"] if m["role"] != "system") for r in recs]
            ax.hist(lengths, bins=40, alpha=0.6, label=f"{stage} (n={len(recs)})")
    ax.set_xlabel("characters per record (system prompt excluded)")
    ax.set_ylabel("records")
    ax.set_title("Record length by stage")
    if all_rows:
        ax.legend()
    fig.tight_layout()
    fig.savefig(folder / "length_chars.png", dpi=100)
    plt.close(fig)
    figures["length_chars"] = "figures/length_chars.png"

    fig, ax = plt.subplots(figsize=(7, 4))
    for stage, recs in by_stage.items():
        if recs:
            turns = [r["n_turns"] for r in recs]
            ax.hist(turns, bins=range(1, max(turns) + 2), alpha=0.6, label=f"{stage} (n={len(recs)})", align="left")
    ax.set_xlabel("counselor turns per record")
    ax.set_ylabel("records")
    ax.set_title("Turns per record by stage")
    if all_rows:
        ax.legend()
    fig.tight_layout()
    fig.savefig(folder / "turns.png", dpi=100)
    plt.close(fig)
    figures["turns"] = "figures/turns.png"
    return figures


def _table(header: list[str], rows: list[list[Any]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _counts(d: dict[str, Any]) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(d.items(), key=lambda kv: (-kv[1], kv[0]))) if d else "none"


def render_card(stats: dict[str, Any], figures: dict[str, str]) -> str:
    name = stats["name"]
    langs = sorted(stats["by_lang"]) or ["zh", "en"]
    meta = {
        "pretty_name": name, "language": langs, "license": "other",
        "task_categories": ["text-generation"], "tags": ["psychology", "counseling", "mental-health", "sft", "chat"],
        "configs": [{"config_name": "default", "data_files": [
            {"split": split, "path": f"data/{split}-*.parquet"} for split in stats["records"]]}],
    }
    st = stats["stages"]
    out = ["---", yaml.safe_dump(meta, allow_unicode=True, sort_keys=False).strip(), "---", "", f"# {name}", ""]
    out += [
        "Supervised fine-tuning data for a bilingual (Chinese/English) counseling assistant, built by the "
        "psycollm data pipeline (`psycollm data build`), a re-implementation of the PsycoLLM data construction "
        "(arXiv 2407.05721): single-turn QA, multi-turn dialogues generated, evidence-judged and refined from "
        "case texts, and knowledge QA. Each record is a chat `messages` list (TRL's SFT format).",
        "",
        f"Built with the `{stats['model']['kind']}` backend, model `{stats['model']['name']}`, seed {stats['seed']}"
        + (f", limited to {stats['limit']} input items per source (a quick run, not the full data set)."
           if stats.get("limit") else "."),
        "",
        "## Use", "",
        "```python",
        "from datasets import load_from_disk, load_dataset",
        "ds = load_from_disk(\"<this folder>\")          # or: load_dataset(\"<this folder>\")  (parquet)",
        "# TRL: SFTTrainer(model=..., train_dataset=ds[\"train\"], eval_dataset=ds[\"validation\"])",
        "```", "",
        "## Counts", "",
        _table(["split", "records"], [[k, v] for k, v in stats["records"].items()]), "",
        _table(["stage", "records"], [[k, v] for k, v in stats["by_stage"].items()]), "",
        _table(["language", "records"], [[k, v] for k, v in sorted(stats["by_lang"].items())]), "",
        "## Sources and licenses", "",
        "The data set mixes sources under different licenses; each record carries its source and license "
        "(columns `source`, `license`). Respect every source's terms and cite the upstream work.", "",
    ]
    src_rows = []
    for src, n in sorted(stats["by_source"].items()):
        what, cite = SOURCES.get(src, ("user-supplied QA file", src))
        src_rows.append([src, n, stats["licenses"].get(src, "?"), what, cite])
    out += [_table(["source", "records", "license", "what", "upstream"], src_rows), ""]

    out += ["## Filters applied (with counts)", ""]
    s1 = st.get("single_turn") or {}
    if s1.get("enabled"):
        out += [f"- **Single-turn** (loaded {_counts(s1.get('loaded', {}))}; selected {_counts(s1.get('selected', {}))}): "
                "text normalized (Unicode NFC, HTML, whitespace, glued sentences); dropped: "
                f"{_counts(s1.get('dropped', {}))}; kept {s1.get('kept', 0)}."
                + (f" LLM rewrite: {_counts(s1['rewrite'])}." if s1.get("rewrite") else "")]
    s2 = st.get("multi_turn") or {}
    if s2.get("enabled"):
        counters = s2.get("counters", {})
        out += [f"- **Multi-turn** ({s2.get('seeds_selected', 0)} of {s2.get('seeds_available', 0)} seeds from "
                f"{s2.get('source', '')}): generation -> evidence judgment (a dialogue survives when at least "
                f"{s2.get('support_threshold')} of its counselor turns are supported by the case or make no claim) -> "
                f"refinement; regenerations {counters.get('regenerations', 0)}, refined {counters.get('refined', 0)}; "
                f"dropped: {_counts(s2.get('dropped', {}))}; kept {s2.get('kept', 0)}. Each record's `audit` holds "
                "every round's judgment (verdict, unsupported claims and reason per counselor turn)."]
    s3 = st.get("knowledge") or {}
    if s3.get("enabled"):
        dec = s3.get("decontamination", {})
        out += [f"- **Knowledge QA**: PCEB decontamination first: {dec.get('removed', 0)} of {dec.get('checked', 0)} "
                f"CPsyExam items removed ({_counts(dec.get('by_reason', {}))}: same normalized stem as a PCEB "
                "question, or built on a PCEB case); exact repeats removed "
                f"{s3.get('exact_repeats_removed', 0)}; filtered {_counts(s3.get('exam_filtered', {}))}; "
                f"splits used {s3.get('splits', [])}; selected "
                f"{_counts(s3.get('exam_selected', {}))}; knowledge-base articles {s3.get('articles_selected', 0)} of "
                f"{s3.get('articles_available', 0)}; dropped: {_counts(s3.get('dropped', {}))}; kept "
                f"{_counts(s3.get('kept_by_source', {}))}."]
    dup = stats["duplicates"]
    out += [f"- **Deduplication** across all stages (exact, then MinHash near-duplicates, Jaccard >= "
            f"{stats['recipe']['mix']['near_dup_threshold']} on character {stats['recipe']['mix']['shingle_chars']}-grams): "
            f"removed {dup['total']} ({_counts(dup['by_kind'])}; by stage {_counts(dup['by_stage'])}); list in "
            "`dropped_duplicates.jsonl`.",
            f"- **Split**: validation = records whose seeded id hash falls in the first "
            f"{stats['recipe']['mix']['validation_fraction']:.0%} (stable when data is added).",
            "- **Schema**: every record passed the same check before it was written and again before publishing "
            "(alternating user/assistant turns, assistant last, no empty turn, one language).", ""]

    out += ["## Lengths", ""]
    out += [f"![{k}]({v})" for k, v in figures.items()]
    out += ["", "## How it was made", "",
            "Prompt templates (versioned files in `training/data/templates/`):", ""]
    out += [_table(["template", "lang", "version", "sha"],
                   [[t["name"], t["lang"], t["version"], t["sha"]] for t in stats["templates"]]), ""]
    out += ["Recipe:", "", "```yaml", yaml.safe_dump(stats["recipe"], allow_unicode=True, sort_keys=False).strip(),
            "```", "",
            "## Limitations", "",
            "Model-written records (multi-turn dialogues, knowledge-base QA, rewrites) are only as good as the model "
            "that wrote and judged them; the evidence judgment is the same kind of model checking itself. Read the "
            "`audit` column before trusting a record. This data trains an assistant that supports people; it is not "
            "clinical guidance, and it does not replace a counselor.", ""]
    llm = {s: st.get(s, {}).get("llm") for s in STAGE_ORDER if st.get(s, {}).get("llm")}
    if llm:
        out += ["LLM calls by stage (calls, cache hits, malformed replies by reason):", "", "```json",
                json.dumps(llm, indent=1, sort_keys=True), "```", ""]
    return "\n".join(out)
