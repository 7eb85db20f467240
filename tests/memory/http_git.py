"""A real smart-HTTP git server on loopback: ``git http-backend`` behind http.server.

It records each request's Authorization header, and the command lines of every
process it can see while the request is in flight, so tests can prove where a
credential travelled (a header) and where it did not (argv).
"""

from __future__ import annotations

import base64
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


@dataclass
class Seen:
    authorization: list[str | None] = field(default_factory=list)
    command_lines: list[bytes] = field(default_factory=list)


def token_of(authorization: str | None) -> str | None:
    """The token in a basic-auth header (the scheme name is case-insensitive)."""
    scheme, _, encoded = (authorization or "").partition(" ")
    if scheme.lower() != "basic":
        return None
    user, _, token = base64.b64decode(encoded).decode().partition(":")
    return token if user == "x-access-token" else None


@contextmanager
def serve(root: Path, token: str) -> Iterator[tuple[str, Seen]]:
    """Serve the bare repositories under ``root``; only ``token`` may read or write."""
    seen = Seen()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self._backend()

        def do_POST(self) -> None:
            self._backend()

        def log_message(self, format: str, *args: object) -> None:
            pass

        def _backend(self) -> None:
            auth = self.headers.get("Authorization")
            seen.authorization.append(auth)
            seen.command_lines.extend(_command_lines())
            if token_of(auth) != token:
                self.send_response(401)
                self.send_header("WWW-Authenticate", 'Basic realm="test"')
                self.end_headers()
                return
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            path, _, query = self.path.partition("?")
            env = {
                "GIT_PROJECT_ROOT": str(root),
                "GIT_HTTP_EXPORT_ALL": "1",
                "REMOTE_USER": "x-access-token",
                "PATH_INFO": path,
                "QUERY_STRING": query,
                "REQUEST_METHOD": self.command,
                "CONTENT_TYPE": self.headers.get("Content-Type", ""),
                "CONTENT_LENGTH": str(len(body)),
                "GIT_PROTOCOL": self.headers.get("Git-Protocol", ""),
                "PATH": "/usr/bin:/bin:/usr/local/bin",
            }
            out = subprocess.run(
                ["git", "http-backend"], input=body, env=env, capture_output=True, check=True
            ).stdout
            head, _, payload = out.partition(b"\r\n\r\n")
            status = 200
            headers = []
            for line in head.decode().split("\r\n"):
                key, _, value = line.partition(": ")
                if key.lower() == "status":
                    status = int(value.split()[0])
                else:
                    headers.append((key, value))
            self.send_response(status)
            for key, value in headers:
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", seen
    finally:
        server.shutdown()
        server.server_close()


def _command_lines() -> list[bytes]:
    lines = []
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            lines.append((proc / "cmdline").read_bytes())
        except OSError:
            continue
    return lines
