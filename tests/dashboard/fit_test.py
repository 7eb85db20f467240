"""Cutting a long section to fit the dashboard: whole lines only, rows from the end of
its table so what follows it stays, or lines from the end; a line says how many went."""

from __future__ import annotations

from kairos_ci.dashboard.fit import fitted
from tests.dashboard.sections import progress


def test_a_long_plan_loses_rows_from_the_end_of_its_table_keeping_what_follows() -> None:
    long = progress("big", rows=400) + "\n\n#### Decision D1: which store?"
    section = fitted(long, 4_000)
    assert len(section) <= 4_000
    head, tail = section.split("\n\n_", 1)
    assert long.startswith(head)  # whole rows, in order
    cut = 400 - (len(head.splitlines()) - 6)  # heading, header line, 2 blank, 2 table
    assert tail.startswith(f"{cut} more steps are cut to keep the dashboard short")
    assert section.endswith(long.split("\n\n", 3)[3])  # the totals and the question
    assert fitted(progress("small"), 4_000) == progress("small")


def test_a_plan_too_long_without_its_table_is_cut_from_the_end() -> None:
    wordy = "\n".join(f"line {i} " + "x" * 50 for i in range(200))
    section = fitted(wordy, 2_000)
    assert len(section) <= 2_000
    kept, note = section.split("\n\n")
    assert wordy.startswith(kept)
    assert note.startswith(f"_{200 - len(kept.splitlines())} more lines are cut")
