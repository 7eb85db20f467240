"""Building ``Finding`` records the same way for every lint format."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

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


def finding(
    *,
    file: str,
    tool: str,
    rule: str | None,
    severity: Severity,
    path: str | None,
    root: str | None,
    start_line: object,
    end_line: object = None,
    start_column: object = None,
    message: str,
    max_message: int,
    partial: Mapping[str, object] | None = None,
) -> Finding:
    """A finding from loosely typed values; lines and columns are 1-based, else None."""
    where = normalize(path, root) or None if path else None
    start = whole(start_line, minimum=1)
    end = whole(end_line, minimum=1)
    text = clip(message, max_message) or "(no message)"
    return Finding(
        file=file,
        tool=tool,
        rule=rule or None,
        severity=severity,
        path=where,
        start_line=start,
        end_line=end if end is not None and start is not None and end >= start else start,
        start_column=whole(start_column, minimum=1),
        message=text,
        fingerprint=fingerprint(tool, rule, where, text),
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
