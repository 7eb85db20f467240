"""Checkstyle XML (also written by ESLint, golangci-lint, hadolint, phpcs, scalastyle...).

``<checkstyle><file name=...><error line= column= severity= message= source=/></file>``;
``source`` is the rule (Checkstyle's check class, golangci-lint's linter name).
Line 0 means "the whole file" and becomes no line.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from kairos_ci.errors import InputTooLarge
from kairos_ci.signals import xmlstream
from kairos_ci.signals.findings import Reporter, Span, finding, severity_word
from kairos_ci.signals.records import Record, ReportLimits


class CheckstyleHandler:
    def __init__(self, display: str, root: str | None, limits: ReportLimits, tool: str) -> None:
        self._source = Reporter(display, tool, root, limits.max_message_chars)
        self._limits = limits
        self._depth = xmlstream.Depth(limits.max_depth)
        self._path: str | None = None
        self._count = 0
        self._out: list[Record] = []
        self.listen: xmlstream.Listen = xmlstream.ignore_text

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        self._depth.enter()
        tag = xmlstream.local(tag)
        if tag == "file":
            self._path = attrs.get("name") or None
        elif tag == "error" and self._depth.depth == 3:
            self._count += 1
            if self._count > self._limits.max_findings:
                raise InputTooLarge(
                    f"stopped after {self._limits.max_findings:,} findings (the cap)"
                )
            self._out.append(
                finding(
                    self._source,
                    rule=attrs.get("source"),
                    severity=severity_word(attrs.get("severity")),
                    at=Span(self._path, attrs.get("line"), None, attrs.get("column")),
                    message=attrs.get("message", ""),
                )
            )

    def end(self, tag: str) -> None:
        self._depth.leave()
        if xmlstream.local(tag) == "file":
            self._path = None

    def data(self, text: str) -> None:
        return None

    def drain(self) -> list[Record]:
        out, self._out = self._out, []
        return out

    def finish(self) -> list[Record]:
        return self.drain()

    def salvage(self) -> list[Record]:
        return self.drain()  # every finding is complete once its element starts


def read(
    path: Path, display: str, root: str | None, limits: ReportLimits, tool: str = "checkstyle"
) -> Iterator[Record]:
    """Findings from a checkstyle XML file; raises ``InputError`` if it is not one."""

    def pick(tag: str) -> xmlstream.Handler | None:
        return CheckstyleHandler(display, root, limits, tool) if tag == "checkstyle" else None

    return (record for batch in xmlstream.stream(path, pick, limits) for record in batch)
