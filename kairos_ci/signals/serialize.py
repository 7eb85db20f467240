"""Records as the JSON objects ``kairos-ci parse`` prints (schemas/signals.schema.json)."""

from __future__ import annotations

from typing import Any

from kairos_ci.signals.records import (
    ErrorRecord,
    Finding,
    Notice,
    Record,
    SuiteTotals,
    TestResult,
)


def to_json(record: Record) -> dict[str, Any]:
    """One JSON Lines object; keys in the documented order."""
    if isinstance(record, TestResult):
        return _test(record)
    if isinstance(record, Finding):
        return {
            "kind": "finding",
            "file": record.file,
            "tool": record.tool,
            "rule": record.rule,
            "severity": record.severity.value,
            "path": record.path,
            "start_line": record.start_line,
            "end_line": record.end_line,
            "start_column": record.start_column,
            "message": record.message,
            "fingerprint": record.fingerprint,
        }
    if isinstance(record, SuiteTotals):
        return {
            "kind": "suite",
            "file": record.file,
            "suite": list(record.suite),
            "tests": record.tests,
            "passed": record.passed,
            "failed": record.failed,
            "errored": record.errored,
            "skipped": record.skipped,
        }
    if isinstance(record, ErrorRecord | Notice):
        return {"kind": record.kind, "file": record.file, "message": record.message}
    raise TypeError(f"not a record: {type(record).__name__}")


def _test(record: TestResult) -> dict[str, Any]:
    return {
        "kind": "test",
        "file": record.file,
        "id": record.id,
        "suite": list(record.suite),
        "classname": record.classname,
        "name": record.name,
        "path": record.path,
        "line": record.line,
        "outcome": record.outcome.value,
        "attempts": [
            {"outcome": a.outcome.value, "duration_s": a.duration_s, "message": a.message}
            for a in record.attempts
        ],
        "duration_s": record.duration_s,
        "message": record.message,
    }
