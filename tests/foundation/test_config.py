"""Settings precedence (defaults < TOML < env < CLI), type checking, secret masking. In-memory, fast."""

from __future__ import annotations

import argparse

import pytest

from psycollm.config import add_settings_arguments, load_settings, render_settings, settings_from_args
from psycollm.errors import ConfigError


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_settings_arguments(parser)
    return parser.parse_args(argv)


def test_defaults_without_anything():
    s = load_settings(env={})
    assert s.backend.kind == "llamacpp"
    assert s.backend.model == "smollm2-135m"
    assert s.ui.port == 7860


def test_precedence_file_env_cli(tmp_path):
    cfg = tmp_path / "psycollm.toml"
    cfg.write_text('log_level = "DEBUG"\n[ui]\nport = 7000\nhost = "0.0.0.0"\n[generation]\ntemperature = 0.1\n',
                   encoding="utf-8")
    env = {"PSYCOLLM_UI_PORT": "7100", "PSYCOLLM_GENERATION_SEED": "7"}
    # file only
    s = load_settings(cfg, env={})
    assert (s.ui.port, s.ui.host, s.generation.temperature, s.log_level) == (7000, "0.0.0.0", 0.1, "DEBUG")
    # env beats file
    s = load_settings(cfg, env=env)
    assert s.ui.port == 7100 and s.generation.seed == 7 and s.ui.host == "0.0.0.0"
    # CLI beats env and file; PSYCOLLM_CONFIG names the file
    args = _parse(["--port", "7200", "--set", "generation.temperature=0.9"])
    s = settings_from_args(args, env={**env, "PSYCOLLM_CONFIG": str(cfg)})
    assert s.ui.port == 7200 and s.generation.temperature == 0.9 and s.generation.seed == 7


def test_common_flags_map_to_sections():
    s = settings_from_args(_parse(["--backend", "openai", "--model", "m", "--base-url", "http://x/v1",
                                   "--data-dir", "/tmp/d"]), env={})
    assert (s.backend.kind, s.backend.model, s.backend.base_url, s.data_dir) == ("openai", "m", "http://x/v1", "/tmp/d")


@pytest.mark.parametrize("env,message", [
    ({"PSYCOLLM_UI_PORT": "eighty"}, "expected int"),
    ({"PSYCOLLM_SAFETY_ENABLED": "maybe"}, "true/false"),
    ({"PSYCOLLM_BACKEND_MODLE": "x"}, "unknown setting"),
])
def test_bad_env_values_name_the_setting(env, message):
    with pytest.raises(ConfigError, match=message):
        load_settings(env=env)


def test_bad_file_is_a_clear_error(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_settings(tmp_path / "missing.toml", env={})
    bad = tmp_path / "bad.toml"
    bad.write_text("[ui\nport=1", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(bad, env={})
    unknown = tmp_path / "unknown.toml"
    unknown.write_text("[nosuchsection]\nx = 1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown setting"):
        load_settings(unknown, env={})


def test_unrelated_psycollm_env_vars_are_ignored():
    s = load_settings(env={"PSYCOLLM_TEST_SOMETHING": "1", "PSYCOLLM_SHARED_DATA": "/x"})
    assert s.ui.port == 7860


def test_list_and_optional_fields():
    s = load_settings(env={"PSYCOLLM_RETRIEVAL_EXTRA_PATHS": "a.md, b.pdf", "PSYCOLLM_GENERATION_SEED": "none"})
    assert s.retrieval.extra_paths == ["a.md", "b.pdf"]
    assert s.generation.seed is None


def test_config_show_masks_secrets():
    s = load_settings(env={"PSYCOLLM_BACKEND_API_KEY": "sk-very-secret",
                           "PSYCOLLM_STORAGE_URL": "postgresql+psycopg://app:hunter2@db:5432/psy"})
    text = render_settings(s)
    assert "sk-very-secret" not in text and "hunter2" not in text
    assert 'api_key = "***"' in text
    assert "postgresql+psycopg://app:***@db:5432/psy" in text


def test_database_url_defaults_to_sqlite_in_data_dir(tmp_path):
    s = load_settings(env={"PSYCOLLM_DATA_DIR": str(tmp_path)})
    assert s.database_url == f"sqlite:///{tmp_path / 'psycollm.sqlite'}"
    assert s.index_path == tmp_path / "index"
