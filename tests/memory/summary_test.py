from __future__ import annotations

from kairos_ci.memory.fold import fold
from kairos_ci.memory.records import (
    Backoff,
    DecisionRecord,
    Memory,
    MemoryLimits,
    Spend,
    VerdictRecord,
)
from kairos_ci.memory.summary import render, text
from kairos_ci.verdicts.records import Outcome, Verdict
from tests.memory.helpers import at, jname, journal


def test_untrusted_text_renders_as_text() -> None:
    assert text("<img src=x onerror=alert(1)>") == "&lt;img src=x onerror=alert\\(1\\)&gt;"
    assert text("[click](https://evil.test) `code` *b* | cell") == (
        "\\[click\\]\\(https://evil.test\\) \\`code\\` \\*b\\* \\| cell"
    )
    assert text("two\nlines\r\n# heading") == "two lines \\# heading"
    assert len(text("x" * 500)) == 120


def test_summary_lists_what_matters_and_is_deterministic() -> None:
    flaky = VerdictRecord(Verdict.FLAKY, ("r1", "r2"))
    items = [
        (jname(1), journal("r1", 1, {"tests/a.py::test_x": Outcome.FAILED})),
        (
            jname(2),
            journal(
                "r2",
                2,
                {"tests/a.py::test_x": Outcome.PASSED},
                verdicts={"tests/a.py::test_x": flaky},
                decisions=(
                    DecisionRecord("r2", at(2), "report_flaky", "tests/a.py::test_x", "1 of 2"),
                ),
                spend={"opus": Spend(1.5, 100, 50)},
            ),
        ),
    ]
    memory = fold(Memory(), items, MemoryLimits())
    page = render(memory, ("snapshot.json: not valid JSON: started from a fresh snapshot",))
    assert "- Runs remembered: 2 (last: r2 at 2026-11-27T03:00:02Z, success)" in page
    assert "- Tests tracked: 1 (1 flaky)" in page
    assert "## Flaky tests" in page and "| tests/a.py::test\\_x | r1, r2 |" in page
    assert "## Problems found in the previous memory" in page
    assert "| 2026-11 | 1.50 | 150 |" in page
    assert render(memory, ()) == render(fold(Memory(), items[::-1], MemoryLimits()), ())


def test_long_tables_are_cut_with_a_count() -> None:
    items = [(jname(i), journal(f"r{i}", i)) for i in range(25)]
    page = render(fold(Memory(), items, MemoryLimits()), ())
    assert "…and 5 more." in page


def test_failed_fixes_waiting_to_be_retried_are_listed() -> None:
    waiting = Backoff("e" * 64, "tests/a.py::test_x", 3, at(0), "2026-12-09T03:00:00Z", "no fix")
    page = render(Memory(backoffs={waiting.signature: waiting}))
    assert "## Failed fixes waiting to be retried" in page
    assert "| tests/a.py::test\\_x | 3 | 2026-12-09 | no fix |" in page
