"""The GitHub sandbox's HTTP server on 127.0.0.1, and the helper tests start it with.

with running_sandbox(root, seed=seed, contract=path, strict=True) as sandbox:
    Github(base_url=sandbox.base_url, ...)
    sandbox.state()          # what GET /_sandbox/state returns
    sandbox.assert_clean()   # no contract violations so far
"""

from __future__ import annotations

import json
import signal
import sys
import threading
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from kairos_ci.errors import InputError
from kairos_ci.sandbox.github.actions import add_run
from kairos_ci.sandbox.github.app import EmulatedApi, EmulatedResponse, Request
from kairos_ci.sandbox.github.contract import Contract
from kairos_ci.sandbox.github.control import Control
from kairos_ci.sandbox.github.records import Seed
from kairos_ci.sandbox.github.seed import default_seed, load_seed
from kairos_ci.sandbox.github.shapes import Shapes
from kairos_ci.sandbox.github.store import RepoState, Store

BODY_LIMIT_BYTES = 16 * 1024 * 1024


class SandboxViolation(AssertionError):
    """Raised by ``assert_clean`` when a request or response broke the contract."""


class GitHubSandbox:
    """A GitHub API emulator serving the bare repositories under ``root``."""

    def __init__(
        self,
        root: Path,
        seed: Seed | None = None,
        contract: Contract | None = None,
        strict: bool = False,
        port: int = 0,
    ) -> None:
        self.root = root
        self.strict = strict
        self._server = ThreadingHTTPServer(("127.0.0.1", port), _GitHubHandler)
        self._server.daemon_threads = True
        self.port = int(self._server.server_address[1])
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.store = Store(root, seed or default_seed())
        self.store.on_new_repo = self._seed_runs
        shapes = Shapes(self.base_url)
        self.api = EmulatedApi(self.store, shapes, contract, strict)
        self.control = Control(self.store, shapes)
        self._server.sandbox = self  # type: ignore[attr-defined]
        self._thread: threading.Thread | None = None

    def serve_forever(self) -> None:
        self._server.serve_forever(poll_interval=0.2)

    def start(self) -> GitHubSandbox:
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def state(self, repo: str | None = None) -> dict[str, Any]:
        """What ``GET /_sandbox/state`` returns (``repo``: only that OWNER/NAME)."""
        with self.store.lock:
            result: dict[str, Any] = json.loads(json.dumps(self.control.state(repo)))
            return result

    def violations(self) -> list[dict[str, Any]]:
        return list(self.state()["violations"])

    def assert_clean(self) -> None:
        found = self.violations()
        if found:
            lines = [
                f"{v['direction']} {v['method']} {v['path']} ({v['operation']}): "
                + "; ".join(v["messages"][:3])
                for v in found[:10]
            ]
            raise SandboxViolation(f"{len(found)} contract violation(s):\n" + "\n".join(lines))

    def control_call(self, method: str, path: str, body: Any = None) -> Any:
        """Call a ``/_sandbox/...`` endpoint over HTTP, as an outside test would."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(  # noqa: S310 - loopback URL we built
            f"{self.base_url}{path}", data=data, method=method
        )
        with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
            return json.loads(answer.read() or b"null")

    def _seed_runs(self, repo: RepoState) -> None:
        for run in self.store.seed.runs:
            if run.repo.lower() == repo.full_name.lower():
                add_run(self.store, repo, run)


@contextmanager
def running_sandbox(
    root: Path,
    seed: Seed | None = None,
    contract_path: Path | None = None,
    strict: bool = True,
) -> Iterator[GitHubSandbox]:
    """Start a sandbox in a thread for the duration of a ``with`` block."""
    contract = Contract.load(contract_path) if contract_path and contract_path.is_file() else None
    sandbox = GitHubSandbox(root, seed, contract, strict).start()
    try:
        yield sandbox
    finally:
        sandbox.stop()


def serve_until_stopped(
    root: Path,
    seed_path: Path | None,
    contract_path: Path | None,
    strict: bool,
    port: int,
    ready: Callable[[str], None],
) -> None:
    """Serve until SIGTERM or SIGINT; ``ready`` gets the base URL once it accepts requests.

    Without ``contract_path``, the REST description is looked for in ``../shared/contracts``
    next to this checkout; when there is none, nothing is validated (said on stderr).
    """
    seed = load_seed(seed_path) if seed_path else None
    contract_path = contract_path or default_contract_path()
    contract = Contract.load(contract_path) if contract_path else None
    if contract is None:
        print("kairos-ci sandbox: no REST description found; not validating", file=sys.stderr)
    sandbox = GitHubSandbox(root.resolve(), seed, contract, strict, port)
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in _STOP_SIGNALS}
    try:
        sandbox.start()
        ready(sandbox.base_url)
        stop.wait()  # a signal handler runs during the wait and sets the event
    finally:
        sandbox.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def default_contract_path() -> Path | None:
    """``../shared/contracts/github-rest-subset.json`` next to this checkout, if present."""
    checkout = Path(__file__).resolve().parents[3]
    candidate = checkout.parent / "shared" / "contracts" / "github-rest-subset.json"
    return candidate if candidate.is_file() else None


_STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


class _GitHubHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "GitHub.com-sandbox"
    # Headers and body go out in separate writes; with Nagle's algorithm and delayed
    # ACKs every keep-alive request would wait ~40 ms.
    disable_nagle_algorithm = True

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def do_PATCH(self) -> None:
        self._handle()

    def do_PUT(self) -> None:
        self._handle()

    def do_DELETE(self) -> None:
        self._handle()

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the request log in the state says what happened."""

    def _handle(self) -> None:
        sandbox: GitHubSandbox = self.server.sandbox  # type: ignore[attr-defined]
        try:
            request = self._request()
        except InputError as err:
            self._send(
                EmulatedResponse(
                    413,
                    {"Content-Type": "application/json"},
                    json.dumps({"message": str(err)}).encode(),
                )
            )
            return
        if request.path.startswith(("/_sandbox/", "/_storage/")):
            self._send(sandbox.control.handle(request))
        else:
            self._send(sandbox.api.handle(request))

    def _request(self) -> Request:
        length = int(self.headers.get("Content-Length") or 0)
        if length > BODY_LIMIT_BYTES:
            raise InputError(f"request body over {BODY_LIMIT_BYTES} bytes")
        body = self.rfile.read(length) if length else b""
        split = urlsplit(self.path)
        return Request(
            method=self.command,
            path=split.path,
            query=parse_qs(split.query, keep_blank_values=True),
            query_string=split.query,
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
        )

    def _send(self, response: EmulatedResponse) -> None:
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)
