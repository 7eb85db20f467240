"""A real HTTP receiver on loopback: it answers from a script and keeps what it got."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes


@dataclass
class Script:
    statuses: list[int] = field(default_factory=list)  # answered in turn; then 200
    stall_s: float = 0.0  # wait this long before answering (a slow receiver)
    got: list[Received] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)


@contextmanager
def receiver(script: Script) -> Iterator[str]:
    """Serve on 127.0.0.1 and yield the URL; stop the server afterwards."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            script.got.append(Received(dict(self.headers.items()), body))
            if script.stall_s:
                script.release.wait(script.stall_s)
            status = script.statuses.pop(0) if script.statuses else 200
            # A stalled answer reaches a client that already timed out and left.
            with suppress(BrokenPipeError, ConnectionResetError):
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

        def log_message(self, format: str, *args: object) -> None:
            pass  # keep the test output quiet

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hook"
    finally:
        script.release.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
