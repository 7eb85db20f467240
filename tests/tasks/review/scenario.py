"""A small project on the GitHub sandbox and pull requests against it, for review tests.

The base has a kairos config (ruff as the linter, with its fix command), a module and
its tests. ``FEATURE`` is a pull request with a lint error on an added line, a fake
secret, a debug print and a removed assertion, on a path memory links to a failing test.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from kairos_ci.cli import main
from kairos_ci.clock import utc_now
from kairos_ci.memory.records import CoFailureSample, Journal, RunRecord, RunResult
from kairos_ci.memory.store import MemoryStore
from kairos_ci.sandbox.github.server import GitHubSandbox
from tests.sandbox.github.world import MAINTAINER_TOKEN, World, client, make_world

FAKE_TOKEN = "ghs_" + "A" * 36  # a GitHub token's shape, built here so no file holds one
CONFIG = """version: 1
linters:
  - name: ruff
    run: ruff check --output-format json --exit-zero --no-cache .
    format: ruff
    fix: ruff check --fix --exit-zero --no-cache .
"""
CORE = """def add(a, b):
    return a + b


def sub(a, b):
    return a - b
"""
TESTS = """from calc.core import add, sub


def test_add():
    assert add(1, 2) == 3
    assert add(2, 2) == 4


def test_sub():
    assert sub(3, 1) == 2
"""
FEATURE_CORE = f"""import os

API_TOKEN = "{FAKE_TOKEN}"


def add(a, b):
    print("debug", a, b)
    return a + b


def sub(a, b):
    return a - b
"""
FEATURE_TESTS = TESTS.replace("    assert add(2, 2) == 4\n", "")
COFAILING_TEST = "tests.test_core::test_add"


def project(tmp_path: Path) -> World:
    world = make_world(tmp_path)
    world.commit(
        {
            ".github/kairos.yml": CONFIG,
            "calc/__init__.py": "",
            "calc/core.py": CORE,
            "tests/__init__.py": "",
            "tests/test_core.py": TESTS,
        },
        "the calc project",
    )
    return world


def remember_cofailures(world: World) -> None:
    """Two earlier runs where changing calc/core.py went with test_add failing."""
    store = MemoryStore(world.work, "kairos/memory", clock=utc_now)
    for n in (1, 2):
        run = RunRecord(
            f"night-{n}", "schedule", "0" * 40, f"2026-11-2{n}T03:00:00Z", RunResult.SUCCESS
        )
        sample = CoFailureSample(("calc/core.py",), (COFAILING_TEST,))
        store.save(Journal(run=run, cofailure=sample))


def branch(world: World, name: str, files: dict[str, str]) -> str:
    """Commit ``files`` on branch ``name`` (created from main if new), push, back to main."""
    world.git("checkout", "-q", "main")
    exists = world.git("branch", "--list", name)
    world.git("checkout", "-q", *(() if exists else ("-b",)), name)
    sha = world.commit(files, f"work on {name}")
    world.git("checkout", "-q", "main")
    return sha


def open_pull(
    sandbox: GitHubSandbox, world: World, head: str, token: str = MAINTAINER_TOKEN
) -> int:
    repo = client(sandbox, token).get_repo(world.full_name)
    return int(
        repo.create_pull(
            base="main", head=head, title="Add a feature", body="Please review."
        ).number
    )


def payload(
    tmp_path: Path,
    world: World,
    number: int,
    action: str,
    head_ref: str,
    *,
    head_repo: str | None = None,
    draft: bool = False,
    author: str = "maria",
) -> Path:
    head = world.git("rev-parse", f"origin/{head_ref}") if _fetched(world) else ""
    base = world.git("rev-parse", "origin/main")
    data: dict[str, Any] = {
        "action": action,
        "number": number,
        "pull_request": {
            "number": number,
            "title": "Add a feature",
            "body": "Please review.",
            "draft": draft,
            "user": {"login": author, "type": "User"},
            "head": {
                "sha": head,
                "ref": head_ref,
                "repo": {"full_name": head_repo or world.full_name},
            },
            "base": {"sha": base, "ref": "main", "repo": {"full_name": world.full_name}},
            "labels": [],
        },
        "sender": {"login": author, "type": "User"},
        "repository": {"full_name": world.full_name, "default_branch": "main"},
    }
    path = tmp_path / f"event-{number}-{action}-{head[:7]}.json"
    path.write_text(json.dumps(data))
    return path


def _fetched(world: World) -> bool:
    world.git("fetch", "-q", "origin")
    return True


def review(world: World, event: Path, *extra: str, run_id: str = "r1") -> int:
    argv = ["review", "--event", "pull_request", "--payload", str(event), "--repo", str(world.work)]
    return main([*argv, "--run-id", run_id, *extra])


def repo_state(sandbox: GitHubSandbox) -> dict[str, Any]:
    state: dict[str, Any] = sandbox.state("octo/app")["repos"]["octo/app"]
    return state


# Issue 16's noise scenario: a base whose module has five lint findings, and a pull
# request that re-indents them all (so every one is on an added line) and adds two.
STRICT_CONFIG = CONFIG.replace("check --output-format", "check --select E,F --output-format")
LEGACY = """def legacy(value):
    import os
    import sys
    unused = 1
    l = value
    if l == None:
        return 0
    return l
"""
LEGACY_AS_CLASS = """class Legacy:
    def legacy(self, value):
        import os
        import sys
        unused = 1
        l = value
        if l == None:
            return 0
        return l

    def fresh(self, items):
        import json
        return [i for i in items if i != None]
"""
# One more added line with two findings on it (E731 and E741).
LEGACY_MORE = LEGACY_AS_CLASS + "\n    def more(self):\n        l = lambda: 0\n        return l\n"


def legacy_project(tmp_path: Path) -> World:
    world = make_world(tmp_path)
    world.commit(
        {".github/kairos.yml": STRICT_CONFIG, "calc/__init__.py": "", "calc/legacy.py": LEGACY},
        "the legacy module",
    )
    return world
