"""Never overwrite without force; write nothing that is already there."""

from __future__ import annotations

from kairos_ci.adopt.outcome import outcome
from kairos_ci.adopt.records import FileStatus, PlannedFile

PLANNED = PlannedFile(".github/kairos.yml", "version: 1\n")


def test_each_status() -> None:
    assert outcome(PLANNED, None, force=False).status is FileStatus.NEW
    assert outcome(PLANNED, "version: 1\n", force=False).status is FileStatus.UNCHANGED
    assert outcome(PLANNED, "version: 1\n", force=True).status is FileStatus.UNCHANGED
    assert outcome(PLANNED, "# mine\n", force=False).status is FileStatus.KEPT
    assert outcome(PLANNED, "# mine\n", force=True).status is FileStatus.REPLACED


def test_only_new_and_replaced_files_are_written() -> None:
    writes = {
        s: outcome(PLANNED, e, force=f).writes
        for s, e, f in (
            ("new", None, False),
            ("same", "version: 1\n", True),
            ("kept", "x", False),
            ("replaced", "x", True),
        )
    }
    assert writes == {"new": True, "same": False, "kept": False, "replaced": True}
