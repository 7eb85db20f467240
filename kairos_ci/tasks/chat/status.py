"""``/kairos status``: what memory knows, with links. Pure.

What waits for the next maintenance run, kairos's open pull requests (``#N``), tests
waiting to retry a failed fix, the findings and rules ignored, and the last runs (linked
to their Actions runs). Text from outside (branch names, test ids, failure reasons) is
shown as code or inert text.
"""

from __future__ import annotations

import re

from kairos_ci.memory.records import Memory, Task, TaskState, WorkState
from kairos_ci.tasks.chat.records import Thread
from kairos_ci.tasks.fix_tests.backoff import waiting_reason
from kairos_ci.tasks.review.markdown import code, inert
from kairos_ci.tasks.review.state import head_key, posted_key

MAX_STATUS_ITEMS = 10
LAST_RUNS = 3
_ACTIONS_RUN = re.compile(r"^(\d+)\.\d+$")  # RUN.ATTEMPT, as the command line names a run


def status(thread: Thread) -> str:
    """What memory knows, as links: what waits for the next maintenance run, kairos's open
    pull requests, tests waiting to retry a failed fix, and the last runs."""
    memory = thread.memory
    lines = ["What kairos knows here:", ""]
    if thread.on_pull_request:
        fact = memory.facts.get(head_key(thread.number))
        said = sum(1 for key in memory.posted if key.startswith(posted_key(thread.number, "")))
        reviewed = f"`{fact.value[:12]}`" if fact else "not reviewed yet"
        lines += [f"- last reviewed head: {reviewed}", f"- findings said here: {said}"]
    lines.append(_listed("waiting for the next maintenance run", _queued(memory)))
    lines.append(_listed("open kairos pull requests", _open_pulls(memory)))
    lines.append(_listed("tests waiting to retry a failed fix", _backoffs(memory)))
    lines.append(f"- findings and rules ignored in this repository: {len(memory.rejections)}")
    lines.append(_listed("last runs", _runs(thread)))
    return "\n".join(lines)


def _listed(label: str, items: list[str]) -> str:
    if not items:
        return f"- {label}: none"
    more = len(items) - MAX_STATUS_ITEMS
    shown = [f"  - {item}" for item in items[:MAX_STATUS_ITEMS]]
    return "\n".join([f"- {label}:", *shown, *([f"  - and {more} more"] if more > 0 else [])])


def _queued(memory: Memory) -> list[str]:
    """Requests a maintenance run takes (an approval), newest first."""
    waiting = [t for t in _newest_tasks(memory) if t.state in (TaskState.QUEUED, TaskState.RUNNING)]
    return [f"{code(t.task_id)}: {t.state}" for t in waiting]


def _newest_tasks(memory: Memory) -> list[Task]:
    return sorted(memory.tasks.values(), key=lambda t: t.at, reverse=True)


def _open_pulls(memory: Memory) -> list[str]:
    open_work = [w for w in memory.work.values() if w.state is WorkState.OPEN and w.pr]
    newest = sorted(open_work, key=lambda w: w.updated_at, reverse=True)
    return [f"#{w.pr} ({code(w.kind)}, {code(w.branch)})" for w in newest]


def _backoffs(memory: Memory) -> list[str]:
    waiting = sorted(memory.backoffs.values(), key=lambda b: b.next_attempt)
    return [f"{code(b.test_id)}: {inert(waiting_reason(b), 300)}" for b in waiting]


def _runs(thread: Thread) -> list[str]:
    last = thread.memory.runs[-LAST_RUNS:]
    return [f"{r.event} at {r.at}: {r.outcome}{_run_link(r.run_id, thread)}" for r in last[::-1]]


def _run_link(run_id: str, thread: Thread) -> str:
    """A GitHub Actions run id (``RUN.ATTEMPT``) links to its run; a local one does not."""
    found = _ACTIONS_RUN.match(run_id)
    if found is None or not thread.runs_url:
        return f" ({code(run_id)})"
    return f" ([run {found.group(1)}]({thread.runs_url}{found.group(1)}))"
