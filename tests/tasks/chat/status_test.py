"""`/kairos status`: what memory knows, with links (pure)."""

from __future__ import annotations

from kairos_ci.memory.records import (
    Backoff,
    Fact,
    Memory,
    Posted,
    RunRecord,
    RunResult,
    Task,
    TaskState,
    Work,
    WorkState,
)
from kairos_ci.tasks.chat.status import MAX_STATUS_ITEMS, status
from tests.tasks.chat.handle_test import AT, thread


def test_status_says_what_memory_knows_here_with_links() -> None:
    approve = Task("approve:a.1", "approve", "a.1", TaskState.QUEUED, "asked", AT)
    done = Task("approve:b.2", "approve", "b.2", TaskState.DONE, "taken", AT)
    backoff = Backoff("sig", "tests/t.py::test_x", 2, AT, "2026-11-30T12:00:00Z", "no luck")
    memory = Memory(
        runs=(
            RunRecord("local-1", "schedule", "0" * 40, "2026-11-25T12:00:00Z", RunResult.FAILURE),
            RunRecord("123.1", "schedule", "0" * 40, AT, RunResult.SUCCESS),
        ),
        facts={"review.head.pr#7": Fact("review.head.pr#7", "a" * 40, "review", "r1", AT)},
        posted={
            "pr#7:lint-1": Posted("review", "pr#7", "https://x/pull/7", AT),
            "pr#8:lint-2": Posted("review", "pr#8", "https://x/pull/8", AT),
        },
        work={
            "kairos/fix-lint/a": Work("kairos/fix-lint/a", 12, WorkState.OPEN, "h", "fix_lint", AT),
            "kairos/fix-lint/b": Work(
                "kairos/fix-lint/b", 9, WorkState.MERGED, "h", "fix_lint", AT
            ),
        },
        tasks={approve.task_id: approve, done.task_id: done},
        backoffs={"sig": backoff},
    )
    text = status(thread(memory=memory, runs_url="https://github.com/o/r/actions/runs/"))
    assert "last reviewed head: `aaaaaaaaaaaa`" in text
    assert "findings said here: 1" in text
    assert (
        "- waiting for the next maintenance run:\n  - `approve:a.1`: queued" in text
        and "approve:b.2" not in text
    )
    assert "- open kairos pull requests:\n  - #12 (`fix_lint`, `kairos/fix-lint/a`)" in text
    assert "#9" not in text
    assert (
        "  - `tests/t.py::test_x`: 2 fixes for this failure failed \\(no luck\\); next try after"
        in text
    )
    assert (
        f"  - schedule at {AT}: success ([run 123](https://github.com/o/r/actions/runs/123))"
        in text
    )
    assert "  - schedule at 2026-11-25T12:00:00Z: failure (`local-1`)" in text
    assert text.index("run 123") < text.index("local-1")  # newest first


def test_status_says_none_where_memory_knows_nothing() -> None:
    text = status(thread(on_pull_request=False))
    assert (
        "- waiting for the next maintenance run: none" in text
        and "- open kairos pull requests: none" in text
    )
    assert "- last runs: none" in text and "last reviewed head" not in text


def test_long_lists_are_cut_and_say_how_many_more() -> None:
    backoffs = {
        f"s{i}": Backoff(f"s{i}", f"t{i}", 1, AT, "2026-11-28T12:00:00Z", "no")
        for i in range(MAX_STATUS_ITEMS + 3)
    }
    text = status(thread(memory=Memory(backoffs=backoffs)))
    assert text.count("fix for this failure failed") == MAX_STATUS_ITEMS
    assert "  - and 3 more" in text
