"""Building ``Finding`` records the same way for every lint format."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import NamedTuple

from kairos_ci.signals.numbers import clip, whole
from kairos_ci.signals.paths import normalize
from kairos_ci.signals.records import Finding, Severity


def fingerprint(tool: str, rule: str | None, path: str | None, message: str) -> str:
    """Stable identity of a finding across runs: the line is left out on purpose.

    A finding that moves because lines were added above it keeps its fingerprint, so it is
    never re-posted; whitespace in the message is normalised for the same reason.
    """
    text = "\0".join((tool, rule or "", path or "", " ".join(message.split())))
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


class Reporter(NamedTuple):
    """What every finding of one report shares: its file, its tool, and how to read it."""

    file: str  # the report, as records name it
    tool: str
    root: str | None  # the checkout as the report's producer saw it
    max_message: int


class Span(NamedTuple):
    """Where a finding points, as the report wrote it: loosely typed, checked by ``finding``."""

    path: str | None
    start_line: object = None
    end_line: object = None
    start_column: object = None


def finding(
    source: Reporter,
    *,
    rule: str | None,
    severity: Severity,
    at: Span,
    message: str,
    partial: Mapping[str, object] | None = None,
) -> Finding:
    """A finding from loosely typed values; lines and columns are 1-based, else None."""
    where = normalize(at.path, source.root) or None if at.path else None
    start = whole(at.start_line, minimum=1)
    end = whole(at.end_line, minimum=1)
    text = clip(message, source.max_message) or "(no message)"
    return Finding(
        file=source.file,
        tool=source.tool,
        rule=rule or None,
        severity=severity,
        path=where,
        start_line=start,
        end_line=end if end is not None and start is not None and end >= start else start,
        start_column=whole(at.start_column, minimum=1),
        message=text,
        fingerprint=fingerprint(source.tool, rule, where, text),
        partial_fingerprints=tuple(
            sorted((str(k), str(v)) for k, v in (partial or {}).items() if isinstance(v, str))
        ),
    )


_WORDS = {
    "error": Severity.ERROR,
    "fatal": Severity.ERROR,
    "critical": Severity.ERROR,
    "high": Severity.ERROR,
    "warning": Severity.WARNING,
    "warn": Severity.WARNING,
    "medium": Severity.WARNING,
    "note": Severity.NOTE,
    "info": Severity.NOTE,
    "information": Severity.NOTE,
    "low": Severity.NOTE,
    "none": Severity.NOTE,
    "ignore": Severity.NOTE,
}


def severity_word(word: object, default: Severity = Severity.WARNING) -> Severity:
    """``error``/``warning``/``info``-style words (any case) to a severity."""
    if isinstance(word, str):
        return _WORDS.get(word.strip().lower(), default)
    return default
