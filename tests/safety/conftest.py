"""Safety-layer fixtures: one classifier trained per test session (~30-45 s on 2 cores) in a temp cache."""

from __future__ import annotations

import json
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def classifier_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Laid out as settings.cache_path / "safety", so Guard.from_settings finds the trained model.
    return tmp_path_factory.mktemp("cache") / "safety"


@pytest.fixture(scope="session")
def classifier(classifier_cache: Path):
    from psycollm.safety.classifier import RiskClassifier

    return RiskClassifier.load_or_train(classifier_cache)


@pytest.fixture
def guard(classifier):
    """The guard as the app builds it (lexicon + classifier), default locale (auto)."""
    from psycollm.safety.guard import Guard

    return Guard(locale="auto", learned=classifier)


def training_sample(rows: list[dict], path: Path, step: int = 40) -> list[Path]:
    """Every `step`-th training row written to `path`: a real but small training set (~400 risk rows,
    ~140 replies, 4-10 s each here) for tests of the cache machinery, which retrain on purpose. The full sets
    take 2-6 minutes a training on 2 cores, once per session, in the fixtures above."""
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows[::step]), encoding="utf-8")
    return [path]


def user(text: str) -> list[dict[str, str]]:
    return [{"role": "user", "content": text}]


def conversation(*turns: str) -> list[dict[str, str]]:
    """Alternating user/assistant turns, starting with the user."""
    return [{"role": "user" if i % 2 == 0 else "assistant", "content": t} for i, t in enumerate(turns)]


def assert_reaches(messages: list[dict[str, str]], level: str, category: str) -> None:
    """The lexicon-only screen rates the conversation at least `level`, with `category`."""
    from psycollm.safety.crisis_screen import RANK, screen_conversation

    result = screen_conversation(messages)
    assert RANK[result.level] >= RANK[level], result.reasons
    assert category in result.categories, (result.categories, result.reasons)


def assert_level(text: str, level: str):
    """The lexicon-only screen rates this one message exactly `level`; the result, for further checks."""
    from psycollm.safety.crisis_screen import screen_conversation

    result = screen_conversation(user(text))
    assert result.level == level, (text, result.level, result.reasons)
    return result


def assert_below_crisis(messages: list[dict[str, str]], requests_allowed: bool = True) -> None:
    """The lexicon-only screen gives no crisis reply (and, unless allowed, no refusal)."""
    from psycollm.safety.crisis_screen import RANK, screen_conversation

    result = screen_conversation(messages)
    assert RANK[result.level] < RANK["high"], result.reasons
    assert requests_allowed or not result.requests, result.requests


def assert_pair(ordinary: str, crisis: str) -> None:
    """A fixed false alarm next to the crisis its narrowed rule must still catch (lexicon-only screen)."""
    from psycollm.safety.crisis_screen import RANK, screen_conversation

    assert_below_crisis(user(ordinary))
    result = screen_conversation(user(crisis))
    assert RANK[result.level] >= RANK["high"], result.reasons


@pytest.fixture(scope="session")
def reply_classifier(classifier_cache: Path):
    """The output screen's reply classifier, trained once per test session (~40 s) in the temp cache."""
    from psycollm.safety.reply_classifier import ReplyClassifier

    return ReplyClassifier.load_or_train(classifier_cache / "replies")
