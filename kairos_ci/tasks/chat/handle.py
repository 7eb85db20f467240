"""What each command does. Pure: the answer says what to reply and what to remember.

Memory entries made here (read by the nightly run and the review):
- ``/kairos approve KEY``: task ``approve:KEY`` (kind ``approve``), queued; the dashboard
  box with that key is ticked too, which is what the nightly run's gate reads.
- ``/kairos ignore KEY``: a rejection of ``KEY`` (a finding's fingerprint or a rule).

``/kairos fix`` and ``/kairos review`` are run now by the composition root (the answer
asks for them); nothing is queued for a later run. ``/kairos plan <goal>`` is not
answered here: ``kairos-ci plan`` (``pipeline/plan.py``) plans.
"""

from __future__ import annotations

from kairos_ci.config.records import Level
from kairos_ci.dashboard.parse import checkboxes
from kairos_ci.dashboard.records import Action
from kairos_ci.memory.records import Rejection, Task, TaskState
from kairos_ci.tasks.chat.records import Answer, ChatCommand, Name, Thread
from kairos_ci.tasks.chat.status import status

MAX_KEYS_LISTED = 10
ON_AN_ISSUE = (
    "`/kairos fix` fixes the tests a pull request's failed CI run reports; this is an "
    "issue. To have kairos plan a change here, write `/kairos plan GOAL` (the kairos-plan "
    "workflow answers it); failing tests on the default branch are fixed by the "
    "maintenance run."
)
HELP = """kairos-ci commands (each on a line of its own, from someone with write access):

- `/kairos help`: this list.
- `/kairos status`: what kairos knows about this pull request or issue.
- `/kairos review`: review this pull request now (only what it has not said before).
- `/kairos fix`: run `fix_tests` now for this pull request's latest failed CI run, on the
  default branch's code, and reply with the fix pull request, the suggestion, or why not.
- `/kairos approve [KEY]`: promote a change kairos suggested on the dashboard to a pull request.
- `/kairos ignore FINGERPRINT|RULE`: never post that finding, or that rule, in this repository.
- `/kairos plan GOAL`: plan a large change in this issue, for you to review and approve
  (the kairos-plan workflow answers it, not this one)."""


def answer(command: ChatCommand, thread: Thread) -> Answer:
    if command.name is None:
        return Answer(f"kairos did not understand {_code(command.line)}.\n\n{HELP}")
    handlers = {
        Name.HELP: lambda: Answer(HELP),
        Name.STATUS: lambda: Answer(status(thread)),
        Name.REVIEW: lambda: _review(thread),
        Name.FIX: lambda: _fix(thread),
        Name.APPROVE: lambda: _approve(command.argument, thread),
        Name.IGNORE: lambda: _ignore(command.argument, thread),
        Name.PLAN: _plan,
    }
    return handlers[command.name]()


def _review(thread: Thread) -> Answer:
    if not thread.on_pull_request:
        return Answer("`/kairos review` works on pull requests; this is an issue.")
    return Answer("", review=True)


def _fix(thread: Thread) -> Answer:
    if not thread.on_pull_request:
        return Answer(ON_AN_ISSUE)
    return Answer("", fix=True)


def _ignore(key: str, thread: Thread) -> Answer:
    if thread.ceiling < Level.APPROVE:
        return Answer("A bot may not silence findings: `/kairos ignore` needs a person.")
    if not key:
        return Answer("Name what to ignore: `/kairos ignore FINGERPRINT` or `/kairos ignore RULE`.")
    reason = f"/kairos ignore in #{thread.number} (comment {thread.comment_id})"
    rejection = Rejection(key, thread.login, thread.at, reason)
    text = (
        f"kairos will not post {_code(key)} again in this repository (a finding's "
        "fingerprint, or a rule such as `ruff/F401`)."
    )
    return Answer(text, rejections=(rejection,))


def _plan() -> Answer:
    """Only reached when a caller skips ``task.chat``'s hand-over to ``kairos-ci plan``."""
    return Answer("`/kairos plan GOAL` is answered by the kairos-plan workflow.")


def _approve(key: str, thread: Thread) -> Answer:
    if thread.ceiling < Level.APPROVE:
        return Answer("A bot may not approve changes: `/kairos approve` needs a person.")
    boxes = checkboxes(thread.dashboard.body if thread.dashboard else None)
    waiting = [b.key for b in boxes if b.action is Action.APPROVE and not b.checked]
    approved = {b.key for b in boxes if b.action is Action.APPROVE and b.checked}
    if key and key in approved:
        return Answer(f"{_code(key)} is already approved: the next maintenance run opens it.")
    chosen = key or _only(waiting, thread)
    if chosen is None or chosen not in waiting:
        return Answer(_which(key, waiting))
    why = f"approved by {thread.login} in #{thread.number} (comment {thread.comment_id})"
    task = Task(f"approve:{chosen}", "approve", chosen, TaskState.QUEUED, why, thread.at)
    text = (
        f"Approved {_code(chosen)}: its box on the dashboard is ticked, and the next "
        "maintenance run opens the pull request if the change is still the same."
    )
    return Answer(text, tasks=(task,), tick=chosen)


def _only(waiting: list[str], thread: Thread) -> str | None:
    on_dashboard = thread.dashboard is not None and thread.dashboard.number == thread.number
    return waiting[0] if on_dashboard and len(waiting) == 1 else None


def _which(key: str, waiting: list[str]) -> str:
    head = (
        f"No suggested change has the key {_code(key)}." if key else "Name the change to approve."
    )
    if not waiting:
        return head + " Nothing waits for approval on the dashboard."
    keys = "\n".join(f"- `/kairos approve {k}`" for k in waiting[:MAX_KEYS_LISTED])
    return f"{head} Waiting for approval on the dashboard:\n\n{keys}"


def _code(text: str) -> str:
    flat = " ".join(text.split()).replace("`", "'")[:200]
    return f"`{flat}`"
