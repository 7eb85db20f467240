"""Shared parts for agent tests: a fixture repository with a real bug, a config, and
``attempt`` which runs ``fix_failing_tests`` against a scripted sandbox model."""

from __future__ import annotations

import json
import shlex
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kairos_ci.agent.claude import ClaudeLlm, ClaudeSettings
from kairos_ci.agent.fix import FixJob, fix_failing_tests
from kairos_ci.agent.records import AgentLimits, FailingTest, FixAttempt, UntrustedText
from kairos_ci.agent.spend import BudgetView
from kairos_ci.config.load import parse_config
from kairos_ci.config.records import Config
from kairos_ci.context import Secret, tool_environment
from kairos_ci.git import Git
from kairos_ci.sandbox.anthropic.script import parse_script
from kairos_ci.sandbox.anthropic.server import running
from kairos_ci.workspace.commands import CommandRunner
from kairos_ci.workspace.scratch import scratch_checkout
from tests.jail import jail_or_skip

API_KEY = Secret("sk-ant-api03-fake-key-for-tests-0123456789abcdef")
GITHUB_TOKEN = Secret("ghs_" + "A" * 36)
FAST = {"retry-after-ms": "5"}

BUGGY = "def add(a, b):\n    return a - b\n\n\ndef mul(a, b):\n    return a * b\n"
FIXED = BUGGY.replace("a - b", "a + b")
TEST = (
    "from calc import add, mul\n\n\n"
    "def test_add():\n    assert add(2, 3) == 5\n\n\n"
    "def test_mul():\n    assert mul(2, 3) == 6\n"
)
FAILING = FailingTest(
    id="tests.test_calc.test_add",
    path="tests/test_calc.py",
    message="assert -1 == 5",
    details="def test_add():\n>       assert add(2, 3) == 5\nE       assert -1 == 5",
)


def build_repo(root: Path) -> Path:
    """A project with a bug, its failing test, a workflow and some hostile symlinks."""
    files = {
        "calc.py": BUGGY,
        "tests/test_calc.py": TEST,
        ".github/workflows/ci.yml": "on: push\njobs: {}\n",
        "pyproject.toml": '[project]\nname = "calc"\nversion = "1"\n',
        "docs/guide.md": "# Guide\n",
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    (root / "scripts").mkdir()
    (root / "scripts" / "ci.yml").symlink_to("../.github/workflows/ci.yml")
    (root / "docs" / "environ.md").symlink_to("/proc/self/environ")
    (root / "docs" / "gitconfig").symlink_to("../.git/config")
    (root / "docs" / "home").symlink_to(Path.home())
    git = Git(root)
    git.run("init", "-q", "-b", "main")
    git.run("add", "--all")
    git.run("commit", "-q", "-m", "base")
    return root


# The budget tests' arithmetic is worked out on these models' prices, so they are
# named here rather than taken from the defaults (which follow Anthropic's lineup).
MODELS = "models:\n  triage: claude-haiku-4-5\n  work: claude-sonnet-4-5\n"


def config(per_run_usd: float = 1.0) -> Config:
    command = shlex.join([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"])
    text = (
        f"version: 1\ntests:\n  run: {json.dumps(command)}\nbudget:\n  per_run_usd: {per_run_usd}\n"
        + MODELS
    )
    return parse_config(text.encode(), "kairos.yml")


def use(name: str, **arguments: Any) -> dict[str, Any]:
    return {"content": [{"type": "tool_use", "name": name, "input": arguments}]}


def say(text: str) -> dict[str, Any]:
    return {"content": [{"type": "text", "text": text}]}


def finish(summary: str = "Fixed the bug.", *tests: str) -> dict[str, Any]:
    """The model's finish; each changed test file named in ``tests`` gets a why."""
    if not tests:
        return use("finish", summary=summary)
    changes = [{"path": path, "why": "the test itself was wrong"} for path in tests]
    return use("finish", summary=summary, test_changes=changes)


@dataclass(frozen=True)
class Outcome:
    attempt: FixAttempt
    requests: list[dict[str, Any]]  # what the sandbox received
    files: dict[str, str]  # the scratch's tracked text files after the attempt

    def bodies(self) -> str:
        return json.dumps([r["body"] for r in self.requests])

    def results(self) -> list[dict[str, Any]]:
        """Every tool_result the model was sent, in order."""
        found = []
        for request in self.requests:
            last = request["body"]["messages"][-1]["content"]
            if isinstance(last, list):
                found.extend(b for b in last if b.get("type") == "tool_result")
        unique = {b["tool_use_id"]: b for b in found}
        return list(unique.values())


def attempt(
    repo: Path,
    replies: Sequence[Any] | dict[str, Any],
    *,
    failing: Sequence[FailingTest] = (FAILING,),
    context: Sequence[UntrustedText] = (),
    settings: Config | None = None,
    budget: BudgetView | None = None,
    limits: AgentLimits | None = None,
    edit_tests: bool = False,
    retries: int = 2,
) -> Outcome:
    settings = settings or config()
    script = parse_script({"replies": replies if isinstance(replies, dict) else list(replies)})
    with running(script) as handle, scratch_checkout(repo, "HEAD") as scratch:
        llm = ClaudeLlm(API_KEY, handle.base_url, ClaudeSettings(max_retries=retries, timeout_s=20))
        job = FixJob(
            llm,
            settings,
            scratch,
            failing,
            budget or BudgetView(settings.budget),
            commands=CommandRunner(tool_environment(), 60, jail=jail_or_skip()),
            secrets=(API_KEY, GITHUB_TOKEN),
            context=context,
            limits=limits or AgentLimits(),
            edit_tests=edit_tests,
        )
        result = fix_failing_tests(job)
        files = {
            name: (scratch.path / name).read_text()
            for name in ("calc.py", "tests/test_calc.py", "pyproject.toml")
        }
        return Outcome(result, handle.requests(), files)


def uses(*calls: tuple[str, dict[str, Any]]) -> dict[str, Any]:
    """One reply with several tool calls."""
    blocks = [{"type": "tool_use", "name": name, "input": args} for name, args in calls]
    return {"content": blocks}


def leaks(outcome: Outcome, *secrets: str) -> list[str]:
    """Where any of ``secrets`` (or the run's fake credentials) got out."""
    values = (*secrets, API_KEY.reveal(), GITHUB_TOKEN.reveal())
    result = outcome.attempt
    places = {
        "a request to the model": outcome.bodies(),
        "the explanation (PR body)": result.explanation or "",
        "the patch": result.patch,
        "the report (signals, denials, reason)": repr(
            (result.injection_signals, result.denials, result.reason, result.ceiling)
        ),
    }
    return [
        f"{value[:12]}... in {place}"
        for value in values
        for place, text in places.items()
        if value in text
    ]
