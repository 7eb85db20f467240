"""The demo's report: what appeared "on GitHub" and in memory after each night."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kairos_ci.memory.records import Memory
from kairos_ci.report.summary import RunReport


@dataclass(frozen=True)
class DemoNight:
    number: int
    report: RunReport
    exit_code: int
    seconds: float


def render(nights: Sequence[DemoNight], github: Mapping[str, Any], memory: Memory) -> str:
    lines = ["# kairos-ci demo", "", "Three nightly runs against a sample project, offline.", ""]
    for night in nights:
        lines += [f"## Night {night.number} ({night.seconds:.1f} s, exit {night.exit_code})", ""]
        lines += [f"- {item}" for item in night.report.done]
        lines += [f"- skipped: {s.what}: {s.why}" for s in night.report.skipped]
        lines += [f"- problem: {p}" for p in night.report.problems]
        lines.append("")
    lines += ['## What is "on GitHub" now', ""]
    for pull in github.get("pulls", []):
        lines.append(
            f"- PR #{pull['number']} [{pull['state']}] {pull['title']} (`{pull['head']['ref']}`)"
        )
    for issue in github.get("issues", []):
        lines.append(f"- Issue #{issue['number']} [{issue['state']}] {issue['title']}")
    lines += ["", "## What kairos remembers", ""]
    lines.append(f"- {memory.run_count} runs recorded")
    for test_id, record in sorted(memory.tests.items()):
        outcomes = " ".join(entry.outcome.value for entry in record.history)
        lines.append(f"- `{test_id}`: {record.verdict.value} (history: {outcomes})")
    for pull in github.get("pulls", [])[:1]:
        lines += ["", f"## PR #{pull['number']} body", "", pull["body"]]
    for issue in github.get("issues", [])[:1]:
        lines += ["", f"## Dashboard issue #{issue['number']}", "", issue["body"]]
    return "\n".join(lines) + "\n"
