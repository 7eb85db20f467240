"""The dashboard issue body (pure). Every actionable line is a box with a hidden key,
read back by ``parse.checkboxes`` on the next run."""

from __future__ import annotations

import re

from kairos_ci.dashboard.chart import trend_chart
from kairos_ci.dashboard.fit import fitted
from kairos_ci.dashboard.records import BoxDecision, Dashboard, PlanSection, PullLine, TestLine
from kairos_ci.dashboard.text import cell, inline

KEY = re.compile(r"^[A-Za-z0-9._:/+-]{1,128}$")
# Links kairos builds itself (a run's page); anything else is shown as plain text.
_URL = re.compile(r"^https?://[A-Za-z0-9._~:/?#@!$&'*+,;=%-]+$")
MESSAGE_LIMIT = 160  # a failure message, cut short: the run's logs hold the rest
FAILURE_DETAILS = "Latest failures"
TREND = "Trend"
PULLS = "Open kairos pull requests"
PLANS = "Plans in progress"
# All plan sections together, shared evenly: with the rest of the dashboard the body
# stays below GitHub's limit, where the forge would cut its end (memory health) off.
PLANS_CHARS = 24_000
_STATE = re.compile(r"^[0-9a-f]{16}$")
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
    pulls = [_pull(p) for p in board.pulls]
    parts.append(_section(PULLS, pulls or ["_None open._"]))
    if board.plans:
        parts.append(_section(PLANS, [plans_text(board.plans, board.more_plans)]))
    tests = [_test(t) for t in board.tests]
    header = ["| test | state | since | evidence |", "|---|---|---|---|"]
    parts.append(_section("Tests needing attention", header + tests if tests else ["_None._"]))
    details = [_details(t) for t in board.tests if t.failed or t.message]
    if details:
        header = ["| test | failed | latest message |", "|---|---|---|"]
        parts.append(_section(FAILURE_DETAILS, header + details))
    runs = [_run(r.when, r.event, r.outcome, r.url) for r in board.runs]
    parts.append(_section("Recent runs", runs or ["_No runs recorded yet._"]))
    if board.trend:
        parts.append(_section(TREND, trend_chart(board.trend)))
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


def _pull(p: PullLine) -> str:
    # "#N" is a link to the pull request wherever GitHub renders the issue.
    number = f"#{p.number} " if p.number is not None else ""
    line = f"- {number}`{cell(p.branch)}`: {inline(p.title)} ({inline(p.state)})"
    return f"{line}, by {_link(f'run {inline(p.run, 60)}', p.run_url)}" if p.run else line


def plans_text(plans: tuple[PlanSection, ...], more: int) -> str:
    room = PLANS_CHARS // max(1, len(plans))
    blocks = [_plan(plan, room) for plan in plans]
    if more:
        many = "s" if more > 1 else ""
        blocks.append(
            f"_{more} more plan{many} with work left: each plan's comment shows its progress._"
        )
    return "\n\n".join(blocks)


def with_plans(body: str, plans: tuple[PlanSection, ...], more: int) -> str:
    """``body`` (a dashboard as rendered) with its plans section as ``plans`` show them:
    replaced, added after the pull requests, or removed when no plan has work left. Runs
    that move boards between nights (the swarm's gather job) keep it current without
    the evidence the rest of the dashboard is built from."""
    parts = body.replace("\r\n", "\n").rstrip("\n").split("\n\n## ")
    titles = [part.removeprefix("## ").split("\n", 1)[0] for part in parts]
    section = _section(PLANS, [plans_text(plans, more)]).removeprefix("## ")
    if PLANS in titles:
        at = titles.index(PLANS)
        parts[at : at + 1] = [section] if plans else []
    elif plans:
        at = titles.index(PULLS) + 1 if PULLS in titles else len(parts)
        parts.insert(at, section)
    return "\n\n## ".join(parts) + "\n"


def _plan(plan: PlanSection, room: int) -> str:
    """The plan's section under a hidden line of its board's state, which alone decides
    whether the section changed (``material``)."""
    if not _STATE.match(plan.state):
        raise ValueError(f"plan state {plan.state!r} must match {_STATE.pattern}")
    return f"<!-- kairos:plan-state={plan.state} -->\n{fitted(plan.markdown, room)}"


def _test(t: TestLine) -> str:
    since = cell(t.since, 40) or "-"
    return f"| `{cell(t.test_id)}` | {cell(t.verdict)} | {since} | {cell(t.evidence)} |"


def _details(t: TestLine) -> str:
    failed, message = cell(t.failed, 60) or "-", cell(t.message, MESSAGE_LIMIT) or "-"
    return f"| `{cell(t.test_id)}` | {failed} | {message} |"


def _run(when: str, event: str, outcome: str, url: str | None) -> str:
    line = f"- {inline(when, 40)} {inline(event, 40)}: {inline(outcome)}"
    return f"{line} ({_link('run', url)})" if _linkable(url) else line


def _link(text: str, url: str | None) -> str:
    """``text`` (already safe) linked to ``url``, or alone when the url is not one of ours."""
    return f"[{text}]({url})" if _linkable(url) else text


def _linkable(url: str | None) -> bool:
    return url is not None and _URL.match(url) is not None


def _share(spent: float, cap: float) -> str:
    return f"{spent / cap:.0%}" if cap > 0 else "-"


def _section(title: str, lines: list[str]) -> str:
    return f"## {title}\n\n" + "\n".join(lines)


# Sections that change on every run: the run list, failure rates (one more run each
# night) and messages (which often hold times or addresses), and the trend chart.
VOLATILE_SECTIONS = ("Recent runs", FAILURE_DETAILS, TREND)


def material(body: str) -> str:
    """The body without sections that change on every run, so that a run which changed
    nothing else does not edit the issue just to add itself. They are brought up to date
    whenever something material changes. Line ends are compared as ``\\n``: GitHub may
    store a body edited on its site with ``\\r\\n``."""
    kept = []
    for part in body.replace("\r\n", "\n").split("\n\n## "):
        title = part.removeprefix("## ").split("\n", 1)[0]
        if title == PULLS:
            kept.append(_PULL_LINKS.sub(lambda found: found["start"] or "", part))
        elif title == PLANS:
            kept.append("\n".join([PLANS, *_PLAN_MATERIAL.findall(part)]))
        elif title not in VOLATILE_SECTIONS:
            kept.append(part)
    return "\n\n## ".join(kept).strip()


# A pull request's number and the run that opened it are known only once it is open, the
# night after it was planned: they alone never make an edit.
_PULL_LINKS = re.compile(r"^(?P<start>- )#\d+ |, by (?:\[run [^\]\n]*\]\([^)\n]*\)|run .*)$", re.M)
# A plan's section tells the time (elapsed, the ETA), so only its board's state and how
# many plans there are make an edit: a night on which no board moved edits nothing.
_PLAN_MATERIAL = re.compile(
    r"^(?:<!-- kairos:plan-state=[0-9a-f]{16} -->|_\d+ more plans? with work left: .*)$", re.M
)
