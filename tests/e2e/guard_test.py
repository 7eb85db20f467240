"""The guard end to end: a scripted model's weakening fixes are held at suggest with the
reason, and an honest spec change is shown with its Test changes section, then published
once a maintainer accepts it. Real bubblewrap, pytest, git, and both sandboxes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.e2e.fix_tests_test import classify, github, model, night, pulls, use
from tests.e2e.layouts_test import CONFIG, SRC_LAYOUT, TARGET, job_path, project
from tests.sandbox.github.world import World

pytestmark = [
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore:The model .* is deprecated:DeprecationWarning"),
]

EDIT_TESTS = CONFIG.format(runner="python -m pytest") + "agent:\n  edit_tests: true\n"
GOLDEN_TARGET = "tests.test_golden::test_sums_match_golden"
GOLDEN_TEST = """import json
import pathlib

from calc import add

GOLDEN = json.loads((pathlib.Path(__file__).parent / "golden" / "sums.json").read_text())


def test_sums_match_golden():
    for key, want in GOLDEN.items():
        a, b = map(int, key.split("+"))
        assert add(a, b) == want
"""
MOCKED = """from unittest import mock


@mock.patch("calc.ops.add", return_value=5)
def test_add(_add):
    from calc import ops

    assert ops.add(2, 3) == 5
"""
ALWAYS_EQUAL = """class _Sum(int):
    def __eq__(self, other):
        return True

    __hash__ = int.__hash__


def add(a, b):
    return _Sum(a - b)


def double(a):
    return add(a, a)
"""


def explained(*paths: str) -> dict[str, Any]:
    changes = [{"path": p, "why": "the test expected the old behaviour"} for p in paths]
    return use("finish", summary="add() is fixed.", test_changes=changes)


def run_night(world: World, monkeypatch: pytest.MonkeyPatch, replies: dict[str, Any]) -> None:
    with model(monkeypatch, replies):
        assert night(world) == 0


def suggested(world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, env: Path,
              edits: list[dict[str, Any]], target: str = TARGET) -> str:  # fmt: skip
    job_path(tmp_path, monkeypatch)
    replies = {"claude-haiku-4-5": [classify("real", "add() subtracts", target)],
               "claude-sonnet-4-5": edits}  # fmt: skip
    with github(world, monkeypatch) as sandbox:
        run_night(world, monkeypatch, replies)
        assert not [ref for ref in pulls(sandbox) if ref.startswith("kairos/fix-tests/")]
        return str(_dashboard(sandbox)["body"])  # the suggestion waits there, with its reason


def editable_tests(world: World) -> None:
    world.commit({".github/kairos.yml": EDIT_TESTS}, "let the agent edit tests")


INVERTED = use(
    "replace_in_file",
    path="tests/test_ops.py",
    old="assert add(2, 3) == 5",
    new="assert add(2, 3) != 5",
)
STUBBED = use(
    "replace_in_file",
    path="tests/test_ops.py",
    old="def test_add():\n    assert add(2, 3) == 5\n",
    new=MOCKED,
)
CHEAT = use("write_file", path="src/calc/ops.py", content=ALWAYS_EQUAL)


@pytest.mark.parametrize(
    ("edit_tests", "edits", "finding"),
    [
        (True, [INVERTED, explained("tests/test_ops.py")], "assertion-weakened: tests/test_ops.py"),
        (True, [STUBBED, explained("tests/test_ops.py")], "oracle-neutralised: tests/test_ops.py"),
        # The default config: agent.edit_tests stays off.
        (False, [CHEAT, use("finish", summary="Fixed.")], "dunder-override: src/calc/ops.py"),
    ],
    ids=["inverted-assertion", "mocked-unit-under-test", "always-true-eq"],
)
def test_a_weakening_fix_is_held_at_suggest_with_the_guards_finding(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    env: Path,
    edit_tests: bool,
    edits: list[dict[str, Any]],
    finding: str,
) -> None:
    world = project(tmp_path, SRC_LAYOUT)
    if edit_tests:
        editable_tests(world)
    board = suggested(world, tmp_path, monkeypatch, env, edits)
    assert f"suggest: the test-integrity guard flagged it ({finding})" in board


def test_a_golden_file_rewritten_to_the_bug_is_held_at_suggest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, env: Path
) -> None:
    world = project(tmp_path, SRC_LAYOUT)
    golden = {"tests/test_golden.py": GOLDEN_TEST, "tests/golden/sums.json": '{"2+3": 5}\n'}
    world.commit({**golden, ".github/kairos.yml": EDIT_TESTS}, "golden sums")
    rewrite = use("write_file", path="tests/golden/sums.json", content='{"2+3": -1}\n')
    edits = [rewrite, explained("tests/golden/sums.json")]
    board = suggested(world, tmp_path, monkeypatch, env, edits, GOLDEN_TARGET)
    assert "suggest: the test-integrity guard flagged it (" in board
    assert "tests/golden/sums.json)" in board


def test_an_honest_spec_change_is_published_with_its_test_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, env: Path
) -> None:
    """add() now sums any number of values: the code and a test change together, with the
    model's reason. Published as a PR whose body shows the test change old -> new."""
    world = project(tmp_path, SRC_LAYOUT)
    editable_tests(world)
    job_path(tmp_path, monkeypatch)
    new_add = use(
        "replace_in_file",
        path="src/calc/ops.py",
        old="def add(a, b):\n    return a - b",
        new="def add(*values):\n    return sum(values)",
    )
    new_test = use(
        "replace_in_file",
        path="tests/test_ops.py",
        old="assert add(7, 0) == 7",
        new="assert add(7, 0, 1) == 8",
    )
    replies = {
        "claude-haiku-4-5": [classify("real", "add() subtracts", TARGET)],
        "claude-sonnet-4-5": [new_add, new_test, explained("tests/test_ops.py")],
    }
    with github(world, monkeypatch) as sandbox, model(monkeypatch, replies):
        assert night(world) == 0
        (pr,) = [p for ref, p in pulls(sandbox).items() if ref.startswith("kairos/fix-tests/")]
    body = pr["body"]
    assert "### Test changes" in body
    assert "`assert add(7, 0) == 7`" in body and "`assert add(7, 0, 1) == 8`" in body
    assert "the test expected the old behaviour" in body
    assert "| cross-runs | passed |" in body


def _dashboard(sandbox: Any) -> dict[str, Any]:
    state = sandbox.state("octo/app")["repos"]["octo/app"]
    (board,) = [i for i in state["issues"] if "kairos" in str(i.get("labels"))]
    return dict(board)
