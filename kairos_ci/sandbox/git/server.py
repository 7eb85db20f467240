"""Serve the bare repositories under a folder over smart HTTP on loopback, through git's
own ``http-backend``, so clients run real fetches and pushes, with faults on demand.

Faults apply to pushes (``git-receive-pack`` requests), the writes whose failure a
compare-and-swap client must survive:

- ``refused``: answer 500 before git sees the push: nothing landed;
- ``ambiguous``: let the push land, then answer 500: the client cannot know it did.

Draws come from a seeded generator, so a failing run can be replayed.
"""

from __future__ import annotations

import random
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

_BACKEND_PATH = "/usr/bin:/bin:/usr/local/bin"


@dataclass(frozen=True)
class PushFaults:
    share: float = 0.0  # of pushes that fail
    ambiguous: float = 0.5  # of those failures, the share that landed before failing
    seed: int = 0


@dataclass
class Served:
    url: str
    pushes: int = 0
    refused: int = 0
    ambiguous: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)


@contextmanager
def serve(root: Path, faults: PushFaults = PushFaults()) -> Iterator[Served]:
    """Serve ``root``'s bare repositories at ``Served.url`` until the block ends."""
    draws = random.Random(faults.seed)  # noqa: S311 - replayable fault draws, nothing secret
    served = Served("")

    def fault() -> str | None:
        with served.lock:
            served.pushes += 1
            if draws.random() >= faults.share:
                return None
            kind = "ambiguous" if draws.random() < faults.ambiguous else "refused"
            served.refused += kind == "refused"
            served.ambiguous += kind == "ambiguous"
            return kind

    class GitHttpHandler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self._answer(*_backend(root, self, b""))

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            kind = fault() if self.path.split("?")[0].endswith("/git-receive-pack") else None
            if kind == "refused":
                self._answer(500, [], b"injected fault: push refused\n")
                return
            status, headers, payload = _backend(root, self, body)
            if kind == "ambiguous":
                self._answer(500, [], b"injected fault: push landed, answer lost\n")
                return
            self._answer(status, headers, payload)

        def _answer(self, status: int, headers: list[tuple[str, str]], payload: bytes) -> None:
            self.send_response(status)
            for key, value in headers:
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: object) -> None:
            return  # quiet: callers read the counts in ``Served``, not a request log

    server = ThreadingHTTPServer(("127.0.0.1", 0), GitHttpHandler)
    served.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield served
    finally:
        server.shutdown()
        server.server_close()


def _backend(
    root: Path, request: BaseHTTPRequestHandler, body: bytes
) -> tuple[int, list[tuple[str, str]], bytes]:
    path, _, query = request.path.partition("?")
    env = {
        "GIT_PROJECT_ROOT": str(root),
        "GIT_HTTP_EXPORT_ALL": "1",
        "REMOTE_USER": "sandbox",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "REQUEST_METHOD": request.command,
        "CONTENT_TYPE": request.headers.get("Content-Type", ""),
        "CONTENT_LENGTH": str(len(body)),
        "GIT_PROTOCOL": request.headers.get("Git-Protocol", ""),
        "PATH": _BACKEND_PATH,
    }
    out = subprocess.run(
        ["git", "-c", "http.receivepack=true", "http-backend"],
        input=body,
        env=env,
        capture_output=True,
        check=False,
    ).stdout
    head, _, payload = out.partition(b"\r\n\r\n")
    status, headers = 200, []
    for line in head.decode("latin-1").split("\r\n"):
        key, _, value = line.partition(": ")
        if key.lower() == "status":
            status = int(value.split()[0])
        elif key:
            headers.append((key, value))
    return status, headers, payload
