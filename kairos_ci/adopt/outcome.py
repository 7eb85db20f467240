"""What writing a planned file would do, given what is there now: never overwrite
without ``force``, and write nothing when the content is already the same."""

from __future__ import annotations

from kairos_ci.adopt.records import FileOutcome, FileStatus, PlannedFile


def outcome(planned: PlannedFile, existing: str | None, *, force: bool) -> FileOutcome:
    if existing is None:
        return FileOutcome(planned, FileStatus.NEW)
    if existing == planned.text:
        return FileOutcome(planned, FileStatus.UNCHANGED)
    return FileOutcome(planned, FileStatus.REPLACED if force else FileStatus.KEPT)
