"""The data recipe: YAML < overrides, typed values, clear errors; the shipped recipe loads (no model)."""

from __future__ import annotations

import argparse

import pytest

from psycollm.errors import ConfigError
from training.data.cli import make_parser, settings_for
from training.data.recipe import REPO_ROOT, describe, load_recipe


def test_shipped_recipe_loads_and_matches_the_defaults_it_documents():
    recipe = load_recipe(REPO_ROOT / "training" / "recipes" / "data.yaml")
    assert recipe.multi_turn.support_threshold == 0.8 and recipe.knowledge.cpsyexam_splits == ["train", "dev"]
    assert recipe.llm.judge.temperature == 0.0 and recipe.llm.generate.max_new_tokens == 1536
    keys = {k for k, _, _ in describe()}
    assert {"llm.generate.temperature", "multi_turn.max_regenerations", "mix.near_dup_threshold"} <= keys
    assert all(help_text for _, _, help_text in describe())


def test_yaml_then_overrides_with_types(tmp_path):
    path = tmp_path / "r.yaml"
    path.write_text("seed: 7\nmulti_turn:\n  support_threshold: 0.6\nllm:\n  judge: {max_new_tokens: 99}\n"
                    "settings:\n  backend:\n    kind: openai\n", encoding="utf-8")
    recipe = load_recipe(path, ["multi_turn.support_threshold=0.9", "limit=5", "knowledge.cpsyexam_splits=[train]",
                                "single_turn.rewrite=true"])
    assert recipe.seed == 7 and recipe.limit == 5 and recipe.multi_turn.support_threshold == 0.9
    assert recipe.llm.judge.max_new_tokens == 99 and recipe.llm.judge.temperature == 0.0
    assert recipe.knowledge.cpsyexam_splits == ["train"] and recipe.single_turn.rewrite is True
    # Nested settings sections flatten to dotted settings; the command line wins over the recipe.
    args = make_parser().parse_args(["build", "--model", "qwen72b", "--set", "backend.max_concurrency=64"])
    settings = settings_for(args, recipe.settings)
    assert (settings.backend.kind, settings.backend.model, settings.backend.max_concurrency) == ("openai", "qwen72b", 64)
    assert isinstance(args, argparse.Namespace)


@pytest.mark.parametrize(("overrides", "match"), [
    (["multi_turn.nope=1"], "has no field|unknown recipe key"),
    (["nope=1"], "unknown recipe key"),
    (["multi_turn.support_threshold=2"], "between 0 and 1"),
    (["multi_turn.min_exchanges=many"], "expected int"),
    (["limit=0"], "positive"),
    (["multi_turn=3"], "is a section"),
    (["seed"], "KEY=VALUE|SECTION.FIELD=VALUE"),
])
def test_bad_recipes_are_clear_errors(overrides, match):
    with pytest.raises(ConfigError, match=match):
        load_recipe(None, overrides)


def test_missing_recipe_file_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_recipe(tmp_path / "missing.yaml")
