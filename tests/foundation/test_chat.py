"""The Counselor's turn: safety hook -> retrieval hook -> window-fitted prompt -> streamed reply ->
output check -> sink. Uses ScriptedBackend and small hand-written guards/retrievers (toy classes,
named as such) so each branch, including failures, is reproducible. The real safety layer and
knowledge base are tested in their own areas and end to end in tests/app."""

from __future__ import annotations

import threading
import time

import pytest

from psycollm.backends.base import CancelToken
from psycollm.backends.scripted import ScriptedBackend
from psycollm.chat import LAST_RESORT_CRISIS_REPLY, Counselor
from psycollm.config import Settings
from psycollm.errors import InputRejected
from psycollm.retrieval.types import Source
from psycollm.safety.types import Action, InputVerdict, OutputVerdict, RiskLevel


class ListSink:
    def __init__(self):
        self.records = []

    def save_turn(self, record):
        self.records.append(record)


class ToyGuard:
    """Flags 'crisis' in the conversation and 'DOSE' in replies; everything else passes."""

    def __init__(self):
        self.seen = []

    def screen_input(self, messages, lang):
        self.seen.append([m["content"] for m in messages])
        if any("crisis" in m["content"] for m in messages):
            return InputVerdict(RiskLevel.HIGH, Action.CRISIS, ["suicide"], ["toy"], reply="CRISIS REPLY")
        if any("sad" in m["content"] for m in messages):
            return InputVerdict(RiskLevel.LOW, Action.CAUTION, ["distress"], system_addendum="BE CAREFUL")
        return InputVerdict(RiskLevel.NONE, Action.ALLOW)

    def screen_output(self, reply, messages, lang):
        if "DOSE" in reply:
            return OutputVerdict(False, "SAFE REPLACEMENT", ["dosing"], ["toy"])
        return OutputVerdict(True, reply)

    def fail_closed(self, lang, error):
        return InputVerdict(RiskLevel.HIGH, Action.CRISIS, ["safety_failure"], [repr(error)],
                            reply=f"FAILSAFE {lang}", failed=True)


class BrokenGuard(ToyGuard):
    """Raises on every screen: the fail-closed path."""

    def screen_input(self, messages, lang):
        raise RuntimeError("lexicon file missing")

    def screen_output(self, reply, messages, lang):
        raise RuntimeError("output screen crashed")


class ToyRetriever:
    def search(self, query, k=4):
        return [Source("c1", "en-sleep", "Sleep hygiene", "Keep a regular wake time.", 0.8, "en")]


def _settings() -> Settings:
    s = Settings()
    s.ui.max_message_chars = 500
    return s


def test_turn_streams_then_records_with_sources():
    backend = ScriptedBackend(["I hear you. What keeps you awake?"])
    sink = ListSink()
    c = Counselor(backend, _settings(), guard=ToyGuard(), retriever=ToyRetriever(), sink=sink)
    events = list(c.respond([], "I can't sleep", session_id="s1"))
    assert len(events) > 2 and not events[0].done and events[-1].done
    assert events[-1].text == "I hear you. What keeps you awake?" and events[-1].status == "ok"
    assert [s.title for s in events[-1].sources] == ["Sleep hygiene"]
    prompt = backend.calls[-1]
    assert prompt[0]["role"] == "system" and "Keep a regular wake time." in prompt[0]["content"]
    assert prompt[-1] == {"role": "user", "content": "I can't sleep"}
    rec = sink.records[-1]
    assert (rec.session_id, rec.status, rec.model, rec.lang) == ("s1", "ok", "scripted", "en")
    assert rec.sources[0].doc_id == "en-sleep" and rec.input_verdict["level"] == "none"


def test_crisis_skips_the_model_even_three_turns_later():
    backend = ScriptedBackend(["model reply"])
    sink = ListSink()
    c = Counselor(backend, _settings(), guard=ToyGuard(), sink=sink)
    history = [{"role": "user", "content": "this is a crisis"}, {"role": "assistant", "content": "..."},
               {"role": "user", "content": "ok"}, {"role": "assistant", "content": "..."}]
    events = list(c.respond(history, "anyway, nice weather"))
    assert len(events) == 1 and events[0].text == "CRISIS REPLY" and events[0].status == "crisis"
    assert events[0].notice.kind == "crisis" and events[0].notice.level == "high"
    assert backend.calls == []  # the model was not asked
    assert sink.records[-1].status == "crisis"


def test_low_risk_adds_the_safety_addendum():
    backend = ScriptedBackend(["ok"])
    events = list(Counselor(backend, _settings(), guard=ToyGuard()).respond([], "I'm sad"))
    assert "BE CAREFUL" in backend.calls[-1][0]["content"]
    assert events[-1].notice.kind == "caution"


def test_unsafe_output_is_replaced_and_logged():
    sink = ListSink()
    c = Counselor(ScriptedBackend(["take this DOSE"]), _settings(), guard=ToyGuard(), sink=sink)
    last = list(c.respond([], "hello"))[-1]
    assert last.text == "SAFE REPLACEMENT" and last.status == "replaced" and last.notice.kind == "replaced"
    assert sink.records[-1].raw_reply == "take this DOSE" and sink.records[-1].reply == "SAFE REPLACEMENT"


def test_safety_failure_fails_closed_with_crisis_resources():
    """Injected failure: the guard raises; the user still gets crisis resources, logged as a failure."""
    backend = ScriptedBackend(["model reply"])
    sink = ListSink()
    last = list(Counselor(backend, _settings(), guard=BrokenGuard(), sink=sink).respond([], "hello"))[-1]
    assert last.text == "FAILSAFE en" and last.notice.kind == "failure" and backend.calls == []
    assert sink.records[-1].input_verdict["failed"] is True and sink.records[-1].error == "safety screen failed"


def test_failure_of_the_fail_closed_path_still_gives_resources():
    class WorseGuard(BrokenGuard):
        def fail_closed(self, lang, error):
            raise RuntimeError("resources file missing too")

    last = list(Counselor(ScriptedBackend(["x"]), _settings(), guard=WorseGuard()).respond([], "你好，我想聊聊"))[-1]
    assert last.text == LAST_RESORT_CRISIS_REPLY["zh"] and last.status == "crisis"


def test_hung_screen_times_out_and_fails_closed():
    class SlowGuard(ToyGuard):
        def screen_input(self, messages, lang):
            time.sleep(5)
            return super().screen_input(messages, lang)

    settings = _settings()
    settings.safety.timeout_s = 0.2
    started = time.perf_counter()
    last = list(Counselor(ScriptedBackend(["x"]), settings, guard=SlowGuard()).respond([], "hello"))[-1]
    assert time.perf_counter() - started < 3
    assert last.text == "FAILSAFE en"


def test_output_screen_failure_hides_the_unscreened_reply():
    class OutputBroken(ToyGuard):
        def screen_output(self, reply, messages, lang):
            raise RuntimeError("boom")

    last = list(Counselor(ScriptedBackend(["unscreened"]), _settings(), guard=OutputBroken()).respond([], "hi"))[-1]
    assert last.text == "FAILSAFE en" and last.notice.kind == "failure"


def test_broken_retrieval_degrades_to_no_evidence():
    class BrokenRetriever:
        def search(self, query, k=4):
            raise OSError("index gone")

    last = list(Counselor(ScriptedBackend(["still here"]), _settings(), retriever=BrokenRetriever()).respond([], "hi"))[-1]
    assert last.text == "still here" and last.sources == []


@pytest.mark.parametrize("text,match", [("", "empty"), ("   \n\t ", "empty"), ("x" * 501, "limit is 500")])
def test_bad_input_is_rejected_with_a_message(text, match):
    c = Counselor(ScriptedBackend(["x"]), _settings())
    with pytest.raises(InputRejected, match=match):
        list(c.respond([], text))


def test_control_characters_are_removed_but_text_kept():
    backend = ScriptedBackend(["ok"])
    list(Counselor(backend, _settings()).respond([], "hel\x00lo\x1b[31m 你好\u3000!"))
    assert backend.calls[-1][-1]["content"] == "hello[31m 你好\u3000!"


def test_cancel_stops_the_turn_and_records_it():
    backend = ScriptedBackend([" ".join(["word"] * 100)], delay_s=0.01)
    sink = ListSink()
    c = Counselor(backend, _settings(), sink=sink)
    cancel = CancelToken()
    events = []
    for event in c.respond([], "hi", cancel=cancel):
        events.append(event)
        if len(events) == 3:
            threading.Timer(0, cancel.cancel).start()
            cancel.cancel()
    assert events[-1].done and events[-1].status == "cancelled"
    assert len(events[-1].text) < len(" ".join(["word"] * 100))
    assert sink.records[-1].status == "cancelled"


def test_history_language_and_long_history_fit_the_window():
    backend = ScriptedBackend(["好的"], context_window=600)
    history = []
    for i in range(40):
        history += [{"role": "user", "content": f"第{i}次：我很焦虑，睡不好。" * 4},
                    {"role": "assistant", "content": f"第{i}次回复：我在听。" * 4}]
    c = Counselor(backend, _settings())
    last = list(c.respond(history, "嗯"))[-1]
    assert last.text == "好的"
    sent = backend.calls[-1]
    assert backend.count_tokens(sent) <= 600 - c.settings.generation.max_new_tokens or len(sent) == 2
    assert "请用中文回答" in sent[0]["content"] and sent[-1]["content"] == "嗯"


def test_broken_stream_screen_holds_the_reply_and_fails_closed():
    """A guard whose per-sentence stream buffer raises: nothing unscreened is shown while streaming,
    and the final output screen decides what the user sees."""

    class Buffer:
        def feed(self, piece):
            raise RuntimeError("sentence splitter crashed")

    class BufferBroken(ToyGuard):
        def stream_buffer(self):
            return Buffer()

    events = list(Counselor(ScriptedBackend(["take this DOSE now"]), _settings(), guard=BufferBroken()).respond([], "hi"))
    assert all(e.text == "" for e in events[:-1])
    assert events[-1].text == "SAFE REPLACEMENT"
    events = list(Counselor(ScriptedBackend(["all good here"]), _settings(), guard=BufferBroken()).respond([], "hi"))
    assert events[-1].text == "all good here" and events[-1].status == "ok"
