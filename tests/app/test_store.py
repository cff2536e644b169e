"""Store, migrations, users, imports, exports and inter-rater statistics on a real SQLite file.

No Gradio, no model: fast. Turns are the chat engine's real `TurnRecord`s.
"""

from __future__ import annotations

import json
import sqlite3

import pytest

from psycollm.chat import TurnRecord
from psycollm.errors import InputRejected, NotAllowed
from psycollm.retrieval.types import Source
from psycollm.store import Store, TurnContext
from psycollm.store.export import export, preference_pairs, to_csv
from psycollm.store.importing import parse_prompt_set
from psycollm.store.rubric import DIMENSIONS

SCORES = dict.fromkeys(DIMENSIONS, 4)


@pytest.fixture
def store(tmp_path):
    s = Store(f"sqlite:///{tmp_path / 'app.sqlite'}")
    yield s
    s.close()


def record(turn_id: str, session_id: str, text: str, reply: str, status: str = "ok", **kw) -> TurnRecord:
    values = dict(turn_id=turn_id, session_id=session_id, user_text=text, reply=reply, model="m1", status=status,
                  lang="en", sources=[], input_verdict=None, output_verdict=None, raw_reply=reply, latency_s=0.1,
                  params={"temperature": 0.7})
    values.update(kw)
    return TurnRecord(**values)


def clinicians(store: Store, *names: str) -> None:
    for name in names:
        store.add_user(name, "password-" + name, "clinician")


# ---------------------------------------------------------------------------------------------------
# Schema


def test_migrations_match_the_models_and_sqlite_runs_in_wal(store, tmp_path):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from psycollm.store.migrate import current_revision, head_revision
    from psycollm.store.models import Base

    assert current_revision(store.engine) == head_revision() == "0002_ratings"
    with store.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    mode = sqlite3.connect(tmp_path / "app.sqlite").execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_an_old_database_is_migrated_on_open_and_keeps_its_data(tmp_path):
    from sqlalchemy import create_engine, inspect

    from psycollm.store.migrate import current_revision, upgrade

    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    engine = create_engine(url)
    upgrade(engine, "0001_chat")  # the schema of the first release: no rating tables
    assert "ratings" not in inspect(engine).get_table_names()
    engine.dispose()
    old = Store(url, migrate=False)
    old.save_turn(record("t1", "s1", "hello", "hi there"), TurnContext(owner="anon:a", enqueue=False))
    old.close()

    store = Store(url)  # what the app does at start-up
    assert current_revision(store.engine) == "0002_ratings"
    info, turns = store.load_conversation("s1", "anon:a")
    assert [t.reply for t in turns] == ["hi there"]
    clinicians(store, "ana")
    assert store.next_rating_task("ana") is None  # rating tables exist and are empty
    store.close()


# ---------------------------------------------------------------------------------------------------
# Users


def test_users_are_hashed_with_argon2_and_roles_are_enforced(store):
    store.add_user("ana", "correct horse", "clinician")
    store.add_user("carl", "counselor-pass", "counselor")
    with sqlite3.connect(store.url.removeprefix("sqlite:///")) as db:
        stored = db.execute("select password_hash from users where username='ana'").fetchone()[0]
    assert stored.startswith("$argon2id$") and "correct horse" not in stored
    assert store.authenticate("ana", "correct horse").role == "clinician"
    assert store.authenticate("ana", "wrong password") is None
    assert store.authenticate("nobody", "whatever!") is None
    assert store.authenticate("carl", "counselor-pass", roles=("clinician", "admin")) is None
    with pytest.raises(InputRejected, match="already exists"):
        store.add_user("ana", "another-pass", "admin")
    with pytest.raises(InputRejected, match="at least 8"):
        store.add_user("bea", "short", "clinician")
    with pytest.raises(InputRejected, match="role"):
        store.add_user("bea", "long-enough", "superuser")
    with pytest.raises(NotAllowed):
        store.next_rating_task("carl")
    with pytest.raises(NotAllowed):
        store.next_rating_task(None)


def test_removing_a_rater_keeps_their_ratings_but_not_their_login(store):
    clinicians(store, "ana")
    store.save_turn(record("t1", "s1", "hello", "hi"), TurnContext(owner="o"))
    task = store.next_rating_task("ana")
    store.submit_rating("ana", task.response_id, SCORES)
    assert store.remove_user("ana")
    assert store.authenticate("ana", "password-ana") is None
    assert [u.username for u in store.list_users()] == []
    assert store.rating_rows()[0]["rater"] == "ana"
    assert store.remove_user("ana") is False


def test_users_cli_add_list_remove(tmp_path, monkeypatch, capsys):
    import io

    from psycollm.store.cli import users_main

    flags = ["--data-dir", str(tmp_path)]
    monkeypatch.setattr("sys.stdin", io.StringIO("a-good-password\n"))
    assert users_main(["add", "ana", "--role", "admin", "--password-stdin", *flags]) == 0
    assert users_main(["list", *flags]) == 0
    assert "ana" in capsys.readouterr().out
    store = Store(f"sqlite:///{tmp_path / 'psycollm.sqlite'}")
    assert store.authenticate("ana", "a-good-password").role == "admin"
    store.close()
    assert users_main(["remove", "ana", *flags]) == 0
    assert users_main(["remove", "ana", *flags]) == 1


# ---------------------------------------------------------------------------------------------------
# Turns


def test_save_turn_keeps_sources_safety_events_and_regenerations(store):
    src = Source(chunk_id="c1", doc_id="sleep", title="Sleep hygiene", text="Keep a regular schedule.", score=0.8)
    caution = {"level": "low", "action": "caution", "categories": ["distress"], "reasons": ["r"], "failed": False}
    replaced = {"ok": False, "categories": ["diagnosis"], "reasons": ["x"], "failed": False}
    store.save_turn(record("t1", "s1", "I can't sleep", "first", sources=[src], input_verdict=caution),
                    TurnContext(owner="anon:a"))
    store.save_turn(record("t2", "s1", "I can't sleep", "second", status="replaced", output_verdict=replaced,
                           input_verdict={"level": "none", "action": "allow", "failed": False}),
                    TurnContext(owner="anon:a", supersedes="t1"))
    info, turns = store.load_conversation("s1", "anon:a")
    assert [t.reply for t in turns] == ["second"] and info.turns == 1
    _, everything = store.load_conversation("s1", "anon:a", include_superseded=True)
    first = next(t for t in everything if t.turn_id == "t1")
    assert first.superseded_by == "t2"
    assert first.sources[0].title == "Sleep hygiene" and first.sources[0].text == "Keep a regular schedule."
    events = store.safety_events("s1")
    assert [(e["turn_id"], e["stage"], e["action"]) for e in events] == [("t1", "input", "caution"),
                                                                          ("t2", "output", "replaced")]


def test_conversations_are_isolated_by_owner(store):
    store.save_turn(record("a1", "sa", "mine", "r"), TurnContext(owner="anon:alice"))
    store.save_turn(record("b1", "sb", "theirs", "r"), TurnContext(owner="anon:bob"))
    assert [s.id for s in store.list_sessions("anon:alice")] == ["sa"]
    with pytest.raises(NotAllowed):
        store.load_conversation("sb", "anon:alice")
    with pytest.raises(NotAllowed):  # cannot append to someone else's conversation either
        store.save_turn(record("a2", "sb", "sneak", "r"), TurnContext(owner="anon:alice"))
    with pytest.raises(NotAllowed):
        store.supersede("b1", "anon:alice")
    assert [t.turn_id for t in store.load_conversation("sb", "anon:bob")[1]] == ["b1"]


def test_hostile_text_is_stored_verbatim(store):
    nasty = "'); DROP TABLE turns; -- <script>alert(1)</script> \u202e 你好"
    store.save_turn(record("t1", "s1", nasty, nasty), TurnContext(owner="o"))
    clinicians(store, "ana")
    task = store.next_rating_task("ana")
    store.submit_rating("ana", task.response_id, SCORES, comment=nasty)
    assert store.load_conversation("s1", "o")[1][0].user_text == nasty
    assert store.rating_rows()[0]["comment"] == nasty.replace("\u202e", "")  # bidi control removed


# ---------------------------------------------------------------------------------------------------
# Ratings


def test_rating_validation_idempotency_and_one_rating_per_rater(store):
    clinicians(store, "ana")
    store.save_turn(record("t1", "s1", "hello", "hi"), TurnContext(owner="o"))
    task = store.next_rating_task("ana")
    with pytest.raises(InputRejected, match="Missing: empathy"):
        store.submit_rating("ana", task.response_id, {**SCORES, "empathy": None})
    with pytest.raises(InputRejected, match="from 1 to 5"):
        store.submit_rating("ana", task.response_id, {**SCORES, "safety": 7})
    with pytest.raises(InputRejected, match="limit"):
        store.submit_rating("ana", task.response_id, SCORES, comment="x" * 6000)
    first = store.submit_rating("ana", task.response_id, SCORES, request_id=task.request_id)
    again = store.submit_rating("ana", task.response_id, SCORES, request_id=task.request_id)  # a retried submit
    assert first == again and len(store.rating_rows()) == 1
    with pytest.raises(InputRejected, match="already rated"):
        store.submit_rating("ana", task.response_id, SCORES)
    assert store.next_rating_task("ana") is None


def test_queue_prefers_responses_others_rated_for_overlap(store):
    clinicians(store, "ana", "bob")
    for i in range(3):
        store.save_turn(record(f"t{i}", f"s{i}", f"q{i}", f"r{i}"), TurnContext(owner="o"))
    last = store.next_rating_task("ana", exclude=[1, 2])
    store.submit_rating("ana", last.response_id, SCORES)
    assert store.next_rating_task("bob").response_id == last.response_id


def test_ab_choices_and_rubric_gaps_become_dpo_pairs(store):
    clinicians(store, "ana", "bob")
    history = [{"role": "user", "content": "hello"}, {"role": "assistant", "content": "hi"}]
    stopped = [{"role": "user", "content": "wait"}, {"role": "assistant", "content": ""}]  # stopped at once
    store.save_turn(record("t1", "s1", "I feel low", "Cheer up."),
                    TurnContext(owner="o", history=history + stopped))
    store.save_turn(record("t2", "s1", "I feel low", "That sounds heavy. What has been going on?"),
                    TurnContext(owner="o", history=history + stopped, supersedes="t1"))
    task = store.next_comparison_task("ana")
    assert {task.left, task.right} == {"Cheer up.", "That sounds heavy. What has been going on?"}
    good = "left" if task.left.startswith("That") else "right"
    store.submit_comparison("ana", task.left_id, task.right_id, good, request_id=task.request_id)
    assert store.next_comparison_task("ana") is None
    for rater, good_score in (("ana", 5), ("bob", 4)):
        while (rt := store.next_rating_task(rater)) is not None:
            score = good_score if rt.response.startswith("That") else 2
            store.submit_rating(rater, rt.response_id, dict.fromkeys(DIMENSIONS, score), harmful=score == 2 and
                                rater == "bob")

    pairs = preference_pairs(store, min_margin=1.0)
    assert [p["source"] for p in pairs] == ["ab", "rubric"]
    for p in pairs:
        assert set(p) == {"prompt", "chosen", "rejected", "source", "item_id", "margin"}
        assert p["prompt"] == [*history, {"role": "user", "content": "wait"}, {"role": "user", "content": "I feel low"}]
        assert p["chosen"] == [{"role": "assistant", "content": "That sounds heavy. What has been going on?"}]
        assert p["rejected"] == [{"role": "assistant", "content": "Cheer up."}]
        assert p["item_id"].startswith("conversation:s1:")
    assert pairs[0]["margin"] == 1.0 and pairs[1]["margin"] == pytest.approx(2.5)
    text, count = export(store, "preferences", "jsonl")
    assert count == 2 and [json.loads(line)["source"] for line in text.splitlines()] == ["ab", "rubric"]
    train_data = pytest.importorskip("training.train_data")  # the DPO trainer's own validator accepts them
    assert [train_data.pair_problem(json.loads(line)) for line in text.splitlines()] == [None, None]
    with_system = preference_pairs(store, system_prompt=True)
    assert with_system[0]["prompt"][0]["role"] == "system" and train_data.pair_problem(with_system[0]) is None
    with pytest.raises(InputRejected):
        export(store, "preferences", "csv")


def test_ties_and_small_gaps_make_no_pairs(store):
    clinicians(store, "ana")
    store.import_items([{"id": "p1", "messages": [{"role": "user", "content": "hi"}], "lang": "en",
                         "responses": [{"text": "a", "model": "m1"}, {"text": "b", "model": "m2"}]}])
    task = store.next_comparison_task("ana")
    store.submit_comparison("ana", task.left_id, task.right_id, "tie")
    while (rt := store.next_rating_task("ana")) is not None:
        store.submit_rating("ana", rt.response_id, dict.fromkeys(DIMENSIONS, 4 if rt.response == "a" else 3))
    assert preference_pairs(store, min_margin=1.5) == []
    assert len(preference_pairs(store, min_margin=1.0)) == 1


def test_exports_in_jsonl_and_csv(store):
    clinicians(store, "ana")
    store.save_turn(record("t1", "s1", 'say "hi", please', "hi,\nthere"), TurnContext(owner="o"))
    rt = store.next_rating_task("ana")
    store.submit_rating("ana", rt.response_id, SCORES, comment="=1+1, fine")
    text, n = export(store, "ratings", "csv")
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(text)))
    assert n == 1 and rows[0]["empathy"] == "4" and rows[0]["response"] == "hi,\nthere"
    assert json.loads(rows[0]["context"]) == [{"role": "user", "content": 'say "hi", please'}]
    convs, n = export(store, "conversations", "jsonl")
    conv = json.loads(convs)
    assert n == 1 and conv["turns"][0]["reply"] == "hi,\nthere" and conv["owner"] == "o"
    turns_csv, n = export(store, "conversations", "csv")
    assert n == 1 and "hi,\nthere" in turns_csv
    assert to_csv([]).startswith("rating_id,")


def test_export_cli_writes_a_file(tmp_path, capsys):
    from psycollm.store.cli import export_main

    store = Store(f"sqlite:///{tmp_path / 'psycollm.sqlite'}")
    store.save_turn(record("t1", "s1", "hello", "hi"), TurnContext(owner="o"))
    store.close()
    out = tmp_path / "out" / "conversations.csv"
    assert export_main(["conversations", "-o", str(out), "--data-dir", str(tmp_path)]) == 0
    assert out.read_text().splitlines()[0].startswith("session_id,")
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".")]  # no temp file left behind


# ---------------------------------------------------------------------------------------------------
# Imports


def test_prompt_set_import_reports_bad_lines_and_imports_nothing_unless_asked(store):
    from psycollm.store.cli import import_bytes

    data = b"\n".join([
        "\ufeff".encode() + json.dumps({"id": "p1", "prompt": "I can't sleep"}).encode(),
        json.dumps({"id": "p2", "messages": [{"role": "user", "content": "我很焦虑"}],
                    "responses": ["别担心", {"text": "能多说说吗？", "model": "qwen"}]}, ensure_ascii=False).encode(),
        b'{"id": "p3", "prompt": "caf\xe9"}',  # Latin-1, not UTF-8
        b'{"id": "p4", "prompt": ',
        json.dumps({"id": "p5", "messages": [{"role": "assistant", "content": "hi"}]}).encode(),
        json.dumps({"id": "p6", "prompt": "x" * 30_000}).encode(),
        json.dumps({"id": "p7", "prompt": "\x00\x07"}).encode(),
        b"# a comment",
        b"",
    ])
    items, problems = parse_prompt_set(data)
    assert [i["id"] for i in items] == ["p1", "p2"]
    assert items[1]["lang"] == "zh" and items[1]["responses"][1] == {"text": "能多说说吗？", "model": "qwen"}
    assert [p.split(":")[0] for p in problems] == ["line 3", "line 4", "line 5", "line 6", "line 7"]
    assert "UTF-8" in problems[0] and "JSON" in problems[1] and "end with a user" in problems[2]
    with pytest.raises(InputRejected, match="Nothing was imported"):
        import_bytes(store, data, "pilot")
    assert store.queue_counts()["items"] == 0
    report = import_bytes(store, data, "pilot", skip_invalid=True)
    assert (report.items_added, report.responses_added, len(report.problems)) == (2, 2, 5)
    again = import_bytes(store, data, "pilot", skip_invalid=True)  # idempotent
    assert (again.items_added, again.items_existing, again.responses_added) == (0, 2, 0)


def test_generate_fills_imported_items_with_model_responses(store, settings):
    from psycollm.backends.scripted import ScriptedBackend
    from psycollm.store.cli import generate_responses

    store.import_items([{"id": "p1", "messages": [{"role": "user", "content": "hi"}], "responses": []}])
    backend = ScriptedBackend(["one", "two"], model_name="toy")
    assert generate_responses(store, settings, samples=2, backend=backend) == 2
    assert generate_responses(store, settings, samples=2, backend=backend) == 0
    clinicians(store, "ana")
    task = store.next_comparison_task("ana")
    assert {task.left, task.right} == {"one", "two"}


# ---------------------------------------------------------------------------------------------------
# Statistics


@pytest.mark.slow
def test_agreement_statistics_match_the_reference_implementations(store):
    import krippendorff
    import numpy as np
    from sklearn.metrics import cohen_kappa_score

    from psycollm.store.agreement import agreement_figure, format_table, rating_statistics

    clinicians(store, "ana", "bob")
    for i in range(4):
        store.save_turn(record(f"t{i}", f"s{i}", f"q{i}", f"r{i}"), TurnContext(owner="o"))
    ana, bob = [5, 4, 2, 1], [4, 4, 1, 2]
    for rater, scores in (("ana", ana), ("bob", bob)):
        for response_id, score in enumerate(scores, start=1):
            store.submit_rating(rater, response_id, {**SCORES, "empathy": score})
    stats = rating_statistics(store.rating_rows(), store.comparison_rows())
    emp = stats["dimensions"]["empathy"]
    assert emp["n"] == 8 and emp["mean"] == pytest.approx(23 / 8)
    expected_alpha = krippendorff.alpha(reliability_data=np.array([ana, bob], dtype=float),
                                        level_of_measurement="ordinal", value_domain=[1, 2, 3, 4, 5])
    assert emp["alpha"] == pytest.approx(expected_alpha)
    assert emp["kappa"][0]["kappa"] == pytest.approx(cohen_kappa_score(ana, bob, labels=[1, 2, 3, 4, 5],
                                                                       weights="quadratic"))
    assert stats["dimensions"]["safety"]["alpha"] is None  # all 4s: no variation, alpha undefined
    assert stats["dimensions"]["safety"]["kappa"][0]["kappa"] == 1.0
    assert "| empathy | 8 |" in format_table(stats)
    assert agreement_figure(stats).axes[0].get_title() == "Mean score (±sd)"


def test_ratings_cli_import_and_status(tmp_path, capsys):
    from psycollm.store.cli import ratings_main

    flags = ["--data-dir", str(tmp_path)]
    good = tmp_path / "set.jsonl"
    good.write_text('{"id": "a", "prompt": "hello", "responses": ["hi", "hey"]}\n', encoding="utf-8")
    assert ratings_main(["import", str(good), "--set-name", "pilot", *flags]) == 0
    assert "1 new items" in capsys.readouterr().out
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(b'{"id": "b", "prompt": "caf\xe9"}\n')
    with pytest.raises(InputRejected, match="line 1: not valid UTF-8"):
        ratings_main(["import", str(bad), *flags])
    assert ratings_main(["status", *flags]) == 0
    out = capsys.readouterr().out
    assert "items        1" in out and "responses    2" in out
