"""The dashboard issue body (pure). Every actionable line is a box with a hidden key,
read back by ``parse.checkboxes`` on the next run."""

from __future__ import annotations

import re

from kairos_ci.dashboard.records import BoxDecision, Dashboard
from kairos_ci.dashboard.text import cell, inline

KEY = re.compile(r"^[A-Za-z0-9._:/+-]{1,128}$")
INTRO = (
    "> kairos keeps this issue up to date. Tick a box to tell it what to do: "
    "it reads the boxes on its next run."
)


def render(board: Dashboard) -> str:
    parts = [INTRO]
    if board.attention:
        parts.append(_section("Needs your attention", [f"- {inline(a)}" for a in board.attention]))
    parts.append(
        _section(
            "Needs your decision",
            [_decision(d) for d in board.decisions] or ["_Nothing needs your decision._"],
        )
    )
    pulls = [f"- `{cell(p.branch)}`: {inline(p.title)} ({inline(p.state)})" for p in board.pulls]
    parts.append(_section("Open kairos pull requests", pulls or ["_None open._"]))
    tests = [
        f"| `{cell(t.test_id)}` | {cell(t.verdict)} | {cell(t.evidence)} |" for t in board.tests
    ]
    header = ["| test | verdict | evidence |", "|---|---|---|"]
    parts.append(_section("Tests needing attention", header + tests if tests else ["_None._"]))
    runs = [_run(r.when, r.event, r.outcome, r.url) for r in board.runs]
    parts.append(_section("Recent runs", runs or ["_No runs recorded yet._"]))
    budget = [
        f"| {cell(b.period)} | ${b.spent_usd:,.2f} | ${b.cap_usd:,.2f} | "
        f"{_share(b.spent_usd, b.cap_usd)} |"
        for b in board.budget
    ]
    table = ["| period | spent | cap | used |", "|---|---|---|---|"]
    parts.append(_section("Model budget", table + budget if budget else ["_No model spend._"]))
    if board.memory is not None:
        status = "ok" if board.memory.ok else "needs attention"
        parts.append(_section("Memory health", [f"{status}: {inline(board.memory.note)}"]))
    return "\n\n".join(parts) + "\n"


def _decision(d: BoxDecision) -> str:
    if not KEY.match(d.key):
        raise ValueError(f"dashboard key {d.key!r} must match {KEY.pattern}")
    box = "x" if d.checked else " "
    detail = f": {inline(d.detail)}" if d.detail else ""
    key = f"<!-- kairos:key={d.action.value}:{d.key} -->"
    return f"- [{box}] **{d.action.value}** {inline(d.text)}{detail} {key}"


def _run(when: str, event: str, outcome: str, url: str | None) -> str:
    line = f"- {inline(when, 40)} {inline(event, 40)}: {inline(outcome)}"
    return f"{line} ([run]({url}))" if url and url.startswith(("https://", "http://")) else line


def _share(spent: float, cap: float) -> str:
    return f"{spent / cap:.0%}" if cap > 0 else "-"


def _section(title: str, lines: list[str]) -> str:
    return f"## {title}\n\n" + "\n".join(lines)


VOLATILE_SECTIONS = ("Recent runs",)


def material(body: str) -> str:
    """The body without sections that change on every run (the run list), so that a
    run which changed nothing else does not edit the issue just to add itself."""
    kept = []
    for part in body.split("\n\n## "):
        title = part.removeprefix("## ").split("\n", 1)[0]
        if title not in VOLATILE_SECTIONS:
            kept.append(part)
    return "\n\n## ".join(kept).strip()
