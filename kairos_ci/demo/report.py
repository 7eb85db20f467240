"""The demo's report: what each night did, what appeared "on GitHub" and in memory.

It is written for someone who has never seen kairos: every count says what it counts,
test states use the dashboard's words (``dashboard.records.TestState``), and the lint
fix is shown as the diff the pull request carries.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kairos_ci.dashboard.records import MEANING
from kairos_ci.memory.records import Memory, TestRecord
from kairos_ci.report.summary import RunReport
from kairos_ci.stages.board import state_of
from kairos_ci.verdicts.history import FAILING

# The facts of a night's summary worth showing a newcomer, and what each one counts.
FACTS = {
    "tests": "the sample project's tests, by outcome",
    "verdicts": "what kairos judged from the history it remembers",
    "lint findings": "what the configured linter reported",
}
COUNTS = (
    ("done", "what the night did: a pull request, the dashboard issue, memory"),
    ("skipped", "tasks kairos did not do this night, each with the reason"),
    ("problems", "what a human must fix (none in the demo)"),
)


@dataclass(frozen=True)
class DemoNight:
    number: int
    report: RunReport
    exit_code: int
    seconds: float


def night_line(night: DemoNight) -> str:
    """One night for the terminal, each count named."""
    report = night.report
    counts = [
        f"{len(report.done)} done (writes to GitHub and memory)",
        f"{len(report.skipped)} skipped (tasks not done; the report says why)",
    ]
    if report.problems:
        counts.append(f"{len(report.problems)} problems (for a human to fix)")
    return f"night {night.number}: {', '.join(counts)} ({night.seconds:.1f} s)"


def render(
    nights: Sequence[DemoNight],
    github: Mapping[str, Any],
    memory: Memory,
    diffs: Mapping[int, str],
) -> str:
    """``github`` is the sandbox's state of the repository; ``diffs`` each PR's diff."""
    lines = ["# kairos-ci demo", "", "Three nightly runs against a sample project, offline.", ""]
    lines += _legend()
    for night in nights:
        lines += _night(night)
    lines += ['## What is "on GitHub" now', ""]
    for pull in github.get("pulls", []):
        lines.append(
            f"- PR #{pull['number']} [{pull['state']}] {pull['title']} (`{pull['head']['ref']}`)"
        )
    for issue in github.get("issues", []):
        lines.append(f"- Issue #{issue['number']} [{issue['state']}] {issue['title']}")
    lines += ["", "## What kairos remembers", ""]
    lines.append(f"- {memory.run_count} runs recorded")
    lines += [_remembered(test_id, r) for test_id, r in sorted(memory.tests.items())]
    for pull in github.get("pulls", [])[:1]:
        lines += ["", f"## PR #{pull['number']}: the lint fix", ""]
        lines += ["```diff", diffs.get(pull["number"], "").rstrip("\n"), "```", ""]
        lines += [f"### PR #{pull['number']} body", "", pull["body"]]
    for issue in github.get("issues", [])[:1]:
        lines += ["", f"## Dashboard issue #{issue['number']}", "", issue["body"]]
    return "\n".join(lines) + "\n"


def _legend() -> list[str]:
    lines = ["## How to read this", "", "Each night counts:", ""]
    lines += [f"- **{name}**: {meaning}" for name, meaning in COUNTS]
    lines += ["", "A test's state, as the dashboard names it:", ""]
    lines += [f"- **{state}**: {meaning}" for state, meaning in MEANING.items()]
    return [*lines, ""]


def _night(night: DemoNight) -> list[str]:
    report = night.report
    lines = [f"## Night {night.number} ({night.seconds:.1f} s, exit {night.exit_code})", ""]
    facts = dict(report.facts)
    lines += [
        f"- {key}: {facts[key]} ({meaning})" for key, meaning in FACTS.items() if key in facts
    ]
    lines += [f"- done: {item}" for item in report.done]
    lines += [f"- skipped: {s.what}: {s.why}" for s in report.skipped]
    lines += [f"- problem: {p}" for p in report.problems]
    return [*lines, ""]


def _remembered(test_id: str, record: TestRecord) -> str:
    history = list(record.history)
    failing_now = bool(history) and history[-1].outcome in FAILING
    outcomes = " ".join(entry.outcome.value for entry in history)
    return f"- `{test_id}`: {state_of(record.verdict, failing_now)} (history: {outcomes})"
