"""``kairos-ci sandbox github`` as a user runs it: a process that prints its URL."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

from tests.sandbox.github.world import KAIROS_TOKEN, make_world


def _start(*args: str) -> subprocess.Popen[str]:
    argv = [sys.executable, "-m", "kairos_ci", "sandbox", "github", *args]
    return subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_prints_its_url_serves_the_repos_and_stops_on_sigterm(tmp_path: Path) -> None:
    world = make_world(tmp_path)
    seed = tmp_path / "seed.json"
    seed.write_text(json.dumps({"users": {"bot": {"token": KAIROS_TOKEN, "permission": "write"}}}))
    process = _start("--root", str(world.root), "--seed", str(seed), "--strict")
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:")
        request = urllib.request.Request(
            f"{url}/repos/octo/app", headers={"Authorization": f"token {KAIROS_TOKEN}"}
        )
        with urllib.request.urlopen(request, timeout=10) as answer:
            assert json.loads(answer.read())["default_branch"] == "main"
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0


def test_bad_arguments_are_one_line_errors(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "kairos_ci", "sandbox", "github", "--root", str(tmp_path / "no")],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.strip().endswith("not a directory")
    assert "Traceback" not in done.stderr
    bad = tmp_path / "seed.json"
    bad.write_text("[]")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "kairos_ci",
            "sandbox",
            "github",
            "--root",
            str(tmp_path),
            "--seed",
            str(bad),
        ],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert done.returncode == 1 and "seed must be a JSON object" in done.stderr
