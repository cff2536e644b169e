"""`psycollm eval ...` end to end on the fixture (scripted backend), reports and comparisons."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.cli import main as eval_main
from eval.report import compare_runs, markdown_to_html
from psycollm.cli import main as psycollm_main
from psycollm.errors import ConfigError


def _run(mini_pceb: Path, out: Path, tmp_path: Path, *extra: str) -> int:
    return psycollm_main(["eval", "pceb", "--pceb-dir", str(mini_pceb), "--output", str(out), "--backend", "scripted",
                          "--cache", str(tmp_path / "cache.sqlite"), "--data-dir", str(tmp_path / "data"), *extra])


def test_pceb_command_end_to_end(mini_pceb: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "run"
    assert _run(mini_pceb, out, tmp_path, "--limit", "2", "--groups", "theory_single,moral_single", "--seed", "7") == 0
    printed = capsys.readouterr().out
    assert "Theory SMCQ" in printed and "published, not reproduced" in printed
    res = json.loads((out / "pceb_results.json").read_text())
    assert res["config"]["limit"] == 2 and res["config"]["seed"] == 7
    assert res["config"]["groups"] == ["theory_single", "moral_single"]
    assert res["scores"]["n"] == 4 and res["scores"]["missing"] == 4  # the scripted reply names no option
    assert res["timing"]["projected_full_run_s"] is not None
    html = (out / "report.html").read_text()
    assert "data:image/png;base64," in html and "<table>" in html and "src=\"charts/" not in html


def test_pceb_command_with_caseqa(mini_pceb: Path, tmp_path: Path) -> None:
    out = tmp_path / "run"
    assert _run(mini_pceb, out, tmp_path, "--caseqa") == 0
    assert (out / "caseqa_results.json").exists() and (out / "caseqa_samples.jsonl").exists()
    md = (out / "report.md").read_text()
    assert "Case QA" in md and "PsycoLLM (published, not reproduced)" in md


def test_compare_and_report_commands(mini_pceb: Path, tmp_path: Path, capsys) -> None:
    _run(mini_pceb, tmp_path / "a", tmp_path, "--no-report")
    _run(mini_pceb, tmp_path / "b", tmp_path, "--prompt-lang", "en", "--no-report")
    capsys.readouterr()
    assert eval_main(["compare", str(tmp_path / "a"), str(tmp_path / "b"), "--output", str(tmp_path / "cmp")]) == 0
    md = (tmp_path / "cmp" / "report.md").read_text()
    # Two runs of the same model get distinct labels; the table has both plus the published rows.
    assert md.count("(this harness)") == 2 and "[b]" in md
    assert (tmp_path / "cmp" / "charts" / "pceb_groups.png").stat().st_size > 1000
    assert eval_main(["report", str(tmp_path / "a")]) == 0
    with pytest.raises(ConfigError):
        compare_runs([tmp_path / "a", tmp_path / "empty-does-not-exist"], tmp_path / "x")


def test_errors_are_user_facing(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.delenv("PSYCOLLM_PCEB_DIR", raising=False)
    assert psycollm_main(["eval", "pceb", "--backend", "scripted", "--output", str(tmp_path)]) == 1
    assert "--pceb-dir" in capsys.readouterr().err
    assert psycollm_main(["eval", "pceb", "--backend", "scripted", "--pceb-dir", str(tmp_path / "none")]) == 1
    assert "PCEB folder not found" in capsys.readouterr().err
    assert psycollm_main(["eval", "nonsense"]) == 1
    assert psycollm_main(["eval", "compare", str(tmp_path)]) == 1


def test_safety_subcommand_delegates_or_explains(capsys) -> None:
    import importlib.util

    if importlib.util.find_spec("eval.safety_eval") is None:
        assert psycollm_main(["eval", "safety"]) == 1
        assert "safety evaluation" in capsys.readouterr().err
    else:
        with pytest.raises(SystemExit) as exc:
            eval_main(["safety", "--help"])
        assert exc.value.code == 0


def test_markdown_to_html_subset() -> None:
    html = markdown_to_html("# T\n\n| a | b |\n|---|---|\n| **1** | `x<y` |\n\n- one\n- two\n\n![c](c.png)\n",
                            {"c.png": b"\x89PNG"}, "t")
    assert "<h1>T</h1>" in html and "<td><b>1</b></td>" in html and "<code>x&lt;y</code>" in html
    assert html.count("<li>") == 2 and "data:image/png;base64,iVBORw==" in html
