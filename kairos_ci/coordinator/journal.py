"""Replay a board's journal, the memory branch's history, and check what must always hold.

Every move was one commit, so reading ``board/<plan>.json`` at each commit, oldest
first, sees every state the workers ever shared. What must hold in each:

- no two live leases hold overlapping paths (the lock invariant);
- the fencing token never goes back, and each new lease has a token above all before it;
- a finished task never changes again, so no task is done twice (unless integration
  reopened it, and its newest event says so);
- a result is accepted only from the lease that was live just before it, by its token.

The checker trusts nothing of the coordinator's code: it reads only the JSON.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from kairos_ci.coordinator import codec
from kairos_ci.coordinator.contradictions import SET_ASIDE
from kairos_ci.coordinator.moves import FINISHED
from kairos_ci.coordinator.paths import overlaps
from kairos_ci.coordinator.records import ENDED, LIVE, Board, BoardTask, TaskStatus
from kairos_ci.coordinator.repairs import REPAIRS_USED
from kairos_ci.coordinator.store import board_path
from kairos_ci.git import Git

# Integration may reopen an ended task: its merges kept failing, or its result went
# was set aside for a question raised after it; the newest event says which.
REOPENING = (REPAIRS_USED, SET_ASIDE)


@dataclass(frozen=True)
class JournalReport:
    boards: int  # commits that held the board
    violations: tuple[str, ...]
    final: Board | None

    def unexplained(self) -> tuple[str, ...]:
        """Tasks that neither ended nor say what they wait for."""
        if self.final is None:
            return ()
        return tuple(
            t.id
            for t in self.final.tasks
            if t.state not in ENDED and not (t.state is TaskStatus.PENDING and t.block)
        )


def replay(git: Git, ref: str, plan_id: str) -> JournalReport:
    """Check every state of ``plan_id``'s board on ``ref``'s first-parent history."""
    violations: list[str] = []
    previous: Board | None = None
    count = 0
    for commit, board in _boards(git, ref, plan_id):
        count += 1
        violations.extend(f"{commit[:12]}: {v}" for v in _problems(previous, board))
        previous = board
    return JournalReport(count, tuple(violations), previous)


def _boards(git: Git, ref: str, plan_id: str) -> Iterator[tuple[str, Board]]:
    commits = git.text("rev-list", "--reverse", "--first-parent", ref).split()
    path = board_path(plan_id)
    wanted = "".join(f"{commit}:{path}\n" for commit in commits).encode()
    out = git.run("cat-file", "--batch", input=wanted).stdout
    offset = 0
    for commit in commits:
        end = out.index(b"\n", offset)
        header = out[offset:end].split()
        offset = end + 1
        if len(header) != 3 or header[1] != b"blob":
            continue  # the board did not exist yet at this commit
        size = int(header[2])
        yield commit, codec.loads(out[offset : offset + size], f"{commit[:12]}:{path}")
        offset += size + 1


def _problems(before: Board | None, board: Board) -> Iterator[str]:
    yield from _overlapping_leases(board)
    if before is None:
        return
    if board.fence < before.fence:
        yield f"the fencing token went back from {before.fence} to {board.fence}"
    earlier = {task.id: task for task in before.tasks}
    for task in board.tasks:
        old = earlier.get(task.id)
        if old is not None:
            yield from _task_problems(old, task, before.fence)


def _overlapping_leases(board: Board) -> Iterator[str]:
    live = [task for task in board.tasks if task.state in LIVE]
    for task in live:
        if task.lease is None:
            yield f"task {task.id} is {task.state} without a lease"
    for index, one in enumerate(live):
        for other in live[index + 1 :]:
            shared = [a for a in one.write_set for b in other.write_set if overlaps(a, b)]
            if shared:
                yield f"tasks {one.id} and {other.id} both hold {shared[0]} under live leases"


def _task_problems(old: BoardTask, new: BoardTask, fence_before: int) -> Iterator[str]:
    reopened = bool(new.history) and new.history[-1].what in REOPENING
    if old.state in ENDED and (new.state, new.result) != (old.state, old.result) and not reopened:
        yield f"task {new.id} changed after it ended {old.state}"
    if new.lease is not None and new.lease != old.lease:
        same_grant = old.lease is not None and new.lease.fence == old.lease.fence
        if not same_grant and new.lease.fence <= fence_before:
            yield f"task {new.id} got lease fence {new.lease.fence}, not above {fence_before}"
    seen = set(old.history)  # capped: compare events, not positions
    for event in (e for e in new.history if e.what in FINISHED and e not in seen):
        held = old.lease.fence if old.lease is not None and old.state in LIVE else None
        if event.fence != held:
            yield f"task {new.id} took a result with fence {event.fence}; the live lease had {held}"
