"""What each command answers, and what it asks memory to learn (pure)."""

from __future__ import annotations

from kairos_ci.config.records import Level
from kairos_ci.forge.records import Issue
from kairos_ci.memory.records import Fact, Memory, Posted, RunRecord, RunResult, Task, TaskState
from kairos_ci.tasks.chat.handle import Thread, answer, status
from kairos_ci.tasks.chat.parse import first_command

AT = "2026-11-27T12:00:00Z"


def thread(**changes: object) -> Thread:
    values: dict[str, object] = {
        "number": 7,
        "on_pull_request": True,
        "login": "maria",
        "ceiling": Level.AUTO,
        "memory": Memory(),
        "dashboard": None,
        "comment_id": 55,
        "at": AT,
    }
    values.update(changes)
    return Thread(**values)  # type: ignore[arg-type]


def say(words: str, where: Thread) -> str:
    command = first_command(words)
    assert command is not None
    return answer(command, where).text


def test_unknown_commands_get_the_help() -> None:
    text = say("/kairos frobnicate", thread())
    assert "did not understand `/kairos frobnicate`" in text and "/kairos status" in text


def test_review_is_left_to_the_composition_root() -> None:
    command = first_command("/kairos review")
    assert command is not None
    assert answer(command, thread()).review is True


def test_ignore_needs_something_to_ignore() -> None:
    command = first_command("/kairos ignore")
    assert command is not None
    done = answer(command, thread())
    assert done.rejections == () and "Name what to ignore" in done.text


def test_approve_picks_the_only_waiting_box_on_the_dashboards_own_thread() -> None:
    body = (
        "- [ ] **approve** A <!-- kairos:key=approve:a.1 -->\n"
        "- [x] **approve** B <!-- kairos:key=approve:b.2 -->\n"
        "- [ ] **retry** C <!-- kairos:key=retry:c.3 -->"
    )
    board = Issue(7, "https://x/issues/7", "kairos", body, "kairos-ci[bot]", "open")
    command = first_command("/kairos approve")
    assert command is not None
    done = answer(command, thread(dashboard=board, on_pull_request=False))
    assert done.tick == "a.1" and done.tasks[0].task_id == "approve:a.1"
    elsewhere = answer(command, thread(dashboard=board, number=8))
    assert elsewhere.tick is None and "`/kairos approve a.1`" in elsewhere.text
    unknown = first_command("/kairos approve nope.0")
    assert (
        unknown is not None
        and "No suggested change has the key `nope.0`"
        in answer(unknown, thread(dashboard=board)).text
    )


def test_status_says_what_memory_knows_here() -> None:
    queued = Task("fix_tests:pr#7", "fix_tests", "pr#7", TaskState.QUEUED, "asked", AT)
    memory = Memory(
        runs=(RunRecord("r1", "schedule", "0" * 40, AT, RunResult.SUCCESS),),
        facts={"review.head.pr#7": Fact("review.head.pr#7", "a" * 40, "review", "r1", AT)},
        posted={
            "pr#7:lint-1": Posted("review", "pr#7", "https://x/pull/7", AT),
            "pr#8:lint-2": Posted("review", "pr#8", "https://x/pull/8", AT),
        },
        tasks={queued.task_id: queued},
    )
    text = status(thread(memory=memory))
    assert "last reviewed head: `aaaaaaaaaaaa`" in text
    assert "findings said here: 1" in text
    assert "queued here: `fix_tests:pr#7`" in text
    assert f"last run: schedule at {AT}, success" in text
