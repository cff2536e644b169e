"""The chat page's logic (`ChatService`) and rendering, without a server.

Toy layers stand in where the behaviour under test is the app's handling of them: ScriptedBackend
(the model's words do not matter), a toy guard that flags one word, a toy retriever returning
one fixed source. The real safety guard is used too when its module is present.
"""

from __future__ import annotations

import threading

import pytest

from psycollm.backends.scripted import ScriptedBackend
from psycollm.chat import Counselor
from psycollm.errors import ConfigError, InputRejected, NotAllowed
from psycollm.retrieval.types import Source
from psycollm.safety.types import Action, InputVerdict, OutputVerdict, RiskLevel
from psycollm.store import Store
from psycollm.ui.chat_tab import ChatService, ChatState, render, sign, verify


class ToyGuard:
    """Crisis on the word 'bridge', caution on 'sad', replaces replies containing 'diagnose'."""

    def screen_input(self, messages, lang):
        text = messages[-1]["content"]
        if "bridge" in text:
            return InputVerdict(RiskLevel.IMMINENT, Action.CRISIS, ["suicide"], reply="Please call 988 now.")
        if "sad" in text:
            return InputVerdict(RiskLevel.LOW, Action.CAUTION, ["distress"], system_addendum="be careful",
                                resources="Lines: 988, any time.")
        return InputVerdict(RiskLevel.NONE, Action.ALLOW)

    def screen_output(self, reply, messages, lang):
        if "diagnose" in reply:
            return OutputVerdict(ok=False, text="I can't diagnose, but a professional can help.",
                                 categories=["diagnosis"])
        return OutputVerdict(ok=True, text=reply)

    def fail_closed(self, lang, error):
        return InputVerdict(RiskLevel.HIGH, Action.CRISIS, ["safety_failure"], reply="help", failed=True)


class ToyRetriever:
    def search(self, query, k=4):
        return [Source(chunk_id="c1", doc_id="sleep", title="Sleep <hygiene>", text="Go to bed at one time.",
                       score=0.9)]


@pytest.fixture
def make_service(settings, tmp_path):
    made = []

    def make(script=None, guard=None, retriever=None, delay_s=0.0):
        settings.retrieval.enabled = retriever is not None
        settings.safety.enabled = guard is not None
        store = Store(f"sqlite:///{tmp_path / 'svc.sqlite'}")
        backend = ScriptedBackend(script or ["Thanks for telling me. How long has this been going on?"],
                                  delay_s=delay_s, model_name="toy-model")
        counselor = Counselor(backend, settings, guard=guard, retriever=retriever)
        service = ChatService(counselor, store, settings)
        made.append(store)
        return service

    yield make
    for store in made:
        store.close()


def run(gen):
    """Drain a turn's updates; the last one is the finished state."""
    updates = list(gen)
    return updates[-1] if updates else None


def test_a_turn_streams_saves_and_renders_with_model_and_sources(make_service):
    service = make_service(retriever=ToyRetriever())
    state = ChatState()
    service.identify(state, None)
    updates = list(service.send(state, "I can't sleep <b>at all</b>", "tab1"))
    assert updates[-1].turns[-1].status == "ok"
    messages = render(state)
    assert messages[0] == {"role": "user", "content": "I can't sleep &lt;b&gt;at all&lt;/b&gt;"}
    assert "toy-model" in messages[1]["content"]
    assert messages[2]["metadata"]["title"].startswith("📚") and messages[3]["content"] == "Go to bed at one time."
    assert messages[3]["metadata"]["title"] == "1. Sleep &lt;hygiene&gt;"
    _, turns = service.store.load_conversation(state.session_id, state.owner)
    assert turns[0].sources[0].doc_id == "sleep" and turns[0].model == "toy-model"


def test_safety_banners_and_events(make_service):
    service = make_service(script=["I will diagnose you with something."], guard=ToyGuard())
    state = ChatState()
    service.identify(state, None)
    run(service.send(state, "I'm standing on the bridge", "k"))
    run(service.send(state, "I feel sad", "k"))
    run(service.send(state, "what is wrong with me", "k"))
    kinds = [t.notice["kind"] if t.notice else None for t in state.turns]
    assert kinds == ["crisis", "replaced", "replaced"]  # caution, then replaced by the output screen
    assert state.turns[0].reply == "Please call 988 now." and state.turns[0].model == "safety"
    banners = [m["metadata"]["title"] for m in render(state, "en") if m.get("metadata")]
    assert banners[0].startswith("🛡️ Safety layer: crisis")
    assert render(state, "zh")[1]["metadata"]["title"].startswith("🛡️ 安全机制")
    actions = [(e["stage"], e["action"]) for e in service.store.safety_events(state.session_id)]
    assert actions == [("input", "crisis"), ("input", "caution"), ("output", "replaced"), ("output", "replaced")]


def test_a_caution_turn_shows_the_crisis_line_under_the_reply_and_after_reloading(make_service):
    service = make_service(guard=ToyGuard())
    state = ChatState()
    service.identify(state, None)
    run(service.send(state, "I feel sad", "k"))
    run(service.send(state, "I can't sleep", "k"))
    run(service.send(state, "still sad", "k"))
    replies = [m["content"] for m in render(state, "en") if m["role"] == "assistant" and not m.get("metadata")]
    assert "*Lines: 988, any time.*" in replies[0] and "988" not in replies[1]
    assert "988" not in replies[2]  # once per conversation: caution carries over, the line would repeat
    assert state.turns[2].notice["kind"] == "caution"
    assert state.turns[0].reply.endswith("going on?")  # shown, not part of the reply the model sees next time
    reopened = ChatState(owner=state.owner)
    service.open(reopened, state.session_id)
    assert reopened.turns[0].notice["resources"] == "Lines: 988, any time."
    assert render(reopened, "en") == render(state, "en")


def test_the_direct_question_is_part_of_the_shown_and_stored_reply(make_service):
    """The real lexicon screen (no classifier, for speed): a wish to be dead ends the reply with the direct
    question; it is shown, saved and reopened with the reply, and the next "yes" is read as its answer."""
    from psycollm.safety import replies as safety_replies
    from psycollm.safety.guard import Guard

    service = make_service(guard=Guard())
    state = ChatState()
    service.identify(state, None)
    run(service.send(state, "Sometimes I wish I could just disappear.", "k"))
    question = safety_replies.direct_question("en", "suicide")
    assert state.turns[0].notice["kind"] == "caution" and state.turns[0].reply.endswith(question)
    shown = [m["content"] for m in render(state, "en") if m["role"] == "assistant" and not m.get("metadata")]
    assert question in shown[0]
    run(service.send(state, "yes", "k"))
    assert state.turns[1].status == "crisis"
    reopened = ChatState(owner=state.owner)
    service.open(reopened, state.session_id)
    assert reopened.turns[0].reply.endswith(question) and reopened.turns[1].status == "crisis"


class SupportGuard(ToyGuard):
    """The toy guard, plus a crisis-support turn (after a crisis reply) on the word 'still'."""

    def screen_input(self, messages, lang):
        if "still" in messages[-1]["content"]:
            return InputVerdict(RiskLevel.HIGH, Action.SUPPORT, ["suicide"], system_addendum="stay with them",
                                resources="Lines: 988, any time.")
        return super().screen_input(messages, lang)


def test_support_turns_keep_the_crisis_line_under_every_reply_and_after_reloading(make_service):
    service = make_service(guard=SupportGuard())
    state = ChatState()
    service.identify(state, None)
    run(service.send(state, "I'm standing on the bridge", "k"))
    run(service.send(state, "still here, I went home", "k"))
    run(service.send(state, "still can't sleep", "k"))
    assert [t.notice["kind"] for t in state.turns] == ["crisis", "support", "support"]
    replies = [m["content"] for m in render(state, "en") if m["role"] == "assistant" and not m.get("metadata")]
    assert "*Lines: 988, any time.*" in replies[1] and "*Lines: 988, any time.*" in replies[2]
    banners = [m["metadata"]["title"] for m in render(state, "en") if m.get("metadata")]
    assert banners[1].startswith("🛡️ Safety layer: crisis support")
    actions = [e["action"] for e in service.store.safety_events(state.session_id)]
    assert actions == ["crisis", "support", "support"]
    reopened = ChatState(owner=state.owner)
    service.open(reopened, state.session_id)
    assert render(reopened, "en") == render(state, "en")


def test_real_safety_guard_is_used_when_present(make_service, settings):
    guard_module = pytest.importorskip("psycollm.safety.guard", reason="safety guard not merged yet")
    settings.safety.judge = "none"
    guard = guard_module.Guard.from_settings(settings, backend=ScriptedBackend())
    service = make_service(guard=guard)
    state = ChatState()
    service.identify(state, None)
    run(service.send(state, "I have the pills in my hand and I'm going to take them all tonight", "k"))
    assert state.turns[-1].notice is not None and state.turns[-1].notice["kind"] in ("crisis", "failure")


def test_stop_cancels_the_model_and_saves_what_was_said(make_service):
    service = make_service(script=["word " * 200], delay_s=0.01)
    state = ChatState()
    service.identify(state, None)
    gen = service.send(state, "talk to me", "tab")
    assert next(gen).turns[-1].reply == ""  # the user's message is shown before the model answers
    next(gen)  # the first piece of the reply
    assert service.stop("tab")
    final = run(gen)
    assert final.turns[-1].status == "cancelled"
    assert 0 < len(final.turns[-1].reply) < len("word " * 200)
    assert "(stopped)" in render(final)[1]["content"]
    assert service.store.load_conversation(state.session_id, state.owner)[1][0].status == "cancelled"
    assert not service.stop("tab")  # nothing running any more


def test_a_second_send_while_busy_is_refused(make_service):
    service = make_service(script=["word " * 100], delay_s=0.01)
    state = ChatState()
    service.identify(state, None)
    gen = service.send(state, "first", "tab")
    next(gen)
    with pytest.raises(InputRejected, match="still being written"):
        next(service.send(ChatState(owner=state.owner), "second", "tab"))
    service.stop("tab")
    run(gen)


def test_abandoned_stream_is_finished_and_saved(make_service):
    """The browser goes away mid-reply: Gradio closes the generator; the turn is still saved."""
    service = make_service(script=["word " * 100], delay_s=0.01)
    state = ChatState()
    service.identify(state, None)
    gen = service.send(state, "hello", "tab")
    next(gen)
    gen.close()
    turns = service.store.load_conversation(state.session_id, state.owner)[1]
    assert turns[0].status == "cancelled"


def test_regenerate_undo_edit_and_reopen(make_service):
    service = make_service(script=["one", "two", "three", "four"])
    state = ChatState()
    service.identify(state, None)
    run(service.send(state, "hello", "k"))
    run(service.regenerate(state, "k"))
    assert [t.reply for t in state.turns] == ["two"]
    assert service.undo(state) == "hello" and state.turns == []
    run(service.send(state, "hello again", "k"))
    run(service.edit_last(state, "hello, edited", "k"))
    assert [(t.user, t.reply) for t in state.turns] == [("hello, edited", "four")]
    other = ChatState(owner=state.owner)
    service.open(other, state.session_id)
    assert [(t.user, t.reply) for t in other.turns] == [("hello, edited", "four")]
    _, all_turns = service.store.load_conversation(state.session_id, state.owner, include_superseded=True)
    assert sorted(t.superseded_by or "-" for t in all_turns)[:2] != ["-", "-"]
    # the regenerated pair is an A/B item for clinicians
    service.store.add_user("ana", "password-1", "clinician")
    task = service.store.next_comparison_task("ana")
    assert {task.left, task.right} == {"one", "two"}
    with pytest.raises(InputRejected):
        service.regenerate(ChatState(owner="x"), "k").__next__()


def test_bad_input_is_refused_with_a_message(make_service):
    service = make_service()
    state = ChatState()
    service.identify(state, None)
    for text, match in (("", "empty"), ("   \n\t", "empty"), ("\x00\x01\x02", "empty"),
                        ("x" * 100_000, "limit is 4000")):
        with pytest.raises(InputRejected, match=match):
            next(service.send(state, text, "k"))
    assert state.turns == [] and state.session_id == ""
    run(service.send(state, "hi\x07 there\x1b[31m", "k"))
    assert state.turns[0].user == "hi there[31m"


def test_owners_are_signed_and_isolated(make_service):
    service = make_service()
    alice, bob = ChatState(), ChatState()
    token = service.identify(alice, None)
    service.identify(bob, None)
    assert verify(service.secret, token) == alice.owner
    forged = sign(b"not the server key", bob.owner)
    again = ChatState()
    service.identify(again, None, forged)
    assert again.owner not in (alice.owner, bob.owner)
    restored = ChatState()
    service.identify(restored, None, token)
    assert restored.owner == alice.owner
    run(service.send(bob, "bob's secret", "kb"))
    assert service.conversations(alice) == []
    with pytest.raises(NotAllowed):
        service.open(alice, bob.session_id)
    with pytest.raises(NotAllowed):
        service.export(alice, bob.session_id, "json")
    logged = ChatState()
    assert service.identify(logged, "carl") is None and logged.owner == "user:carl"


def test_export_markdown_and_json(make_service):
    import json

    service = make_service(script=["Let's look at it together."])
    state = ChatState()
    service.identify(state, None)
    run(service.send(state, "I feel stuck", "k"))
    md = service.export(state, "", "md").read_text()
    assert "I feel stuck" in md and "Let's look at it together." in md
    data = json.loads(service.export(state, state.session_id, "json").read_text())
    assert data["turns"][0]["reply"] == "Let's look at it together."


def test_chinese_warning_for_a_model_without_chinese(make_service, settings):
    from psycollm.ui.chat_tab import status_line

    service = make_service()
    settings.backend.model = "smollm2-135m"
    state = ChatState(lang="zh")
    assert "中文回答不可用" in status_line(service, state)
    settings.backend.model = "psycollm-14b"
    service.counselor.backend.model_name = "psycollm-14b"
    assert "⚠️" not in status_line(service, state)


def test_concurrent_sessions_do_not_mix(make_service):
    service = make_service(script=lambda messages: "echo: " + messages[-1]["content"], delay_s=0.001)
    states = [ChatState() for _ in range(6)]
    errors = []

    def chat(i):
        try:
            service.identify(states[i], None)
            for j in range(3):
                run(service.send(states[i], f"user{i} turn{j}", f"tab{i}"))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=chat, args=(i,)) for i in range(6)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == []
    for i, st in enumerate(states):
        assert [t.reply for t in st.turns] == [f"echo: user{i} turn{j}" for j in range(3)]
        assert len(service.store.list_sessions(st.owner)) == 1


def test_app_uses_the_safety_layer_when_present_and_refuses_to_start_without_it(settings, monkeypatch):
    """A stand-in `psycollm.safety.guard` module (toy Guard) is picked up; when the module cannot be
    imported the app refuses to start with a clear message (it never runs unscreened)."""
    import sys
    import types

    from psycollm.ui.server import make_counselor

    settings.retrieval.enabled = False
    fake = types.ModuleType("psycollm.safety.guard")

    class Guard(ToyGuard):
        @classmethod
        def from_settings(cls, settings, backend=None):
            return cls()

        @staticmethod
        def check_settings(settings, backend=None):
            return None

    fake.Guard = Guard
    monkeypatch.setitem(sys.modules, "psycollm.safety.guard", fake)
    counselor = make_counselor(settings, sink=None, backend=ScriptedBackend())
    assert isinstance(counselor.guard, Guard) and settings.safety.enabled

    monkeypatch.setitem(sys.modules, "psycollm.safety.guard", None)  # import now fails
    backend = ScriptedBackend(["unscreened words"])
    with pytest.raises(ConfigError, match="safety layer cannot be imported"):
        make_counselor(settings, sink=None, backend=backend)
