"""A small OpenAI-compatible HTTP server with scripted replies and fixed latency, on loopback.

For tests and scaling benchmarks that need a real HTTP server but not a real model: the data
pipeline's and the evaluation's concurrency curves, error paths (a server that dies mid-stream,
refuses a key, or is slow). It is not a model server; `psycollm serve` starts the real one (vLLM).

    with FakeOpenAIServer(reply="Hello.", latency_s=0.5) as srv:
        backend = OpenAICompatBackend(srv.base_url)

    python -m psycollm.backends.fake_openai_server --port 8001 --latency 0.5
"""

# No `from __future__ import annotations`: FastAPI must see the real `Request` type in the handlers.

import argparse
import asyncio
import json
import socket
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from typing import Any

Reply = str | Callable[[Sequence[dict[str, Any]]], str]


class FakeOpenAIServer:
    """Serves /v1/models, /v1/chat/completions (streaming and not) and /health in a background thread."""

    def __init__(self, reply: Reply = "I hear you. Could you tell me more about that?", *, latency_s: float = 0.0,
                 piece_delay_s: float = 0.0, model_name: str = "fake-model", max_model_len: int = 4096,
                 api_key: str | None = None, die_after_pieces: int | None = None, host: str = "127.0.0.1",
                 port: int = 0) -> None:
        self.reply = reply
        self.latency_s = latency_s  # before the first token (per request, concurrent requests overlap)
        self.piece_delay_s = piece_delay_s  # between streamed pieces
        self.model_name = model_name
        self.max_model_len = max_model_len
        self.api_key = api_key
        self.die_after_pieces = die_after_pieces  # simulate a server killed mid-stream
        self.host = host
        self.port = port or _free_port(host)
        self.requests: list[dict[str, Any]] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()
        self._server: Any = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/v1"

    # -- the app ------------------------------------------------------------------------------------
    def _make_reply(self, messages: Sequence[dict[str, Any]]) -> str:
        return self.reply(messages) if callable(self.reply) else self.reply

    def _app(self) -> Any:
        from fastapi import FastAPI, Request
        from fastapi.responses import JSONResponse, StreamingResponse

        app = FastAPI()
        server = self

        def unauthorized(request: Request) -> JSONResponse | None:
            if server.api_key and request.headers.get("authorization") != f"Bearer {server.api_key}":
                return JSONResponse({"error": {"message": "invalid api key", "type": "auth"}}, status_code=401)
            return None

        @app.get("/health")
        async def health() -> dict[str, str]:
            return {"status": "ok"}

        @app.get("/v1/models")
        async def models(request: Request) -> Any:
            if (denied := unauthorized(request)) is not None:
                return denied
            return {"object": "list", "data": [{"id": server.model_name, "object": "model", "owned_by": "fake",
                                                "max_model_len": server.max_model_len}]}

        @app.post("/v1/chat/completions")
        async def chat(request: Request) -> Any:
            if (denied := unauthorized(request)) is not None:
                return denied
            body = await request.json()
            if body.get("model") != server.model_name:
                return JSONResponse({"error": {"message": f"model {body.get('model')} not found"}}, status_code=404)
            with server._lock:
                server.requests.append(body)
                server.in_flight += 1
                server.max_in_flight = max(server.max_in_flight, server.in_flight)
            text = server._make_reply(body.get("messages", []))
            rid = "chatcmpl-" + uuid.uuid4().hex[:12]
            created = int(time.time())
            if not body.get("stream"):
                try:
                    await asyncio.sleep(server.latency_s)
                finally:
                    with server._lock:
                        server.in_flight -= 1
                return {"id": rid, "object": "chat.completion", "created": created, "model": server.model_name,
                        "choices": [{"index": 0, "message": {"role": "assistant", "content": text},
                                     "finish_reason": "stop"}],
                        "usage": {"prompt_tokens": 0, "completion_tokens": len(text.split()),
                                  "total_tokens": len(text.split())}}

            async def events() -> Any:
                try:
                    await asyncio.sleep(server.latency_s)
                    pieces = [p + " " for p in text.split(" ")]
                    pieces[-1] = pieces[-1].rstrip(" ")
                    for i, piece in enumerate(pieces):
                        if server.die_after_pieces is not None and i >= server.die_after_pieces:
                            raise ConnectionAbortedError("fake server killed mid-stream")
                        chunk = {"id": rid, "object": "chat.completion.chunk", "created": created,
                                 "model": server.model_name,
                                 "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}]}
                        yield f"data: {json.dumps(chunk)}\n\n"
                        if server.piece_delay_s:
                            await asyncio.sleep(server.piece_delay_s)
                    done = {"id": rid, "object": "chat.completion.chunk", "created": created,
                            "model": server.model_name, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}
                    yield f"data: {json.dumps(done)}\n\n"
                    yield "data: [DONE]\n\n"
                finally:
                    with server._lock:
                        server.in_flight -= 1

            return StreamingResponse(events(), media_type="text/event-stream")

        return app

    # -- lifecycle ------------------------------------------------------------------------------------
    def start(self) -> "FakeOpenAIServer":
        import uvicorn

        config = uvicorn.Config(self._app(), host=self.host, port=self.port, log_level="critical",
                                lifespan="off", timeout_graceful_shutdown=1)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="fake-openai", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("fake OpenAI server did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> "FakeOpenAIServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--latency", type=float, default=0.5, help="Seconds before the first token.")
    parser.add_argument("--reply", default="I hear you. Could you tell me more about that?")
    parser.add_argument("--model-name", default="fake-model")
    args = parser.parse_args(argv)
    srv = FakeOpenAIServer(args.reply, latency_s=args.latency, model_name=args.model_name, port=args.port).start()
    print(f"fake OpenAI-compatible server on {srv.base_url} (Ctrl-C to stop)")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        srv.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
