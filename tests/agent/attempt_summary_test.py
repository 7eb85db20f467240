"""What may be said about an attempt: refused calls by kind and path, and the model's
claims only as its own words, never as kairos's finding."""

from __future__ import annotations

from pathlib import Path

import pytest

from kairos_ci.agent.attempt_summary import (
    RefusedCalls,
    agent_said,
    no_fix,
    refused,
    refused_line,
)
from kairos_ci.agent.fix import skipped
from kairos_ci.agent.records import Denial, Stop
from tests.agent.harness import TEST, attempt, build_repo, finish, use

pytestmark = pytest.mark.filterwarnings("ignore:The model .* is deprecated:DeprecationWarning")

READ_ONLY = "test files and test configuration are read-only while fixing tests"
CLAIM = "Fixed the bug: add() now returns a + b and all tests pass."


def test_refused_calls_are_grouped_by_kind_and_path() -> None:
    denials = [
        Denial("replace_in_file", "'tests/t.py'", READ_ONLY, "tests/t.py"),
        Denial("write_file", "'tests/t.py'", READ_ONLY, "tests/t.py"),
        Denial("read_file", "'../etc/passwd'", "'..' is refused", "../etc/passwd"),
        Denial("run_shell", "", "there is no tool named 'run_shell'"),
    ]
    assert refused(denials) == (
        RefusedCalls("edit", "tests/t.py", 2, READ_ONLY),
        RefusedCalls("read", "../etc/passwd", 1, "'..' is refused"),
        RefusedCalls("call", "", 1, "there is no tool named 'run_shell'"),
    )
    assert refused_line(denials) == (
        f"kairos refused 2 edits of tests/t.py ({READ_ONLY}); 1 read of ../etc/passwd "
        "('..' is refused); 1 call (there is no tool named 'run_shell')"
    )
    assert refused_line([]) == ""


def test_the_models_words_are_quoted_as_its_claim() -> None:
    assert agent_said("  It is\nfixed. ") == (
        'the agent said: "It is fixed." (its claim, not checked by kairos)'
    )
    assert agent_said(None) == "" and agent_said("  ") == ""
    long = agent_said("x" * 1000, limit=20)
    assert '"xxxxxxxxxxxxxxxxx..."' in long


def test_an_attempt_that_never_started_says_so_and_nothing_more() -> None:
    assert no_fix(skipped("no failing tests to fix")) == (
        "the agent stopped (skipped): no failing tests to fix"
    )


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_repo(tmp_path_factory.mktemp("project"))


def test_refused_test_edits_then_a_claimed_fix_are_reported_honestly(repo: Path) -> None:
    """Issue 16's scenario: the model edits a read-only test twice, then claims a fix."""
    replies = [
        use("replace_in_file", path="tests/test_calc.py", old="== 5", new="== -1"),
        use("write_file", path="tests/test_calc.py", content="def test_add():\n    pass\n"),
        finish(CLAIM),
    ]
    outcome = attempt(repo, replies)
    result = outcome.attempt
    assert result.stop is Stop.FINISHED and not result.changed and not result.publishable
    assert outcome.files["tests/test_calc.py"] == TEST
    assert [(d.kind, d.path) for d in result.denials] == [("edit", "tests/test_calc.py")] * 2
    said = no_fix(result)
    assert said.startswith(
        "the agent finished without changing anything; "
        f"kairos refused 2 edits of tests/test_calc.py ({READ_ONLY}"
    )
    # The claim is there only as the agent's words, after what kairos found.
    assert said.endswith(f'; the agent said: "{CLAIM}" (its claim, not checked by kairos)')
    assert said.index("kairos refused") < said.index("the agent said")
    assert said.count("a + b") == 1
