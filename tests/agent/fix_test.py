"""``fix_failing_tests`` end to end: scripted model, real SDK, real git, real test runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from kairos_ci.agent.records import AgentLimits, Stop
from kairos_ci.agent.spend import BudgetView, to_journal
from kairos_ci.config.records import Level
from kairos_ci.policy.records import BudgetState
from tests.agent.harness import (
    BUGGY,
    FAST,
    FIXED,
    attempt,
    build_repo,
    config,
    finish,
    say,
    use,
)

pytestmark = pytest.mark.filterwarnings("ignore:The model .* is deprecated:DeprecationWarning")


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_repo(tmp_path_factory.mktemp("project"))


def test_a_scripted_fix_reads_edits_runs_the_tests_and_finishes(repo: Path) -> None:
    replies = [
        use("list_files", pattern="*.py"),
        use("read_file", path="calc.py"),
        use("replace_in_file", path="calc.py", old="return a - b", new="return a + b"),
        use("run_tests", tests=["tests/test_calc.py::test_add"]),
        finish("add() subtracted instead of adding; it now returns a + b."),
    ]
    outcome = attempt(repo, replies)
    result = outcome.attempt
    assert result.stop is Stop.FINISHED and result.publishable and result.ceiling is None
    assert result.explanation == "add() subtracted instead of adding; it now returns a + b."
    assert outcome.files["calc.py"] == FIXED
    assert [c.path for c in result.changed] == ["calc.py"]
    assert "-    return a - b\n+    return a + b" in result.patch
    assert result.discarded  # __pycache__ left by the test run is not part of the patch
    assert all("__pycache__" in path for path in result.discarded)
    assert result.guard.ok and not result.denials and not result.injection_signals
    assert result.turns == 5 and result.test_runs == 1
    assert result.models == ("claude-sonnet-4-5",)
    assert result.spend_usd > 0 and len(result.charges) == 5
    journal = to_journal(result.charges)
    assert journal["claude-sonnet-4-5"].usd == pytest.approx(result.spend_usd)
    tool_results = outcome.results()
    assert "tests/test_calc.py" in tool_results[0]["content"]
    assert "1\tdef add(a, b):" in tool_results[1]["content"]
    assert "exit code 0" in tool_results[3]["content"] and "1 passed" in tool_results[3]["content"]


def test_the_prompt_fences_untrusted_text_with_a_per_run_nonce(repo: Path) -> None:
    first = attempt(repo, [finish()]).requests[0]["body"]
    second = attempt(repo, [finish()]).requests[0]["body"]
    system = first["system"][0]["text"]
    nonce = system.split("<untrusted-", 1)[1].split(" ", 1)[0]
    opening = first["messages"][0]["content"][0]["text"]
    assert f'<untrusted-{nonce} source="failing test">' in opening
    assert "test id: tests.test_calc.test_add" in opening
    assert nonce not in second["system"][0]["text"]  # a fresh nonce each run
    assert [t["name"] for t in first["tools"]] == [
        "list_files",
        "read_file",
        "search_code",
        "git_history",
        "replace_in_file",
        "write_file",
        "run_tests",
        "finish",
    ]
    assert first["system"][0]["cache_control"] == {"type": "ephemeral"}


def test_the_prompt_brings_the_tests_source_and_the_code_under_test(repo: Path) -> None:
    body = attempt(repo, [finish()]).requests[0]["body"]
    nonce = body["system"][0]["text"].split("<untrusted-", 1)[1].split(" ", 1)[0]
    opening = body["messages"][0]["content"][0]["text"]
    assert "file: tests/test_calc.py (found from the JUnit report's file attribute)" in opening
    tests = opening.split(f'<untrusted-{nonce} source="test source">', 1)[1]
    assert tests.startswith("\n--- tests/test_calc.py (failing test, found from the JUnit")
    assert "1\tfrom calc import add, mul\n...\n4\tdef test_add():" in tests
    assert "test_mul" not in tests.split(f"</untrusted-{nonce}>", 1)[0]  # only the failing test
    code = opening.split(f'<untrusted-{nonce} source="code under test">', 1)[1]
    assert code.startswith("\n--- calc.py (imported by the test: add) ---\n1\tdef add(a, b):")
    assert "def mul" not in code.split(f"</untrusted-{nonce}>", 1)[0]  # the test does not use it
    assert f'<untrusted-{nonce} source="symbol map">' in opening
    assert "diff since the last pass" not in opening  # memory knows no pass here


def test_a_model_that_stops_talking_is_nudged_once_then_stopped(repo: Path) -> None:
    outcome = attempt(repo, [say("I think it is fine."), say("Really.")])
    result = outcome.attempt
    assert result.stop is Stop.NO_FINISH and result.turns == 2
    assert result.ceiling is not None and result.ceiling.level is Level.OBSERVE
    nudge = outcome.requests[1]["body"]["messages"][-1]["content"][-1]["text"]
    assert nudge.startswith("Continue with the tools")


def test_turn_limit(repo: Path) -> None:
    replies = [use("list_files", pattern="*")] * 3
    result = attempt(repo, replies, limits=AgentLimits(max_turns=2)).attempt
    assert result.stop is Stop.TURNS and result.turns == 2
    assert result.reason == "2 model turns used without finishing"


def test_token_limit(repo: Path) -> None:
    replies = [{**use("list_files", pattern="*"), "usage": {"input_tokens": 50_000}}] * 3
    result = attempt(repo, replies, limits=AgentLimits(max_total_tokens=60_000)).attempt
    assert result.stop is Stop.TOKENS and result.turns == 1


def test_a_script_past_the_run_budget_stops_cleanly_with_spend_recorded(repo: Path) -> None:
    usage = {"input_tokens": 100_000, "output_tokens": 50_000}  # $0.30 + $0.75 on sonnet
    expensive = {**use("read_file", path="calc.py"), "usage": usage}
    outcome = attempt(repo, [expensive, finish()], settings=config(per_run_usd=1.0))
    result = outcome.attempt
    assert result.stop is Stop.BUDGET
    assert result.reason == "no model call fits the budget (per_run_usd: $1.06 spent of $1.00)"
    # $1.05, plus the cached prefix: the system prompt and eight tools' specs.
    assert result.spend_usd == pytest.approx(1.056, abs=0.002)
    assert len(outcome.requests) == 1 and result.turns == 1
    assert result.ceiling is not None and result.ceiling.level is Level.OBSERVE


def test_near_the_cap_the_work_narrows_to_the_cheaper_tier(repo: Path) -> None:
    settings = config(per_run_usd=1.0)
    near = BudgetView(settings.budget, run_usd=0.95)  # 0.05 left: sonnet's worst case is 0.07
    outcome = attempt(
        repo,
        [use("replace_in_file", path="calc.py", old="a - b", new="a + b"), finish()],
        settings=settings,
        budget=near,
    )
    result = outcome.attempt
    assert result.models == ("claude-haiku-4-5",)
    assert {r["body"]["model"] for r in outcome.requests} == {"claude-haiku-4-5"}
    assert result.ceiling is not None and result.ceiling.level is Level.SUGGEST
    assert "near a budget cap" in result.ceiling.reason


def test_an_exhausted_budget_skips_without_a_call(repo: Path) -> None:
    settings = config()
    spent = BudgetView(settings.budget, day_usd=10.0)
    assert spent.state() is BudgetState.EXHAUSTED
    outcome = attempt(repo, [finish()], budget=spent)
    assert outcome.attempt.stop is Stop.SKIPPED and outcome.requests == []
    assert (
        outcome.attempt.reason == "the model budget is spent (per_day_usd: $10.00 spent of $10.00)"
    )


def test_529_and_429_with_retry_after_are_retried_by_the_sdk(repo: Path) -> None:
    replies = [
        {"error": {"status": 529, "headers": FAST}},
        {"error": {"status": 429, "headers": {"retry-after": "0.1"}}},
        finish(),
    ]
    outcome = attempt(repo, replies)
    assert outcome.attempt.stop is Stop.FINISHED
    assert [r["retry_count"] for r in outcome.requests] == [0, 1, 2]
    assert len(outcome.attempt.charges) == 1  # failed attempts cost nothing


def test_persistent_overload_stops_with_a_clear_reason(repo: Path) -> None:
    overloaded = {"error": {"status": 529, "headers": FAST}}
    result = attempt(repo, [overloaded] * 3).attempt
    assert result.stop is Stop.MODEL_ERROR
    assert result.reason.startswith("claude-sonnet-4-5: HTTP 529 overloaded_error: Overloaded")
    assert result.reason.endswith("after the SDK's retries")
    assert result.patch == "" and result.ceiling is not None


def test_nothing_to_do_is_a_skip_with_a_reason(repo: Path) -> None:
    outcome = attempt(repo, [finish()], failing=())
    assert outcome.attempt.stop is Stop.SKIPPED and outcome.requests == []
    assert outcome.attempt.reason == "no failing tests to fix"
    no_command = config()
    no_command = type(no_command)(
        **{**no_command.__dict__, "tests": type(no_command.tests)(None, ())}
    )
    outcome = attempt(repo, [finish()], settings=no_command)
    assert outcome.attempt.reason.startswith("the config has no test command")
    assert outcome.files["calc.py"] == BUGGY


def test_a_changed_test_needs_a_why_before_finish_is_accepted(repo: Path) -> None:
    """With edit_tests on, finish is refused until each changed test file is explained;
    the explanation travels with the attempt, redacted like the summary."""
    replies = [
        use("replace_in_file", path="calc.py", old="return a - b", new="return a + b"),
        use(
            "replace_in_file",
            path="tests/test_calc.py",
            old="assert mul(2, 3) == 6",
            new="assert mul(2, 3) == 6, 'mul of 2 and 3'",
        ),
        finish("add() subtracted."),
        use(
            "finish",
            summary="add() subtracted.",
            test_changes=[{"path": "tests/test_calc.py", "why": "the message names the case"}],
        ),
    ]
    outcome = attempt(repo, replies, edit_tests=True)
    result = outcome.attempt
    refused = outcome.results()[2]
    assert refused["is_error"] and "test_changes" in refused["content"]
    assert "tests/test_calc.py" in refused["content"]
    assert "what the new one checks" in refused["content"]  # a step may add a test file
    assert result.stop is Stop.FINISHED and result.turns == 4
    assert result.test_notes == {"tests/test_calc.py": "the message names the case"}
