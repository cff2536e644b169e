"""The chat page: streaming turns with stop, regenerate, undo/edit, saved conversations, exports.

    from psycollm.ui.chat_tab import ChatService, build_chat
    service = ChatService(counselor, store, settings)
    blocks = build_chat(settings, service)        # mounted at "/" by psycollm.ui.server

`ChatService` holds the logic and no Gradio (tested directly); `build_chat` wires it to
components. Every browser tab has its own `ChatState` (gr.State); conversations are saved under an
owner: the logged-in username, or a random per-browser id kept in the browser's localStorage and
signed by the server (HMAC), so nobody can claim another browser's conversations. Text from users
and models is HTML-escaped before display, so markup in messages shows as text.
"""


import dataclasses
import hashlib
import hmac
import html
import json
import logging
import os
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from psycollm.backends.base import CancelToken
from psycollm.config import Settings
from psycollm.errors import InputRejected, NotAllowed, PsycollmError
from psycollm.ui.i18n import t

log = logging.getLogger(__name__)

STREAM_INTERVAL_S = 0.05  # at most ~20 screen updates a second per user; tokens come faster


# ---------------------------------------------------------------------------------------------------
# State


@dataclass
class ShownTurn:
    turn_id: str
    user: str
    reply: str = ""
    model: str = ""
    sources: list[dict[str, Any]] = field(default_factory=list)
    notice: dict[str, Any] | None = None
    status: str = "streaming"
    lang: str = ""
    error: str | None = None


@dataclass
class ChatState:
    """One browser tab's conversation (kept by Gradio per session)."""

    owner: str = ""
    session_id: str = ""
    turns: list[ShownTurn] = field(default_factory=list)
    lang: str = "en"  # UI language
    region: str = ""  # the browser's region (Accept-Language), for the crisis lines when safety.locale is auto

    def history(self, upto: int | None = None) -> list[dict[str, str]]:
        out: list[dict[str, str]] = []
        for turn in self.turns[:upto]:
            out += [{"role": "user", "content": turn.user}, {"role": "assistant", "content": turn.reply}]
        return out


def crisis_help(lang: str, region: str, configured_locale: str = "auto") -> str:
    """What the page's notice says to call, for the user's region: the crisis line and the emergency number of
    the locale the safety layer would use for them (the same lines its replies give), or, when neither the
    deployment nor the browser names a place with lines of its own, the US and China lines (the notice's text
    before regions were read)."""
    from psycollm.safety.replies import key_lines
    from psycollm.safety.resources import LOCALE_FOR_REGION, PLACE, resolve_locale

    if configured_locale.strip().lower() in ("", "auto") and (region or "").upper() not in LOCALE_FOR_REGION:
        return t(lang, "crisis_help")
    try:
        locale = resolve_locale(configured_locale, lang, region)
    except Exception:  # a bad locale is reported when the guard starts; the page keeps its general text
        return t(lang, "crisis_help")
    keys = key_lines(locale, ["suicide"])
    line = next((r for r in keys if r.kind != "emergency"), None)
    emergency = [r.number for r in keys if r.kind == "emergency"]
    if line is None or not emergency:
        return t(lang, "crisis_help")
    named = line.named(lang)
    if lang == "zh":
        return f"请立即拨打 {'/'.join(emergency)}，或拨打{' ' if named[:1].isascii() else ''}{named}"
    return f"In {PLACE.get(locale, ('', locale))[1]}: {named}; emergency {' or '.join(emergency)}"


class ChatSink:
    """The engine's sink: adds what the UI knows (owner, history, superseded turn) to each saved turn."""

    def __init__(self, store: Any) -> None:
        self.store = store
        self._pending: dict[str, Any] = {}
        self._lock = threading.Lock()

    # Keyed by (session, message): the same conversation open in two tabs can run two turns at once.
    def expect(self, session_id: str, text: str, context: Any) -> None:
        with self._lock:
            self._pending[(session_id, text)] = context

    def forget(self, session_id: str, text: str) -> None:
        with self._lock:
            self._pending.pop((session_id, text), None)

    def save_turn(self, record: Any) -> None:
        with self._lock:
            context = self._pending.pop((record.session_id, record.user_text), None)
        self.store.save_turn(record, context)


# ---------------------------------------------------------------------------------------------------
# Owners: signed per-browser ids


def load_secret(settings: Settings) -> bytes:
    """The server's signing key, created once in the data dir (readable by the owner only)."""
    path = settings.data_path / "app_secret"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_bytes().strip()
    key = uuid.uuid4().hex.encode() + uuid.uuid4().hex.encode()
    with os.fdopen(fd, "wb") as fh:
        fh.write(key)
    return key


def sign(secret: bytes, value: str) -> str:
    return value + "." + hmac.new(secret, value.encode(), hashlib.sha256).hexdigest()[:32]


def verify(secret: bytes, token: Any) -> str | None:
    if not isinstance(token, str) or "." not in token:
        return None
    value, mac = token.rsplit(".", 1)
    return value if hmac.compare_digest(sign(secret, value).rsplit(".", 1)[1], mac) else None


# ---------------------------------------------------------------------------------------------------
# The logic


class ChatService:
    """Chat turns, stop, regenerate, undo, conversations and exports for the chat page."""

    def __init__(self, counselor: Any, store: Any, settings: Settings, sink: ChatSink | None = None) -> None:
        self.counselor = counselor
        self.store = store
        self.settings = settings
        self.sink = sink or ChatSink(store)
        if counselor.sink is None:
            counselor.sink = self.sink
        self.secret = load_secret(settings)
        self._running: dict[str, CancelToken] = {}
        self._lock = threading.Lock()
        self.export_dir = Path(tempfile.mkdtemp(prefix="psycollm-exports-"))

    # -- identity -------------------------------------------------------------------------------------
    def identify(self, state: ChatState, username: str | None, browser_token: Any = None) -> str | None:
        """Set ``state.owner``; returns the signed token to keep in the browser (None for logged-in users)."""
        if username:
            state.owner = f"user:{username}"
            return None
        if not state.owner:
            anon = verify(self.secret, browser_token)
            state.owner = anon if anon and anon.startswith("anon:") else f"anon:{uuid.uuid4().hex}"
        return sign(self.secret, state.owner) if state.owner.startswith("anon:") else None

    @property
    def model_name(self) -> str:
        return self.counselor.model_name

    def supports_chinese(self) -> bool:
        from psycollm.models import supports_chinese

        return supports_chinese(self.settings.backend.model, self.settings) and supports_chinese(
            self.model_name, self.settings)

    # -- turns ------------------------------------------------------------------------------------------
    def send(self, state: ChatState, text: str, key: str) -> Iterator[ChatState]:
        """Stream a new turn. Raises InputRejected (message kept by the caller) before anything changes."""
        text = self.counselor.validate(text)
        yield from self._run(state, text, key, history_upto=len(state.turns), supersedes=None)

    def regenerate(self, state: ChatState, key: str) -> Iterator[ChatState]:
        if not state.turns:
            raise InputRejected(t(state.lang, "nothing_to_regenerate"))
        last = state.turns[-1]
        yield from self._run(state, last.user, key, history_upto=len(state.turns) - 1, supersedes=last.turn_id)

    def edit_last(self, state: ChatState, text: str, key: str) -> Iterator[ChatState]:
        """Replace the last user message (and its reply) with ``text``."""
        if not state.turns:
            yield from self.send(state, text, key)
            return
        text = self.counselor.validate(text)
        last = state.turns[-1]
        yield from self._run(state, text, key, history_upto=len(state.turns) - 1, supersedes=last.turn_id)

    def _run(self, state: ChatState, text: str, key: str, *, history_upto: int,
             supersedes: str | None) -> Iterator[ChatState]:
        from psycollm.store.repository import TurnContext

        cancel = CancelToken()
        with self._lock:
            if key in self._running:
                raise InputRejected(t(state.lang, "busy"))
            self._running[key] = cancel
        if not state.session_id:
            state.session_id = uuid.uuid4().hex
        history = state.history(history_upto)
        self.sink.expect(state.session_id, text, TurnContext(owner=state.owner, history=history,
                                                             supersedes=supersedes,
                                                             enqueue=self.settings.ui.rate_conversations))
        shown = ShownTurn(turn_id="", user=text)
        state.turns = [*state.turns[:history_upto], shown]
        events = self.counselor.respond(history, text, session_id=state.session_id, cancel=cancel,
                                        region=state.region or None)
        finished = False
        last_yield = 0.0
        try:
            yield state  # the user's message shows at once, even while the turn waits for the model
            for event in events:
                shown.reply, shown.model, shown.status = event.text, event.model, event.status
                shown.turn_id = event.turn_id
                shown.sources = [{"title": s.title, "text": s.text, "score": s.score, "doc_id": s.doc_id}
                                 for s in event.sources]
                shown.notice = dataclasses.asdict(event.notice) if event.notice else None
                shown.error = event.error
                if event.done:
                    finished = True
                    shown.lang = _turn_lang(text)
                    yield state
                elif time.monotonic() - last_yield >= STREAM_INTERVAL_S:
                    last_yield = time.monotonic()
                    yield state
        finally:
            if not finished:
                # The browser went away or the handler was cancelled: stop the model and let the engine
                # finish the turn, so that what was said is saved (as cancelled).
                cancel.cancel()
                try:
                    for event in events:
                        shown.reply, shown.status = event.text, event.status
                except Exception:
                    log.exception("draining a cancelled turn failed")
            self.sink.forget(state.session_id, text)
            with self._lock:
                self._running.pop(key, None)

    def busy(self, key: str) -> bool:
        with self._lock:
            return key in self._running

    def stop(self, key: str) -> bool:
        with self._lock:
            token = self._running.get(key)
        if token is None:
            return False
        token.cancel()
        return True

    def undo(self, state: ChatState) -> str:
        """Remove the last turn (kept in the database, marked undone); returns its text for editing."""
        if not state.turns:
            raise InputRejected(t(state.lang, "nothing_to_undo"))
        last = state.turns.pop()
        if last.turn_id:
            self.store.supersede(last.turn_id, state.owner, "undone")
        return last.user

    def new(self, state: ChatState) -> None:
        state.session_id = ""
        state.turns = []

    # -- conversations --------------------------------------------------------------------------------
    def conversations(self, state: ChatState) -> list[tuple[str, str]]:
        """(label, session id) of this owner's conversations, newest first."""
        if not state.owner:
            return []
        return [(f"{s.title or '…'} · {s.updated_at:%m-%d %H:%M} · {t(state.lang, 'turns', n=s.turns)}", s.id)
                for s in self.store.list_sessions(state.owner)]

    def open(self, state: ChatState, session_id: str) -> None:
        if not session_id:
            raise InputRejected(t(state.lang, "choose_conversation"))
        info, turns = self.store.load_conversation(session_id, state.owner)
        state.session_id = info.id
        state.turns = [ShownTurn(turn_id=v.turn_id, user=v.user_text, reply=v.reply, model=v.model,
                                 sources=[{"title": s.title, "text": s.text, "score": s.score, "doc_id": s.doc_id}
                                          for s in v.sources],
                                 notice=_notice_from_events(v.safety, v.status, v.resources), status=v.status,
                                 lang=v.lang,
                                 error=v.error)
                       for v in turns]

    def export(self, state: ChatState, session_id: str, fmt: str) -> Path:
        """A Markdown or JSON file of one of this owner's conversations (the current one by default)."""
        from psycollm.store.export import conversation_markdown, conversation_record, write_atomic

        session_id = session_id or state.session_id
        if not session_id:
            raise InputRejected(t(state.lang, "choose_conversation"))
        info, turns = self.store.load_conversation(session_id, state.owner)
        if fmt == "md":
            text, suffix = conversation_markdown(info, turns, state.lang), "md"
        else:
            text, suffix = json.dumps(conversation_record(info, turns), ensure_ascii=False, indent=2), "json"
        folder = self.export_dir / uuid.uuid4().hex[:12]
        return write_atomic(folder / f"conversation-{info.id[:8]}.{suffix}", text)


def _turn_lang(text: str) -> str:
    from psycollm import prompts

    return prompts.detect_language(text)


def _notice_from_events(events: list[dict[str, Any]], status: str, resources: str = "") -> dict[str, Any] | None:
    if not events:
        return None
    e = events[-1]
    kinds = {"crisis": "crisis", "refuse": "refused", "caution": "caution", "support": "support", "replaced": "replaced"}
    kind = "failure" if e.get("failed") else kinds.get(e.get("action", ""), "caution")
    return {"kind": kind, "level": e.get("level", ""), "categories": list(e.get("categories", [])),
            "resources": resources}


# ---------------------------------------------------------------------------------------------------
# Rendering


def escape(text: str) -> str:
    """Show markup as text: < > & become entities, which Markdown renders literally."""
    return html.escape(text, quote=False)


def render(state: ChatState, lang: str | None = None) -> list[dict[str, Any]]:
    """The Chatbot messages for a conversation: user, safety banner, reply (with model), sources."""
    from psycollm.models import display_name

    lang = lang or state.lang
    messages: list[dict[str, Any]] = []
    lines_shown: set[str] = set()
    for i, turn in enumerate(state.turns):
        messages.append({"role": "user", "content": escape(turn.user)})
        if turn.notice:
            kind = turn.notice.get("kind", "caution")
            cats = ", ".join(turn.notice.get("categories") or [])
            messages.append({"role": "assistant",
                             "content": t(lang, "safety_detail", level=turn.notice.get("level", ""), categories=cats),
                             "metadata": {"title": t(lang, f"safety_{kind}"), "id": f"safety-{i}"}})
        reply = escape(turn.reply)
        if turn.status == "cancelled":
            reply = (reply + "\n\n" if reply else "") + t(lang, "stopped")
        if turn.status == "error":
            reply = (reply + "\n\n" if reply else "") + t(lang, "error_reply", error=escape(turn.error or ""))
        # The crisis-line line of a caution turn, once per conversation (again only if it changes):
        # caution carries over to every later turn, and the same line under every reply reads as noise.
        # After a crisis reply (support turns) it stays under every reply.
        line = (turn.notice or {}).get("resources") or ""
        support = (turn.notice or {}).get("kind") == "support"
        if line and (support or line not in lines_shown) and turn.status != "streaming":
            lines_shown.add(line)
            reply += "\n\n*" + escape(line) + "*"
        if turn.model and turn.status != "streaming":
            reply += "\n\n<sub>" + escape(t(lang, "model_line", model=display_name(turn.model))) + "</sub>"
        messages.append({"role": "assistant", "content": reply or "…"})
        if turn.sources:
            parent = f"sources-{i}"
            messages.append({"role": "assistant", "content": "",
                             "metadata": {"title": t(lang, "sources", n=len(turn.sources)), "id": parent,
                                          "status": "done"}})
            for j, src in enumerate(turn.sources, start=1):
                messages.append({"role": "assistant", "content": escape(src["text"]),
                                 "metadata": {"title": f"{j}. {escape(src['title'])}", "id": f"{parent}-{j}",
                                              "parent_id": parent, "status": "done",
                                              "log": f"{src['score']:.2f}"}})
    return messages


def status_line(service: ChatService, state: ChatState) -> str:
    from psycollm.models import display_name

    parts = [t(state.lang, "model_line", model=display_name(service.model_name))]
    wants_chinese = state.lang == "zh" or any(turn.lang == "zh" for turn in state.turns)
    if wants_chinese and not service.supports_chinese():
        parts.append(t(state.lang, "chinese_warning", model=display_name(service.model_name)))
    return "  \n".join(parts)


# ---------------------------------------------------------------------------------------------------
# The page


def build_chat(settings: Settings, service: ChatService):  # -> gr.Blocks
    import gradio as gr

    from psycollm.ui import i18n

    def user_message(exc: BaseException, lang: str) -> str:
        if isinstance(exc, PsycollmError):
            return str(exc)
        log.error("chat handler failed", exc_info=exc)
        return t(lang, "internal_error")

    def ui_lang(choice: str | None, request: gr.Request | None) -> str:
        header = request.headers.get("accept-language") if request is not None else None
        return i18n.resolve(choice, header, settings.ui.language)

    with gr.Blocks(title="psycollm", analytics_enabled=False) as demo:
        browser = gr.BrowserState(None, storage_key="psycollm-owner")
        state = gr.State(ChatState())
        with gr.Row(equal_height=True):
            header = gr.Markdown(f"## {t('en', 'title')}")
            lang_radio = gr.Radio([("Auto", "auto"), ("中文", "zh"), ("English", "en")], value="auto",
                                  label=t("en", "language"), scale=0, min_width=260)
        notice = gr.Markdown(t("en", "notice", crisis_url=t("en", "crisis_url"), help=t("en", "crisis_help")),
                             elem_id="care-notice")
        with gr.Row():
            with gr.Column(scale=4):
                chatbot = gr.Chatbot(height=520, label="psycollm", buttons=["copy"], feedback_options=None,
                                     sanitize_html=True, elem_id="chatbot", placeholder="")
                status = gr.Markdown(elem_id="chat-status")
                with gr.Row(equal_height=True):
                    textbox = gr.Textbox(label=t("en", "message"), placeholder=t("en", "placeholder"), lines=2,
                                         max_lines=8, scale=6, elem_id="message", submit_btn=False, autofocus=True)
                    with gr.Column(scale=1, min_width=120):
                        send_btn = gr.Button(t("en", "send"), variant="primary", elem_id="send")
                        stop_btn = gr.Button(t("en", "stop"), variant="stop", elem_id="stop")
                with gr.Row():
                    regen_btn = gr.Button(t("en", "regenerate"), size="sm", elem_id="regenerate")
                    undo_btn = gr.Button(t("en", "undo"), size="sm", elem_id="undo")
                    new_btn = gr.Button(t("en", "new"), size="sm", elem_id="new")
            with gr.Column(scale=1, min_width=240):
                conv_dd = gr.Dropdown(choices=[], value=None, label=t("en", "conversations"), elem_id="conversations",
                                      allow_custom_value=False)
                open_btn = gr.Button(t("en", "open"), size="sm")
                with gr.Row():
                    md_btn = gr.Button(t("en", "export_md"), size="sm")
                    json_btn = gr.Button(t("en", "export_json"), size="sm")
                export_file = gr.File(label=t("en", "download"), interactive=False, visible=False, height=80)
                rating_link = gr.Markdown(t("en", "rating_link"))

        labelled = [header, notice, lang_radio, textbox, send_btn, stop_btn, regen_btn, undo_btn, new_btn, conv_dd,
                    open_btn, md_btn, json_btn, export_file, rating_link]

        def labels(lang: str, region: str = "") -> list[Any]:
            return [
                gr.update(value=f"## {t(lang, 'title')}"),
                gr.update(value=t(lang, "notice", crisis_url=t(lang, "crisis_url"),
                                  help=crisis_help(lang, region, settings.safety.locale))),
                gr.update(label=t(lang, "language"), choices=[(t(lang, "lang_auto"), "auto"), ("中文", "zh"),
                                                              ("English", "en")]),
                gr.update(label=t(lang, "message"), placeholder=t(lang, "placeholder")),
                gr.update(value=t(lang, "send")), gr.update(value=t(lang, "stop")),
                gr.update(value=t(lang, "regenerate")), gr.update(value=t(lang, "undo")),
                gr.update(value=t(lang, "new")), gr.update(label=t(lang, "conversations")),
                gr.update(value=t(lang, "open")), gr.update(value=t(lang, "export_md")),
                gr.update(value=t(lang, "export_json")), gr.update(label=t(lang, "download")),
                gr.update(value=t(lang, "rating_link")),
            ]

        def ensure(st: ChatState, request: gr.Request | None, token: Any = None) -> Any:
            if request is not None and request.headers is not None:
                st.region = i18n.browser_region(request.headers.get("accept-language")) or ""
            return service.identify(st, getattr(request, "username", None) if request else None, token)

        def key_of(request: gr.Request | None, st: ChatState) -> str:
            return (getattr(request, "session_hash", None) or "") or st.owner

        def conv_update(st: ChatState) -> Any:
            try:
                choices = service.conversations(st)
                current = st.session_id if any(sid == st.session_id for _, sid in choices) else None
                return gr.update(choices=choices, value=current)
            except PsycollmError:
                return gr.update()

        # -- load and language -----------------------------------------------------------------------
        def on_load(token: Any, choice: str, st: ChatState, request: gr.Request):
            new_token = ensure(st, request, token)
            st.lang = ui_lang(choice, request)
            return (new_token if new_token is not None else token, st, conv_update(st), *labels(st.lang, st.region),
                    render(st), status_line(service, st))

        demo.load(on_load, [browser, lang_radio, state],
                  [browser, state, conv_dd, *labelled, chatbot, status], api_visibility="private")

        def on_lang(choice: str, st: ChatState, request: gr.Request):
            st.lang = ui_lang(choice, request)
            return (st, *labels(st.lang, st.region), render(st), status_line(service, st), conv_update(st))

        lang_radio.change(on_lang, [lang_radio, state], [state, *labelled, chatbot, status, conv_dd],
                          api_name="set_language")

        # -- turns ------------------------------------------------------------------------------------
        def stream(run: Iterator[ChatState], st: ChatState, text_after: str):
            for current in run:
                yield render(current), text_after, current, status_line(service, current), gr.update()
            yield render(st), text_after, st, status_line(service, st), conv_update(st)

        def on_send(text: str, st: ChatState, request: gr.Request):
            ensure(st, request)
            try:
                run = service.send(st, text, key_of(request, st))
                first = next(run)
            except StopIteration:
                first = st
                run = iter(())
            except Exception as exc:  # InputRejected and friends: keep the text, say why
                message = user_message(exc, st.lang)
                gr.Warning(message)
                yield render(st), text, st, status_line(service, st) + "  \n⚠️ " + escape(message), gr.update()
                return
            yield render(first), "", first, status_line(service, first), gr.update()
            try:
                yield from stream(run, st, "")
            except Exception as exc:
                gr.Warning(user_message(exc, st.lang))
                yield render(st), text, st, status_line(service, st), conv_update(st)

        turn_outputs = [chatbot, textbox, state, status, conv_dd]
        limit = max(1, settings.ui.concurrency_limit)
        send_event = send_btn.click(on_send, [textbox, state], turn_outputs, api_name="send",
                                    concurrency_limit=limit, concurrency_id="turn", show_progress="hidden")
        textbox.submit(on_send, [textbox, state], turn_outputs, api_name="submit", concurrency_limit=limit,
                       concurrency_id="turn", show_progress="hidden")

        def on_regenerate(text: str, st: ChatState, request: gr.Request):
            ensure(st, request)
            try:
                run = service.regenerate(st, key_of(request, st))
                first = next(run)
            except Exception as exc:
                message = user_message(exc, st.lang)
                gr.Warning(message)
                yield render(st), text, st, status_line(service, st) + "  \n⚠️ " + escape(message), gr.update()
                return
            yield render(first), text, first, status_line(service, first), gr.update()
            try:
                yield from stream(run, st, text)
            except Exception as exc:
                gr.Warning(user_message(exc, st.lang))
                yield render(st), text, st, status_line(service, st), conv_update(st)

        regen_btn.click(on_regenerate, [textbox, state], turn_outputs, api_name="regenerate",
                        concurrency_limit=limit, concurrency_id="turn", show_progress="hidden")

        def on_stop(st: ChatState, request: gr.Request) -> None:
            service.stop(key_of(request, st))

        stop_btn.click(on_stop, [state], None, api_name="stop", queue=False)
        del send_event

        def on_undo(text: str, st: ChatState, request: gr.Request):
            ensure(st, request)
            try:
                if service.busy(key_of(request, st)):
                    raise InputRejected(t(st.lang, "busy"))
                previous = service.undo(st)
            except Exception as exc:
                gr.Warning(user_message(exc, st.lang))
                return render(st), text, st, status_line(service, st), gr.update()
            return render(st), previous, st, status_line(service, st), conv_update(st)

        undo_btn.click(on_undo, [textbox, state], turn_outputs, api_name="undo")

        def on_new(st: ChatState, request: gr.Request):
            ensure(st, request)
            if service.busy(key_of(request, st)):
                gr.Warning(t(st.lang, "busy"))
                return render(st), gr.update(), st, status_line(service, st), gr.update()
            service.new(st)
            return render(st), "", st, status_line(service, st), conv_update(st)

        new_btn.click(on_new, [state], turn_outputs, api_name="new_conversation")
        chatbot.clear(on_new, [state], turn_outputs, api_visibility="private")  # the Chatbot's own bin icon

        # -- saved conversations ----------------------------------------------------------------------
        def on_list(st: ChatState, request: gr.Request) -> dict[str, Any]:
            ensure(st, request)
            return {"conversations": [{"id": sid, "label": label} for label, sid in service.conversations(st)]}

        listing = gr.JSON(visible=False)
        gr.Button(visible=False).click(on_list, [state], [listing], api_name="list_conversations")

        def on_open(session_id: str | None, st: ChatState, request: gr.Request):
            ensure(st, request)
            try:
                if service.busy(key_of(request, st)):
                    raise InputRejected(t(st.lang, "busy"))
                service.open(st, session_id or "")
            except (InputRejected, NotAllowed) as exc:
                gr.Warning(str(exc))
                return render(st), gr.update(), st, status_line(service, st), gr.update()
            return render(st), "", st, status_line(service, st), conv_update(st)

        open_btn.click(on_open, [conv_dd, state], turn_outputs, api_name="open_conversation")

        def exporter(fmt: str):
            def on_export(session_id: str | None, st: ChatState, request: gr.Request):
                ensure(st, request)
                try:
                    return gr.update(value=str(service.export(st, session_id or "", fmt)), visible=True)
                except PsycollmError as exc:
                    raise gr.Error(str(exc)) from None
            return on_export

        md_btn.click(exporter("md"), [conv_dd, state], [export_file], api_name="export_markdown")
        json_btn.click(exporter("json"), [conv_dd, state], [export_file], api_name="export_json")
    return demo
