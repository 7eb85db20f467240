"""The diff since the failing tests last passed: memory's commit, checked, then the
changes the rest of the context points at first, within the budget."""

from __future__ import annotations

from pathlib import Path

from kairos_ci.agent.records import FailingTest
from kairos_ci.agent.since_pass import last_passed, last_passes, since_pass
from kairos_ci.memory.records import TestRecord
from kairos_ci.verdicts.records import HistoryEntry, Outcome
from tests.agent.repos import commit


def entry(sha: str, outcome: Outcome) -> HistoryEntry:
    return HistoryEntry(sha, "t" * 40, f"run-{sha[:3]}", outcome, 0.1, "2026-11-27T03:00:00Z")


def test_the_last_pass_is_the_latest_passing_run_in_memory() -> None:
    history = (
        entry("a" * 40, Outcome.PASSED),
        entry("b" * 40, Outcome.PASSED),
        entry("c" * 40, Outcome.FAILED),
    )
    assert last_passed(history) == "b" * 40
    assert last_passed(history[2:]) is None
    tests = {"t::a": TestRecord(history), "t::never": TestRecord(history[2:])}
    assert last_passes(tests, ["t::a", "t::never", "t::unknown"]) == {"t::a": "b" * 40}


def project(root: Path) -> tuple[str, str]:
    passed = commit(root, {"calc.py": "def add(a, b):\n    return a + b\n", "big.txt": "x\n"})
    commit(root, {"calc.py": "def add(a, b):\n    return a - b\n"}, "a regression")
    big = "".join(f"row {n}\n" for n in range(2000))
    head = commit(root, {"big.txt": big, "notes.md": "# notes\n"}, "an unrelated change")
    return passed, head


def test_the_diff_names_every_change_and_shows_the_relevant_ones_first(tmp_path: Path) -> None:
    passed, head = project(tmp_path)
    failing = [FailingTest("t::test_add", passed_at=passed)]
    changes = since_pass(tmp_path, head, failing, {"calc.py"}, tokens=300)
    assert changes.paths == ("big.txt", "calc.py", "notes.md")
    text = changes.text
    assert text.startswith(f"t::test_add last passed at {passed[:12]}. Files changed since")
    assert "  big.txt (+2000 -1)\n  calc.py (+1 -1)\n  notes.md (+1 -0)" in text
    assert "-    return a + b\n+    return a - b" in text
    assert "row 1999" not in text  # too big for the budget: named, not shown
    assert "+# notes" in text  # small enough to fit after the relevant one


def test_a_commit_memory_names_that_is_not_usable_is_said_plainly(tmp_path: Path) -> None:
    _, head = project(tmp_path)

    def said(sha: str) -> str:
        return since_pass(tmp_path, head, [FailingTest("t::x", passed_at=sha)], (), 500).text

    assert said("--output=/tmp/x").endswith("not a commit id, so no diff is shown.")
    assert said("0" * 40).endswith("not in this checkout (a shallow clone?).")
    assert said(head).endswith("the same commit fails now, so no code change explains it.")
    assert since_pass(tmp_path, head, [FailingTest("t::x")], (), 500).text == ""
