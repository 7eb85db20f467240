"""A real npm registry on loopback: verdaccio, installed from the npm registry once per session.

It runs with no uplinks, so it serves only what a test publishes to it. The
published packages are tiny, made in a temporary directory, and published with
npm itself using a token from verdaccio's own user endpoint.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

# The npm registry mirror here lacks node-fetch's "cjs" dist-tag that verdaccio's
# audit plugin asks for; pinning node-fetch 2 works everywhere.
_INSTALLER = {
    "name": "kairos-test-verdaccio",
    "version": "1.0.0",
    "private": True,
    "dependencies": {"verdaccio": "6.8.0"},
    "overrides": {"node-fetch": "2.7.0"},
}
_CONFIG = """\
storage: ./storage
auth:
  htpasswd:
    file: ./htpasswd
    max_users: 10
uplinks: {}
packages:
  '**':
    access: $all
    publish: $authenticated
log: { type: stdout, format: pretty, level: warn }
"""


def install_verdaccio(directory: Path) -> Path:
    npm = shutil.which("npm")
    assert npm is not None
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "package.json").write_text(json.dumps(_INSTALLER))
    subprocess.run(
        [npm, "install", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=directory,
        check=True,
        capture_output=True,
        timeout=300,
    )
    return directory / "node_modules" / ".bin" / "verdaccio"


@dataclass
class Registry:
    url: str  # ends with /
    token: str
    process: subprocess.Popen[bytes]

    def publish(self, root: Path, name: str, version: str, code: str) -> None:
        package = root / f"{name}-{version}"
        package.mkdir(parents=True)
        manifest = {
            "name": name,
            "version": version,
            "main": "index.js",
            "repository": {"type": "git", "url": f"git+https://github.com/example/{name}.git"},
        }
        (package / "package.json").write_text(json.dumps(manifest))
        (package / "index.js").write_text(code)
        host = self.url.removeprefix("http:")
        (package / ".npmrc").write_text(f"{host}:_authToken={self.token}\n")
        subprocess.run(
            ["npm", "publish", "--registry", self.url, "--ignore-scripts", "--loglevel=error"],
            cwd=package, check=True, capture_output=True, timeout=60,
        )  # fmt: skip


@contextmanager
def verdaccio(binary: Path, home: Path) -> Iterator[Registry]:
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.yaml").write_text(_CONFIG)
    port = _free_port()
    url = f"http://127.0.0.1:{port}/"
    with (home / "verdaccio.log").open("wb") as log:
        process = subprocess.Popen(
            ["node", str(binary), "--config", "./config.yaml", "--listen", f"127.0.0.1:{port}"],
            cwd=home, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        _wait(url, process, home)
        yield Registry(url, _token(url), process)
    finally:
        process.terminate()
        process.wait(timeout=10)


def _token(url: str) -> str:
    body = json.dumps({"name": "kairos", "password": "kairos-test-password"}).encode()
    request = urllib.request.Request(
        f"{url}-/user/org.couchdb.user:kairos", data=body, method="PUT",
        headers={"Content-Type": "application/json"},
    )  # fmt: skip
    with urllib.request.urlopen(request, timeout=10) as answer:
        return str(json.load(answer)["token"])


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait(url: str, process: subprocess.Popen[bytes], home: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError((home / "verdaccio.log").read_text()[-2000:])
        try:
            with urllib.request.urlopen(f"{url}-/ping", timeout=1):
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    raise RuntimeError("verdaccio did not start: " + (home / "verdaccio.log").read_text()[-2000:])
