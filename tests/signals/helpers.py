"""Small helpers for the signals tests: write a report, split records by kind."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from kairos_ci.signals import records
from kairos_ci.signals.read import parse_report


def write(directory: Path, name: str, content: str | bytes) -> Path:
    path = directory / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return path


def read(path: Path, fmt: str = "auto", **kwargs: object) -> list[records.Record]:
    return list(parse_report(path, fmt, **kwargs))  # type: ignore[arg-type]


def results_of(items: Iterable[records.Record]) -> list[records.TestResult]:
    return [r for r in items if isinstance(r, records.TestResult)]


def findings_of(items: Iterable[records.Record]) -> list[records.Finding]:
    return [r for r in items if isinstance(r, records.Finding)]


def errors_of(items: Iterable[records.Record]) -> list[records.ErrorRecord]:
    return [r for r in items if isinstance(r, records.ErrorRecord)]


def notices(items: Iterable[records.Record]) -> list[records.Notice]:
    return [r for r in items if isinstance(r, records.Notice)]


def by_id(items: Iterable[records.Record]) -> dict[str, records.TestResult]:
    return {r.id: r for r in results_of(items)}
