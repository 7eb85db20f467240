"""What each command answers, and what it asks memory to learn (pure)."""

from __future__ import annotations

from kairos_ci.config.records import Level
from kairos_ci.forge.records import Issue
from kairos_ci.memory.records import (
    Memory,
)
from kairos_ci.tasks.chat.handle import answer
from kairos_ci.tasks.chat.parse import first_command
from kairos_ci.tasks.chat.records import Thread

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


def test_fix_is_left_to_the_composition_root_and_queues_nothing() -> None:
    command = first_command("/kairos fix")
    assert command is not None
    done = answer(command, thread())
    assert done.fix is True and done.tasks == () and done.text == ""
    on_issue = answer(command, thread(on_pull_request=False))
    assert on_issue.fix is False and on_issue.tasks == ()
    assert "`/kairos plan GOAL`" in on_issue.text and "this is an issue" in on_issue.text


def test_the_help_promises_no_queue() -> None:
    text = say("/kairos help", thread())
    assert "queue" not in text and "run `fix_tests` now" in text
