"""A loopback HTTP server that serves documents a test wrote, and remembers every request.

It stands in for nothing: it is how registry *clients* are tested on documents
shaped like the real ones (PEP 691 pages with upload times, npm documents), on
errors (500s, slow answers, redirects) and on where credentials travel. The
acceptance tests use a real index (pypiserver) instead.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Answer:
    status: int = 200
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()
    delay_s: float = 0.0


@dataclass(frozen=True)
class Seen:
    method: str
    path: str
    accept: str | None
    authorization: str | None


@dataclass
class Documents:
    """Routes (path -> answer) and the requests that came in, in order."""

    routes: dict[str, Answer] = field(default_factory=dict)
    seen: list[Seen] = field(default_factory=list)
    url: str = ""

    def paths(self) -> list[str]:
        return [s.path for s in self.seen]


@contextmanager
def serve(documents: Documents | None = None) -> Iterator[Documents]:
    state = documents or Documents()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            self._answer(with_body=True)

        def do_HEAD(self) -> None:
            self._answer(with_body=False)

        def log_message(self, format: str, *args: object) -> None:
            pass

        def _answer(self, *, with_body: bool) -> None:
            state.seen.append(
                Seen(
                    self.command,
                    self.path,
                    self.headers.get("Accept"),
                    self.headers.get("Authorization"),
                )
            )
            answer = state.routes.get(self.path, Answer(404, b"not here"))
            time.sleep(answer.delay_s)
            self.send_response(answer.status)
            for name, value in answer.headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(answer.body)))
            self.end_headers()
            if with_body:
                self.wfile.write(answer.body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


def json_answer(body: bytes, media: str = "application/json", **extra: str) -> Answer:
    headers = (("Content-Type", media), *((k.replace("_", "-"), v) for k, v in extra.items()))
    return Answer(200, body, headers)
