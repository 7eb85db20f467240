"""The progress tracker: a board as Markdown for people, and when to post it again.

- One section per plan, for the dashboard and the plan comment: a header line (agents,
  locks, queue, progress), a row per step (state, owner's run, elapsed against the
  estimate, PR, what it waits for) and the totals (done, spend, the remaining critical
  path and an ETA).
- The ETA is ``now`` plus the remaining critical path: it assumes a free worker for every
  task and no wait for locks, decisions, people or retries, so it is a lower bound and is
  labelled as one.
- Every text on a board came from the model's plan or from the shared memory branch, so
  it is rendered as data (``plain_cell``, and emphasis escaped too): no markup, HTML,
  mentions or references.
- Questions raised during the work (``contradictions``) are listed with a box per
  option, keyed ``kairos:board=<plan hash8>:dp=<point>:opt=<key>``: a maintainer answers
  by ticking one (``read_answers``); an answered one shows who chose what.
- The worker posts it once per finished task (``worker.Worker.on_finished``), never for
  a heartbeat or a claim.

A worker's lease owner is ``<run id>/<job>/<leg>``, the run id being GitHub's, with its
attempt after a dot (``1234.2/work/3``): such an owner links to its run's page; any other
owner (a local run, a test) is shown as text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from kairos_ci.clock import from_iso, to_iso
from kairos_ci.coordinator.paths import conflicts
from kairos_ci.coordinator.records import (
    ENDED,
    LIVE,
    BlockReason,
    Board,
    BoardTask,
    Question,
    TaskStatus,
)
from kairos_ci.errors import InputError
from kairos_ci.plan.dag import find_cycle, longest_chains
from kairos_ci.plan.plaintext import plain_cell

ICONS = {
    TaskStatus.PENDING: "⏸️",
    TaskStatus.READY: "⏳",
    TaskStatus.LEASED: "🔒",
    TaskStatus.RUNNING: "🔄",
    TaskStatus.VERIFYING: "🔍",
    TaskStatus.DONE: "✅",
    TaskStatus.FAILED: "❌",
    TaskStatus.BLOCKED: "⛔",
    TaskStatus.CANCELLED: "🚫",
}
WAITING = frozenset({TaskStatus.PENDING, TaskStatus.READY, TaskStatus.BLOCKED})
MAX_ROWS = 60  # a comment stays far below GitHub's size limit
MAX_LOCKS = 8  # in the header line; the rows say the rest
LOWER_BOUND = (
    "a lower bound: the remaining critical path, as if every task had a free worker "
    "and nothing waited for a lock, a decision, people or a retry"
)
_OWNER = re.compile(r"(\d+)(?:\.(\d+))?/([A-Za-z0-9_.-]{1,40})/(\d{1,4})")
_EMPHASIS = re.compile(r"[*_~]")
_PULL_URL = re.compile(r"https://[^\s()<>\[\]`|\"']+")
_TICKED = re.compile(
    r"^- \[[xX]\] .*<!-- kairos:board=(?P<hash>[0-9a-f]{8}):dp=(?P<dp>D[0-9]{1,3}):"
    r"opt=(?P<opt>[a-e]) -->$",
    re.MULTILINE,
)


@dataclass(frozen=True)
class ProgressView:
    """What the board does not know: the time, and where runs and PRs live."""

    now: datetime
    runs_url: str = ""  # "{server}/{OWNER/NAME}/actions/runs"; "" links no run
    conflicts_resolved: int = 0  # integration's count: the board does not keep it
    max_rows: int = MAX_ROWS  # fewer when the section must fit beside the plan
    answerable: bool = True  # questions get boxes (the plan comment), or are listed only
    full_suite: str = ""  # integration's line on every slice together; not on the board


def owner_name(run_id: str, job: str, leg: int) -> str:
    """A worker's lease owner, in the form the tracker links to its run."""
    owner = f"{run_id}/{job}/{leg}"
    if _OWNER.fullmatch(owner) is None:
        raise ValueError(f"worker owner {owner!r} is not <run id>/<job>/<leg>")
    return owner


def run_link(owner: str, runs_url: str) -> str:
    """The owner's run as a Markdown link, or the owner as inert text."""
    found = _OWNER.fullmatch(owner)
    if found is None or not runs_url:
        return _data(owner, 60)
    return f"[{_data(owner, 60)}]({runs_url.rstrip('/')}/{found.group(1)})"


def remaining_critical_path(board: Board, now: datetime | None = None) -> float:
    """Minutes on the longest chain of estimated work still to finish, following
    ``depends_on`` over the tasks that have not ended. Given ``now``, a live task counts
    only what is left of its estimate since it was claimed."""
    left = {task.id: task for task in board.tasks if task.state not in ENDED}
    graph = {tid: tuple(d for d in task.depends_on if d in left) for tid, task in left.items()}
    minutes = {tid: _left_of(task, now) for tid, task in left.items()}
    cycle = find_cycle(graph)
    if cycle:
        raise InputError(f"board {board.plan_id}: tasks depend on each other: {' -> '.join(cycle)}")
    return max(longest_chains(graph, minutes).values(), default=0.0)


def eta(board: Board, now: datetime) -> datetime:
    """The earliest the board can have ended: ``now`` plus the remaining critical path."""
    return now + timedelta(minutes=remaining_critical_path(board, now))


def render_progress(board: Board, view: ProgressView) -> str:
    """The plan's progress section. Pass the board ``moves.refreshed`` at ``view.now``,
    so leases that have expired show as given back."""
    parts = [
        f"### Progress: plan {_data(board.plan_id, 80)}",
        header_line(board, view),
        _table(board, view),
        totals_line(board, view.now),
        *([_data(view.full_suite, 600)] if view.full_suite else []),
        *(_question(board, question, view.answerable) for question in board.questions),
    ]
    return "\n\n".join(parts) + "\n"


def answer_key(board: Board, point: str, key: str) -> str:
    """The hidden key of one option's box: it names the board's plan version, so a tick
    on an older comment answers nothing."""
    return f"<!-- kairos:board={board.plan_hash[:8]}:dp={point}:opt={key} -->"


def read_answers(plan_hash: str, body: str) -> tuple[dict[str, str], tuple[str, ...]]:
    """The option ticked for each question in ``body``'s boxes for the plan ``plan_hash``,
    and notes on points ticked more than once (left unanswered)."""
    ticked: dict[str, set[str]] = {}
    for found in _TICKED.finditer(body):
        if found["hash"] == plan_hash[:8]:
            ticked.setdefault(found["dp"], set()).add(found["opt"])
    answers = {point: keys.pop() for point, keys in ticked.items() if len(keys) == 1}
    notes = tuple(
        f"{point}: {len(keys)} options ticked; tick one"
        for point, keys in sorted(ticked.items())
        if point not in answers
    )
    return answers, notes


def _question(board: Board, question: Question, answerable: bool) -> str:
    waiting = [t.id for t in board.tasks if question.id in t.decisions]
    head = (
        f"#### Decision {_data(question.id, 8)}: {_data(question.text, 500)}\n\n"
        f"Asked while carrying out {_data(question.asked_by, 40)}; waiting: "
        f"{', '.join(_data(t, 40) for t in waiting) or '-'}."
    )
    chosen = board.decisions.get(question.id)
    options = zip(question.option_keys(), question.options, strict=True)
    if chosen is not None:
        label = dict(options).get(chosen, "?")
        by = _data(question.answered_by, 40) or "a maintainer"
        return f"{head}\n\nDecided by {by}: {chosen}: {_data(label, 120)}"
    if not answerable:
        listed = [f"- {key}: {_data(label, 120)}" for key, label in options]
        return "\n".join([head, "", *listed, "", "Answer it on the plan's comment."])
    boxes = [
        f"- [ ] {key}: {_data(label, 120)} {answer_key(board, question.id, key)}"
        for key, label in options
    ]
    tick = "Tick one option; the next `work` run for this issue carries on from it."
    return "\n".join([head, "", *boxes, "", tick])


def header_line(board: Board, view: ProgressView) -> str:
    owners = {task.lease.owner for task in board.live() if task.lease is not None}
    agents = f"{len(owners)} agent{'' if len(owners) == 1 else 's'} active"
    queue = sum(1 for task in board.tasks if task.state in WAITING)
    return (
        f"{agents}; locks: {_locks(board.locks())}; "
        f"conflicts resolved: {view.conflicts_resolved}; queue: {queue}; "
        f"progress {done_share(board)}%"
    )


def done_share(board: Board) -> int:
    """The share of the board's estimated work in done tasks, in whole percent, rounded
    down (100 only when all is done); by count when nothing has an estimate."""
    weights = [(task.estimate_minutes, task.state is TaskStatus.DONE) for task in board.tasks]
    total = sum(minutes for minutes, _ in weights)
    if total <= 0:
        weights = [(1.0, done) for _, done in weights]
        total = float(len(weights))
    done = sum(minutes for minutes, finished in weights if finished)
    return int(100 * done // total) if total else 0


def totals_line(board: Board, now: datetime) -> str:
    done = sum(1 for task in board.tasks if task.state is TaskStatus.DONE)
    spent = board.spent_usd()
    budget = f"${spent:.2f} of ${board.budget_usd:.2f}" if board.budget_usd > 0 else None
    spend = budget or f"${spent:.2f} (no plan budget)"
    path = remaining_critical_path(board, now)
    if all(task.state in ENDED for task in board.tasks):
        finish = "ETA: every task has ended"
    else:
        finish = f"ETA: not before {_clock(eta(board, now))} ({LOWER_BOUND})"
    return (
        f"**Done {done} of {len(board.tasks)}** · spend {spend} · "
        f"remaining critical path {_duration(path)} · {finish}"
    )


def _table(board: Board, view: ProgressView) -> str:
    lines = [
        "| state | step | title | owner | elapsed / estimate | PR | waiting for / why |",
        "|---|---|---|---|---|---|---|",
    ]
    lines += [_row(board, task, view) for task in board.tasks[: view.max_rows]]
    hidden = len(board.tasks) - view.max_rows
    if hidden > 0:
        lines.append(f"\n_{hidden} more steps are not shown._")
    return "\n".join(lines)


def _row(board: Board, task: BoardTask, view: ProgressView) -> str:
    owner = _owner(task)
    cells = (
        f"{ICONS[task.state]} {task.state}",
        _data(task.id, 40),
        _data(task.title, 120),
        run_link(owner, view.runs_url) if owner else "-",
        f"{_elapsed(task, view.now)} / {_duration(task.estimate_minutes)}",
        _pull(board.pulls.get(task.id)),
        _why(board, task),
    )
    return "| " + " | ".join(cells) + " |"


def _owner(task: BoardTask) -> str:
    """The lease's holder; once it is given back, the last one who claimed the task."""
    if task.lease is not None:
        return task.lease.owner
    return next((e.by for e in reversed(task.history) if e.what == "claimed"), "")


def _elapsed(task: BoardTask, now: datetime) -> str:
    """From the first claim to the task's end, or to now while it has not ended."""
    since = _claimed_at(task)
    if since is None:
        return "-"
    end = _at(task.history[-1].at) if task.state in ENDED else now
    if end is None:
        return "?"
    return _duration(max(0.0, (end - since).total_seconds() // 60))  # whole minutes gone


def _claimed_at(task: BoardTask) -> datetime | None:
    claims = [event.at for event in task.history if event.what == "claimed"]
    return _at(claims[0]) if claims else None


def _left_of(task: BoardTask, now: datetime | None) -> float:
    since = _claimed_at(task) if now is not None and task.state in LIVE else None
    if since is None or now is None:
        return task.estimate_minutes
    return max(0.0, task.estimate_minutes - (now - since).total_seconds() / 60)


def _pull(url: str | None) -> str:
    if url is None:
        return "-"
    if _PULL_URL.fullmatch(url) is None:
        return _data(url, 100)
    number = url.rstrip("/").rsplit("/", 1)[-1]
    return f"[PR {number}]({url})" if number.isdigit() else f"[PR]({url})"


def _why(board: Board, task: BoardTask) -> str:
    """What a waiting task waits for; why a failed or cancelled one ended."""
    if task.state in WAITING and task.block is not None:
        detail = _block_detail(board, task)
        return f"{task.block}: {detail}" if detail else str(task.block)
    if task.state in (TaskStatus.FAILED, TaskStatus.CANCELLED) and task.history:
        return _data(task.history[-1].note, 120) or "-"
    return "-"


def _block_detail(board: Board, task: BoardTask) -> str:
    if task.block is BlockReason.DEPENDENCY:
        states = {t.id: t.state for t in board.tasks}
        waits = [d for d in task.depends_on if states.get(d) is not TaskStatus.DONE]
        return ", ".join(_data(dep, 40) for dep in waits)
    if task.block is BlockReason.DECISION:
        open_points = [p for p in task.decisions if board.decisions.get(p) is None]
        return ", ".join(_data(point, 40) for point in open_points)
    if task.block is BlockReason.LOCK:
        held = {path: holder for path, holder in board.locks().items() if holder != task.id}
        busy = {path: held[path] for path in conflicts(task.write_set, held)}
        return _cell_locks(busy)
    return f"${board.spent_usd():.2f} of ${board.budget_usd:.2f} spent"


def _locks(locks: Mapping[str, str]) -> str:
    if not locks:
        return "none"
    shown = [f"{_data(path, 80)} ({_data(holder, 40)})" for path, holder in locks.items()]
    more = len(shown) - MAX_LOCKS
    return ", ".join(shown[:MAX_LOCKS]) + (f" and {more} more" if more > 0 else "")


def _cell_locks(locks: Mapping[str, str]) -> str:
    return ", ".join(f"{_data(path, 80)} ({_data(h, 40)})" for path, h in locks.items())


def _duration(minutes: float) -> str:
    """``45 min``, ``1 h 05 min``; a few minutes keep one decimal (``2.5 min``)."""
    if minutes < 10 and minutes != int(minutes):
        return f"{minutes:.1f} min"
    hours, rest = divmod(round(minutes), 60)
    return f"{hours} h {rest:02d} min" if hours else f"{rest} min"


def _clock(moment: datetime) -> str:
    return to_iso(moment).replace("T", " ")[:16] + " UTC"


def _data(text: str, limit: int) -> str:
    """Outside text as one inert table cell: ``plain_cell``, with ``*``, ``_`` and ``~``
    escaped outside the code spans it makes of mentions and references."""
    parts = plain_cell(text, limit).split("`")
    spans = len(parts) - 1 if len(parts) % 2 else len(parts) - 2  # a cut span is text
    return "`".join(
        part if i % 2 and i < spans else _EMPHASIS.sub(r"\\\g<0>", part)
        for i, part in enumerate(parts)
    )


def _at(stamp: str) -> datetime | None:
    """A stored timestamp, or None for one that does not read (shown as ``?``)."""
    try:
        return from_iso(stamp)
    except ValueError:
        return None
