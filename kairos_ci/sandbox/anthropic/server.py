"""HTTP for the sandbox: a stdlib threading server on 127.0.0.1 only.

``running`` starts it in a thread of the current process (fast, for most tests);
``spawned`` starts ``kairos-ci sandbox anthropic`` as a child process and reads the
base URL it prints; ``serve_until_stopped`` is what the command runs.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from kairos_ci.errors import InputError
from kairos_ci.sandbox.anthropic import stream
from kairos_ci.sandbox.anthropic.records import JsonObject, Script, ScriptedAnswer
from kairos_ci.sandbox.anthropic.responder import LOG, Sandbox, error

HOST = "127.0.0.1"
MAX_BODY_BYTES = 32 * 1024 * 1024  # the API's own request limit
STARTUP_TIMEOUT_S = 20.0


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port: int, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        super().__init__((HOST, port), _AnthropicHandler)

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.server_address[1]}"


class _AnthropicHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in two writes: no 40 ms stall
    server: _Server

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def _serve(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        if length > MAX_BODY_BYTES:
            self._send(error(413, "Request exceeds the maximum allowed number of bytes."))
            self.close_connection = True
            return
        raw = self.rfile.read(length) if length else b""
        headers = {name.lower(): value for name, value in self.headers.items()}
        self._send(self.server.sandbox.handle(self.command, self.path, headers, raw))

    def _send(self, answer: ScriptedAnswer) -> None:
        if answer.stream and isinstance(answer.body, dict):
            self._send_stream(answer)
            return
        body = answer.body
        data = json.dumps(body).encode() if isinstance(body, dict) else body.encode()
        kind = "application/json" if isinstance(body, dict) else "text/plain; charset=utf-8"
        self.send_response(answer.status)
        self.send_header("content-type", kind)
        self.send_header("content-length", str(len(data)))
        for name, value in answer.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _send_stream(self, answer: ScriptedAnswer) -> None:
        assert isinstance(answer.body, dict)
        self.send_response(answer.status)
        self.send_header("content-type", "text/event-stream")
        self.send_header("cache-control", "no-cache")
        self.send_header("connection", "close")
        for name, value in answer.headers.items():
            self.send_header(name, value)
        self.end_headers()
        for event in stream.events(answer.body):
            self.wfile.write(event)
        self.wfile.flush()
        self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the request log at ``/_sandbox/requests`` is the record."""


@dataclass(frozen=True)
class Handle:
    base_url: str
    sandbox: Sandbox | None = None  # set when it runs in this process

    def requests(self) -> list[JsonObject]:
        if self.sandbox is not None:
            return self.sandbox.received()
        with urllib.request.urlopen(self.base_url + LOG, timeout=10) as answer:  # noqa: S310 - loopback
            return json.loads(answer.read())["requests"]  # type: ignore[no-any-return]


@contextmanager
def running(script: Script, port: int = 0) -> Iterator[Handle]:
    """The sandbox in a thread of this process, stopped on exit."""
    sandbox = Sandbox(script)
    server = _Server(port, sandbox)
    thread = threading.Thread(
        target=server.serve_forever, args=(0.05,), name="anthropic-sandbox", daemon=True
    )
    thread.start()
    try:
        yield Handle(server.base_url, sandbox)
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@contextmanager
def spawned(script_path: Path, port: int = 0) -> Iterator[Handle]:
    """``kairos-ci sandbox anthropic`` as a child process, terminated on exit."""
    argv = [sys.executable, "-m", "kairos_ci", "sandbox", "anthropic", "--script", str(script_path)]
    argv += ["--port", str(port)]
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        yield Handle(_first_line(process))
    finally:
        process.terminate()
        process.wait(timeout=STARTUP_TIMEOUT_S)
        for pipe in (process.stdout, process.stderr):
            if pipe is not None:
                pipe.close()


def _first_line(process: subprocess.Popen[str]) -> str:
    assert process.stdout is not None
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.append(process.stdout.readline()))  # type: ignore[union-attr]
    reader.start()
    reader.join(STARTUP_TIMEOUT_S)
    if not lines or not lines[0].startswith("http://"):
        process.kill()
        process.wait()
        stderr = process.stderr.read() if process.stderr else ""
        raise InputError(f"the sandbox did not start: {stderr.strip() or 'no output'}")
    return lines[0].strip()


def serve_until_stopped(script: Script, port: int, ready: Callable[[str], None]) -> None:
    """Serve until SIGTERM or SIGINT; ``ready`` gets the base URL once it accepts requests."""
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in _STOP_SIGNALS}
    try:
        with running(script, port) as handle:
            ready(handle.base_url)
            stop.wait()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


_STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
