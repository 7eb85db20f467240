"""Native linter JSON: ruff, ESLint and pylint, each to findings.

- ruff ``--output-format json`` / ``json-lines``: 1-based rows and columns; ``code`` is
  null for syntax errors; every ruff diagnostic fails the run, so the default is error.
- ESLint ``-f json``: per file ``messages``; severity 2 error, 1 warning; ``fatal`` parse
  errors have no ``ruleId``.
- pylint ``json`` (0-based ``column``, ``message-id``) and ``json2`` (``messages`` +
  ``statistics``, ``messageId``); fatal/error -> error, warning -> warning,
  convention/refactor/info -> note.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from kairos_ci.errors import InputError, InputTooLarge
from kairos_ci.signals.findings import Reporter, Span, finding, severity_word
from kairos_ci.signals.jsondoc import arr, obj, text
from kairos_ci.signals.numbers import whole
from kairos_ci.signals.records import Finding, ReportLimits, Severity

_PYLINT = {
    "fatal": Severity.ERROR,
    "error": Severity.ERROR,
    "warning": Severity.WARNING,
    "convention": Severity.NOTE,
    "refactor": Severity.NOTE,
    "info": Severity.NOTE,
}


def kind_of(doc: Any) -> str | None:
    """Which native format a parsed JSON document is: ruff, eslint, pylint, or None."""
    if isinstance(doc, dict) and isinstance(doc.get("messages"), list) and "statistics" in doc:
        return "pylint"
    if isinstance(doc, dict) and isinstance(doc.get("results"), list) and "metadata" in doc:
        return "eslint" if kind_of(doc["results"]) in ("eslint", None) else None
    if not isinstance(doc, list) or not doc or not isinstance(doc[0], dict):
        return None
    keys = doc[0].keys()
    if "filePath" in keys and "messages" in keys:
        return "eslint"
    if "filename" in keys and "location" in keys:
        return "ruff"
    if "message-id" in keys or {"symbol", "module", "type"} <= keys:
        return "pylint"
    return None


def _capped(findings: Iterable[Finding], limits: ReportLimits) -> Iterator[Finding]:
    for count, item in enumerate(findings, start=1):
        if count > limits.max_findings:
            raise InputTooLarge(f"stopped after {limits.max_findings:,} findings (the cap)")
        yield item


def _list(doc: Any, what: str) -> list[Any]:
    if not isinstance(doc, list):
        raise InputError(f"not {what}: expected a JSON array at the top level")
    return doc


def ruff(doc: Any, display: str, root: str | None, limits: ReportLimits) -> Iterator[Finding]:
    source = Reporter(display, "ruff", root, limits.max_message_chars)

    def each() -> Iterator[Finding]:
        for raw in _list(doc, "ruff JSON"):
            item = obj(raw)
            start, end = obj(item.get("location")), obj(item.get("end_location"))
            yield finding(
                source,
                rule=text(item.get("code")),
                severity=severity_word(item.get("severity"), default=Severity.ERROR),
                at=Span(
                    text(item.get("filename")),
                    start.get("row"),
                    end.get("row"),
                    start.get("column"),
                ),
                message=text(item.get("message")) or "",
            )

    return _capped(each(), limits)


def eslint(doc: Any, display: str, root: str | None, limits: ReportLimits) -> Iterator[Finding]:
    if isinstance(doc, dict):  # the json-with-metadata formatter wraps the same array
        doc = doc.get("results")
    source = Reporter(display, "eslint", root, limits.max_message_chars)

    def each() -> Iterator[Finding]:
        for raw in _list(doc, "ESLint JSON"):
            entry = obj(raw)
            path = text(entry.get("filePath"))
            for message in arr(entry.get("messages")):
                item = obj(message)
                yield finding(
                    source,
                    rule=text(item.get("ruleId")),
                    severity=_eslint_severity(item),
                    at=Span(path, item.get("line"), item.get("endLine"), item.get("column")),
                    message=text(item.get("message")) or "",
                )

    return _capped(each(), limits)


def _eslint_severity(item: dict[str, Any]) -> Severity:
    if item.get("fatal") is True or item.get("severity") == 2:
        return Severity.ERROR
    return Severity.WARNING if item.get("severity") == 1 else Severity.NOTE


def pylint(doc: Any, display: str, root: str | None, limits: ReportLimits) -> Iterator[Finding]:
    items = arr(obj(doc).get("messages")) if isinstance(doc, dict) else _list(doc, "pylint JSON")
    source = Reporter(display, "pylint", root, limits.max_message_chars)

    def each() -> Iterator[Finding]:
        for raw in items:
            item = obj(raw)
            column = whole(item.get("column"))
            kind = text(item.get("type"))
            path = text(item.get("path")) or text(item.get("absolutePath"))
            yield finding(
                source,
                rule=text(item.get("message-id")) or text(item.get("messageId")),
                severity=_PYLINT.get((kind or "").lower(), Severity.WARNING),
                at=Span(path, item.get("line"), item.get("endLine"), _one_based(column)),
                message=text(item.get("message")) or "",
            )

    return _capped(each(), limits)


def _one_based(column: int | None) -> int | None:
    return column + 1 if column is not None else None  # pylint counts columns from 0
