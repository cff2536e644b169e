"""The launched app through `gradio_client`, as a program or a second browser would use it.

Chat turns run on the embedded model (llama.cpp, `real_app`); the stop, isolation and bad-input
and the rating/A-B/import tests use `scripted_app` (ScriptedBackend with a slow 400-character reply,
different each time): there the model's words do not matter, and "stop arrives mid-reply" must be
certain.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

PASSWORD = "test-password"  # set by conftest._launch

pytestmark = pytest.mark.slow


def chat_client(app):
    from gradio_client import Client

    return Client(app.url + "/", verbose=False)


def console_client(app, user):
    from gradio_client import Client

    return Client(app.url + "/rate/", auth=(user, PASSWORD), verbose=False)


def text_of(message) -> str:
    content = message["content"]
    if isinstance(content, list):
        return "".join(part.get("text", "") for part in content if isinstance(part, dict))
    return str(content)


def test_chat_turn_streams_a_reply_from_the_embedded_model(real_app):
    client = chat_client(real_app)
    job = client.submit("I get very anxious before exams. What can I do?", api_name="/send")
    partial = [text_of(out[0][-1]) for out in job]  # every streamed update of the chat
    chat, textbox, status, _ = job.result()
    reply = text_of(chat[-1])
    assert chat[0]["role"] == "user" and textbox == ""
    assert "SmolLM2-135M-Instruct" in reply and "SmolLM2-135M-Instruct" in status
    assert len(reply.split("<sub>")[0].strip()) > 10
    assert len({p for p in partial if p}) >= 3  # the reply arrived in pieces, growing
    sessions = real_app.store.list_sessions(real_app.store.iter_sessions()[-1][1])
    assert sessions and sessions[0].turns >= 1


def test_stop_ends_generation_mid_reply(scripted_app):
    client = chat_client(scripted_app)
    job = client.submit("Talk to me for a while", api_name="/send")
    for out in job:
        if len(text_of(out[0][-1])) > 20:  # some of the reply has streamed
            client.predict(api_name="/stop")
            break
    chat = job.result()[0]
    reply = text_of(chat[-1])
    assert "(stopped)" in reply
    assert len(reply) < len("I hear how hard this is. " * 16)
    assert "(sample" not in reply
    owner = scripted_app.store.iter_sessions()[-1][1]
    _, turns = scripted_app.store.load_conversation(scripted_app.store.iter_sessions()[-1][0], owner)
    assert turns[-1].status == "cancelled"


def test_crisis_message_shows_the_safety_banner(real_app):
    client = chat_client(real_app)
    chat, *_ = client.predict("I have the pills in my hand and I am going to take them all tonight.",
                              api_name="/send")
    banners = [m["metadata"]["title"] for m in chat if m.get("metadata") and m["metadata"].get("title")]
    assert banners and banners[0].startswith("🛡️ Safety layer")
    events = real_app.store.safety_events()
    assert events and events[-1]["stage"] == "input" and events[-1]["action"] in ("crisis", "refuse")


def test_the_crisis_lines_follow_the_browsers_region(scripted_app):
    """`safety.locale` is auto: an English crisis message from a UK browser gets the UK lines (Samaritans, 999),
    from a browser with no region the US ones, as the message language alone gives (the model is not asked)."""
    from gradio_client import Client

    uk = Client(scripted_app.url + "/", verbose=False, headers={"Accept-Language": "en-GB,en;q=0.9"})
    chat, *_ = uk.predict("I have the pills saved up for tonight.", api_name="/send")
    reply = text_of(chat[-1])
    assert "116 123" in reply and "999" in reply and "988" not in reply
    plain = Client(scripted_app.url + "/", verbose=False, headers={"Accept-Language": "en"})
    chat, *_ = plain.predict("I have the pills saved up for tonight.", api_name="/send")
    assert "988" in text_of(chat[-1]) and "116 123" not in text_of(chat[-1])


def test_two_users_never_see_each_others_turns(scripted_app):
    alice, bob = chat_client(scripted_app), chat_client(scripted_app)
    alice.predict("My name is Alice and I worry about my sister.", api_name="/send")
    bob.predict("Bob here, I lost my job last week.", api_name="/send")
    a_list = alice.predict(api_name="/list_conversations")["conversations"]
    b_list = bob.predict(api_name="/list_conversations")["conversations"]
    assert len(a_list) == 1 and len(b_list) == 1 and a_list[0]["id"] != b_list[0]["id"]
    assert "Alice" in a_list[0]["label"] and "Bob" not in a_list[0]["label"]
    # Alice asks for Bob's conversation by id: refused (not one of her choices; the service checks the
    # owner again, see test_chat_service.py), and her own conversation is unchanged.
    for endpoint in ("/open_conversation", "/export_json", "/export_markdown"):
        with pytest.raises(Exception, match="not in the list of choices"):
            alice.predict(b_list[0]["id"], api_name=endpoint)
    chat_after, *_ = alice.predict(a_list[0]["id"], api_name="/open_conversation")
    assert any("Alice" in text_of(m) for m in chat_after)
    assert all("Bob" not in text_of(m) for m in chat_after)
    # A new conversation and Alice's own export work.
    exported = alice.predict(a_list[0]["id"], api_name="/export_json")
    path = exported["value"] if isinstance(exported, dict) else exported
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    assert data["turns"][0]["user_text"].startswith("My name is Alice")


def test_bad_input_keeps_the_message_and_says_why(scripted_app):
    client = chat_client(scripted_app)
    big = "x" * 100_000
    chat, textbox, status, _ = client.predict(big, api_name="/send")
    assert textbox == big and chat == [] and "limit is 4000" in status
    chat, textbox, status, _ = client.predict("  \x00\x01 ", api_name="/send")
    assert chat == [] and "empty" in status
    chat, *_ = client.predict("<script>alert(1)</script> '; DROP TABLE turns; --", api_name="/send")
    assert text_of(chat[0]) == "&lt;script&gt;alert(1)&lt;/script&gt; '; DROP TABLE turns; --"
    assert len(scripted_app.store.iter_sessions()) >= 1  # the database is intact


def test_rating_needs_a_clinician_login(real_app):
    from gradio_client import Client

    with pytest.raises(Exception, match="(?i)login|credentials"):
        Client(real_app.url + "/rate/", verbose=False)
    with pytest.raises(Exception, match="(?i)login"):
        Client(real_app.url + "/rate/", auth=("ana", "wrong-password"), verbose=False)
    with pytest.raises(Exception, match="(?i)login"):
        Client(real_app.url + "/rate/", auth=("carl", PASSWORD), verbose=False)  # a counselor
    clinician = console_client(real_app, "ana")
    with pytest.raises(Exception, match="admin"):
        clinician.predict(api_name="/statistics")


def test_rating_is_persisted_and_exported(scripted_app, tmp_path):
    chat = chat_client(scripted_app)
    chat.predict("I have trouble sleeping since my move.", api_name="/send")
    ana = console_client(scripted_app, "ana")
    info, context, response, *_ = ana.predict(api_name="/next_rating")
    assert "left in your queue" in info and response
    scores = dict(empathy="4", supportiveness="3", guidance="2", safety="5", professionalism="4", accuracy="3")
    with pytest.raises(Exception, match="Missing: empathy"):  # incomplete: refused, nothing stored
        ana.predict(**{**scores, "empathy": None}, is_harmful=False, text="", api_name="/submit_rating")
    before = len(scripted_app.store.rating_rows())
    saved, *_ = ana.predict(**scores, is_harmful=True, text="<b>too</b> generic", api_name="/submit_rating")
    assert saved.startswith("✓ Saved rating #")
    rows = scripted_app.store.rating_rows()
    assert len(rows) == before + 1
    row = rows[-1]
    assert (row["rater"], row["empathy"], row["guidance"], row["harmful"], row["comment"]) == (
        "ana", 4, 2, True, "<b>too</b> generic")
    admin = console_client(scripted_app, "root")
    path, count = admin.predict("ratings", "csv", api_name="/export")
    path = path["value"] if isinstance(path, dict) else path
    text = Path(path).read_text(encoding="utf-8")
    assert "<b>too</b> generic" in text and text.startswith("rating_id,")
    stats = admin.predict(api_name="/statistics")[0]
    assert "| empathy |" in stats


def test_ab_choice_becomes_a_dpo_pair(scripted_app, tmp_path):
    from psycollm.store.cli import export_main

    chat = chat_client(scripted_app)
    chat.predict("My exams start tomorrow and I feel panicky.", api_name="/send")
    first = text_of(chat.predict("", api_name="/regenerate")[0][-1])
    assert first  # a second sample for the same context
    bob = console_client(scripted_app, "bob")
    found = None
    for _ in range(20):  # earlier tests may have queued other pairs; find the one from this chat
        info, context, left, right, _ = bob.predict(api_name="/next_comparison")
        if any("panicky" in text_of(m) for m in context or []):
            found = (left, right)
            saved, *_ = bob.predict("", api_name="/choose_right")
            assert saved.startswith("✓ Saved choice #")
            break
        bob.predict("", api_name="/choose_tie")
    assert found, "the regenerated pair never reached the A/B queue"
    out = tmp_path / "dpo.jsonl"
    assert export_main(["preferences", "-o", str(out), "--data-dir", scripted_app.settings.data_dir]) == 0
    pairs = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    mine = [p for p in pairs if p["source"] == "ab" and "panicky" in p["prompt"][-1]["content"]]
    assert len(mine) == 1
    pair = mine[0]
    assert pair["prompt"][-1]["role"] == "user" and pair["margin"] == 1.0
    assert pair["chosen"][0]["role"] == "assistant" and pair["rejected"][0]["role"] == "assistant"
    # what bob saw was escaped for display; the pair holds the raw texts, "right" chosen
    import html

    assert html.unescape(found[1]) == pair["chosen"][0]["content"]
    assert html.unescape(found[0]) == pair["rejected"][0]["content"]


def test_language_switch_relabels_the_page(real_app):
    client = chat_client(real_app)
    zh = client.predict("zh", api_name="/set_language")
    flat = json.dumps(zh, ensure_ascii=False)
    assert "不能替代专业的心理咨询" in flat and "发送" in flat
    en = json.dumps(client.predict("en", api_name="/set_language"), ensure_ascii=False)
    assert "not a substitute for professional care" in en and "发送" not in en


def test_admin_imports_a_prompt_set_through_the_page(scripted_app, tmp_path):
    from gradio_client import handle_file

    admin = console_client(scripted_app, "root")
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(b'{"id": "x1", "prompt": "ok"}\n{"id": "x2", "prompt": "caf\xe9"}\n')
    with pytest.raises(Exception, match="line 2: not valid UTF-8"):
        admin.predict(handle_file(str(bad)), "pilot", False, api_name="/import_prompts")
    assert scripted_app.store.items_needing_responses(1, "pilot") == []  # nothing half-imported
    report = admin.predict(handle_file(str(bad)), "pilot", True, api_name="/import_prompts")
    assert report.startswith("1 new items") and "line 2" in report
    generated = admin.predict(2, "pilot", api_name="/generate_responses")
    assert generated == "2 responses generated."
    clinician = console_client(scripted_app, "ana")
    with pytest.raises(Exception, match="admin"):
        clinician.predict(handle_file(str(bad)), "pilot", True, api_name="/import_prompts")


def test_require_login_puts_the_chat_behind_the_login(login_app):
    from gradio_client import Client

    with pytest.raises(Exception, match="(?i)login|credentials"):
        Client(login_app.url + "/", verbose=False)
    carl = Client(login_app.url + "/", auth=("carl", PASSWORD), verbose=False)  # counselors may chat
    carl.predict("hello from carl", api_name="/send")
    assert [s.title for s in login_app.store.list_sessions("user:carl")] == ["hello from carl"]
