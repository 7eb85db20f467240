"""The fleet dashboard's body: one row per repository, problems first. Pure and without
a clock (the month is given), so an unchanged fleet renders the same bytes and the issue
is not edited. Sizes are bounded: at most ``max_rows`` rows and ``MAX_PROBLEMS`` problem
lines, each cut short, with how many more were left out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kairos_ci.dashboard.text import cell, inline
from kairos_ci.fleet.status import Health, RepoStatus

TITLE = "kairos fleet dashboard"
FINGERPRINT = "fleet-dashboard"  # not "dashboard": the fleet repository may have its own
MAX_PROBLEMS = 30
_UNKNOWN = "?"


@dataclass(frozen=True)
class FleetBoard:
    statuses: Sequence[RepoStatus]
    month: str  # "YYYY-MM": the spend column's month
    max_rows: int
    server_url: str = "https://github.com"


def render(board: FleetBoard) -> str:
    ordered = sorted(board.statuses, key=_order)
    shown, hidden = ordered[: board.max_rows], ordered[board.max_rows :]
    troubled = sum(1 for s in ordered if s.troubled)
    lines = [
        f"# {TITLE}",
        "",
        f"{len(ordered)} repositories, {troubled} with problems. Read from each repository's "
        "memory branch (read only) and its open pull requests; each repository keeps its own "
        "memory and its own dashboard.",
        "",
        f"| Repository | Memory | Open kairos PRs | Broken tests | Flaky tests "
        f"| Spend {board.month} | Last run |",
        "|---|---|---:|---:|---:|---:|---|",
        *(_row(status, board.server_url) for status in shown),
    ]
    if hidden:
        more = sum(1 for s in hidden if s.troubled)
        lines += ["", f"… and {len(hidden)} more repositories ({more} with problems) not shown."]
    lines += _totals(ordered, board.month)
    lines += _problems(ordered)
    return "\n".join(lines) + "\n"


def _order(status: RepoStatus) -> tuple[bool, int, str]:
    broken = status.counts.broken if status.counts else 0
    return (not status.troubled, -broken, status.repository.lower())


def _row(status: RepoStatus, server_url: str) -> str:
    name = f"[{status.repository}]({server_url}/{status.repository})"
    health = status.health.value
    if status.health is not Health.OK:
        health = f"**{health}**"
    prs = _UNKNOWN if status.open_prs is None else str(status.open_prs)
    counts = status.counts
    if counts is None:
        numbers = [_UNKNOWN] * 4
    else:
        last = cell(counts.last_run, 40) or "never"
        numbers = [str(counts.broken), str(counts.flaky), f"${counts.spend_usd:.2f}", last]
    return "| " + " | ".join([name, health, prs, *numbers]) + " |"


def _totals(statuses: Sequence[RepoStatus], month: str) -> list[str]:
    known = [s.counts for s in statuses if s.counts is not None]
    prs = [s.open_prs for s in statuses if s.open_prs is not None]
    of = f" (of the {len(known)} whose memory was read)" if len(known) < len(statuses) else ""
    return [
        "",
        f"Totals{of}: {sum(c.broken for c in known)} broken tests, "
        f"{sum(c.flaky for c in known)} flaky tests, "
        f"${sum(c.spend_usd for c in known):.2f} spent in {month}; "
        f"{sum(prs)} open kairos pull requests in {len(prs)} repositories.",
    ]


def _problems(statuses: Sequence[RepoStatus]) -> list[str]:
    found = [(s.repository, p) for s in statuses for p in s.problems]
    if not found:
        return []
    lines = ["", "## Problems", ""]
    lines += [f"- {repo}: {inline(problem, 300)}" for repo, problem in found[:MAX_PROBLEMS]]
    if len(found) > MAX_PROBLEMS:
        lines.append(f"- … and {len(found) - MAX_PROBLEMS} more")
    return lines
