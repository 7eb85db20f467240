"""A real PyPI-compatible index on loopback (pypiserver), serving wheels a test builds.

Wheels are written by hand (a wheel is a zip with METADATA, WHEEL and RECORD),
so no build backend or network is needed. A file's modification time is what
pypiserver reports as its Last-Modified, which is how a test dates a release.
"""

from __future__ import annotations

import base64
import hashlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


def build_wheel(directory: Path, name: str, version: str, code: str, age_days: float) -> Path:
    """``name-version-py3-none-any.whl`` holding ``name/__init__.py``, dated ``age_days`` ago."""
    dist = f"{name}-{version}.dist-info"
    files = {
        f"{name}/__init__.py": code.encode(),
        f"{dist}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n".encode(),
        f"{dist}/WHEEL": b"Wheel-Version: 1.0\nGenerator: kairos-tests\nRoot-Is-Purelib: true\n"
        b"Tag: py3-none-any\n",
    }
    record = []
    for path, data in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append(f"{path},sha256={digest},{len(data)}")
    record.append(f"{dist}/RECORD,,")
    files[f"{dist}/RECORD"] = ("\n".join(record) + "\n").encode()
    wheel = directory / f"{name}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for path, data in files.items():
            archive.writestr(path, data)
    moment = time.time() - age_days * 86400
    os.utime(wheel, (moment, moment))
    return wheel


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass
class Index:
    url: str  # the Simple API root, ending in /simple/
    process: subprocess.Popen[bytes]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@contextmanager
def pypiserver(packages: Path, log: Path) -> Iterator[Index]:
    port = _free_port()
    argv = [
        sys.executable, "-m", "pypiserver", "run", "-i", "127.0.0.1", "-p", str(port),
        "--disable-fallback", "-a", ".", "-P", ".", str(packages),
    ]  # fmt: skip
    with log.open("wb") as output:
        process = subprocess.Popen(argv, stdout=output, stderr=subprocess.STDOUT)
    index = Index(f"http://127.0.0.1:{port}/simple/", process)
    try:
        _wait_until_up(index, log)
        yield index
    finally:
        index.stop()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_until_up(index: Index, log: Path) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if index.process.poll() is not None:
            raise RuntimeError(f"pypiserver exited: {log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(index.url, timeout=1):
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.1)
    raise RuntimeError(f"pypiserver did not start: {log.read_text()[-2000:]}")
