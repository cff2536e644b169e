"""The web app: the chat page at "/" and the clinicians' console at "/rate/", one process, one model.

    app = build_app(settings)            # counselor + store + both Gradio pages on one FastAPI app
    app.serve()                          # uvicorn on settings.ui.host:port (what `make run` does)
    app.asgi                             # the FastAPI app, for any ASGI server

Why two Gradio apps: Gradio's login (``auth=``) covers a whole Blocks app. Counselors trying the
assistant should reach the chat without an account on a demo machine, while rating must always
need a clinician login. So the console is its own Blocks mounted with ``auth`` backed by the
users table (argon2 hashes), and the chat is mounted with the same check only when
``ui.require_login`` is on. Both share one `Counselor` (one model in memory) and one `Store`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from psycollm.config import Settings
from psycollm.errors import ConfigError

log = logging.getLogger(__name__)

CONSOLE_PATH = "/rate"


def make_counselor(settings: Settings, sink: Any, backend: Any = None) -> Any:
    """The app's `Counselor`: the model now, the safety layer and knowledge base in the background.

    The page is served while the layers load (the first message waits for them). If the knowledge
    base cannot be loaded the app answers without sources; if the safety layer cannot be loaded
    every turn fails closed with crisis resources (both logged). A misconfiguration, or a safety
    layer that cannot even be imported, stops the start with a ConfigError.
    """
    from psycollm.chat import Counselor

    return Counselor.from_settings(settings, sink=sink, backend=backend, background=True)


@dataclass
class PsycollmApp:
    settings: Settings
    store: Any
    counselor: Any
    chat: Any  # gr.Blocks
    console: Any  # gr.Blocks
    asgi: Any  # fastapi.FastAPI
    service: Any = None
    _server: Any = field(default=None, repr=False)

    def serve(self) -> None:
        """Run until interrupted (uvicorn; the models stay loaded between requests)."""
        import uvicorn

        # Open event streams would hold a graceful shutdown forever; 5 s is enough for writes to finish.
        uvicorn.run(self.asgi, host=self.settings.ui.host, port=self.settings.ui.port, log_level="warning",
                    timeout_graceful_shutdown=5)

    def start_in_thread(self, port: int | None = None) -> str:
        """Serve in a background thread (tests, benchmarks); returns the base URL once it answers."""
        import threading
        import time

        import httpx
        import uvicorn

        port = port or self.settings.ui.port
        config = uvicorn.Config(self.asgi, host=self.settings.ui.host, port=port, log_level="warning")
        self._server = uvicorn.Server(config)
        thread = threading.Thread(target=self._server.run, name="psycollm-app", daemon=True)
        thread.start()
        url = f"http://{self.settings.ui.host}:{port}"
        for _ in range(600):
            try:
                if httpx.get(url + "/", timeout=2).status_code < 500:
                    return url
            except httpx.HTTPError:
                pass
            if not thread.is_alive():
                break
            time.sleep(0.1)
        raise RuntimeError(f"the app did not start on {url}")

    def close(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        try:
            self.counselor.close()
            self.counselor.backend.close()
        finally:
            self.store.close()


def build_app(settings: Settings, *, backend: Any = None, store: Any = None) -> PsycollmApp:
    """Assemble store, counselor and both pages. ``backend`` overrides the configured model (tests)."""
    from psycollm.store.repository import RATER_ROLES, ROLES, Store
    from psycollm.ui.chat_tab import ChatSink

    if settings.ui.share:
        raise ConfigError("ui.share is not supported: this machine has no route for Gradio's share tunnel. Expose "
                          "the app with --host 0.0.0.0 behind a reverse proxy (HTTPS) instead.")
    store = store or Store.from_settings(settings)
    store.max_comment_chars = settings.ui.max_comment_chars
    sink = ChatSink(store)
    # Before importing Gradio (~3 s): the layers load in the background meanwhile.
    counselor = make_counselor(settings, sink, backend)

    import fastapi
    import gradio as gr

    from psycollm.store.cli import generate_responses
    from psycollm.ui.chat_tab import ChatService, build_chat
    from psycollm.ui.rating_tab import build_console
    service = ChatService(counselor, store, settings, sink=sink)
    chat = build_chat(settings, service)

    def generate(samples: int, set_name: str | None) -> int:
        return generate_responses(store, settings, samples=samples, set_name=set_name, backend=counselor.backend)

    console = build_console(settings, store, generate=generate)

    def rater_login(username: str, password: str) -> bool:
        return store.authenticate(username, password, roles=RATER_ROLES) is not None

    def any_login(username: str, password: str) -> bool:
        return store.authenticate(username, password, roles=ROLES) is not None

    console_message = ("Clinicians and admins: please log in. 临床评分人员与管理员请登录。 "
                       "(Accounts: `psycollm users add NAME --role clinician`)")
    asgi = fastapi.FastAPI(title="psycollm", docs_url=None, redoc_url=None, openapi_url=None)
    css = ("#care-notice {font-size: 0.9em; border-left: 4px solid #C44E52; padding-left: 0.6em;} "
           "#chat-status {font-size: 0.85em; opacity: 0.85;}")
    gr.mount_gradio_app(asgi, console, path=CONSOLE_PATH, auth=rater_login, auth_message=console_message,
                        show_error=True, ssr_mode=False, css=css)
    gr.mount_gradio_app(asgi, chat, path="", auth=any_login if settings.ui.require_login else None,
                        auth_message="Please log in. 请登录。", show_error=True, ssr_mode=False, css=css)
    chat.queue(default_concurrency_limit=max(1, settings.ui.concurrency_limit))
    console.queue(default_concurrency_limit=8)
    return PsycollmApp(settings=settings, store=store, counselor=counselor, chat=chat, console=console, asgi=asgi,
                       service=service)
