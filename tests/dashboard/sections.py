"""Plan sections for the dashboard's tests, shaped like the coordinator's progress."""

from __future__ import annotations


def progress(plan_id: str, rows: int = 2, elapsed: str = "5 min") -> str:
    """A section shaped like ``coordinator.progress``'s: heading, header, table, totals."""
    table = ["| state | step | elapsed / estimate |", "|---|---|---|"]
    table += [f"| 🔄 running | s{i} | {elapsed} / 10 min |" for i in range(rows)]
    totals = f"**Done 0 of {rows}** · ETA: not before 2026-12-05 03:{elapsed[:1]}0 UTC"
    return "\n\n".join(
        [f"### Progress: plan {plan_id}", "1 agent active", "\n".join(table), totals]
    )
