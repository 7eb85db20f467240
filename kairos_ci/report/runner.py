"""Talking to the GitHub Actions runner: summary, outputs, annotations, groups, masks.

Workflow commands are lines on stdout that the runner interprets, so any
untrusted text we print must not be able to issue one. ``echo_untrusted`` wraps
it in ``::stop-commands::`` with a token nobody can guess.
"""

from __future__ import annotations

import re
import secrets
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Literal, TextIO

# GitHub rejects a step summary over 1 MiB; stay clear of it, note included.
SUMMARY_LIMIT_BYTES = 1024 * 1024 - 4096
ANNOTATIONS_PER_LEVEL = 10
_OUTPUT_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")

AnnotationLevel = Literal["error", "warning", "notice"]


class Runner:
    """Writes runner files and workflow commands. Without files (outside Actions) it
    still prints annotations, and summaries/outputs go nowhere. ``in_actions`` (the
    context's) is required: masks are printed only there."""

    def __init__(
        self,
        out: TextIO,
        output_file: Path | None,
        summary_file: Path | None,
        *,
        in_actions: bool,
    ) -> None:
        self._out = out
        self._output_file = output_file
        self._summary_file = summary_file
        self._in_actions = in_actions
        self._annotations: Counter[str] = Counter()

    def mask(self, value: str) -> None:
        """Ask the runner to hide ``value`` in logs. Outside Actions nobody reads the
        command, and printing it would show the very secret to the terminal."""
        if not self._in_actions:
            return
        for line in value.splitlines():
            if line.strip():
                self._out.write(f"::add-mask::{_escape_data(line)}\n")

    @contextmanager
    def group(self, title: str) -> Iterator[None]:
        self._out.write(f"::group::{_escape_data(title)}\n")
        try:
            yield
        finally:
            self._out.write("::endgroup::\n")

    def echo_untrusted(self, text: str) -> None:
        """Print text from outside (logs, PR bodies) without letting it run commands."""
        token = secrets.token_hex(16)
        self._out.write(f"::stop-commands::{token}\n{text.rstrip()}\n::{token}::\n")

    def annotate(
        self,
        level: AnnotationLevel,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        end_line: int | None = None,
        title: str | None = None,
    ) -> bool:
        """Emit one annotation; return False once this level's quota is spent."""
        self._annotations[level] += 1
        if self._annotations[level] > ANNOTATIONS_PER_LEVEL:
            return False
        props = {"file": file, "line": line, "endLine": end_line, "title": title}
        text = ",".join(
            f"{k}={_escape_property(str(v))}" for k, v in props.items() if v is not None
        )
        self._out.write(f"::{level}{' ' + text if text else ''}::{_escape_data(message)}\n")
        return True

    def dropped_annotations(self) -> dict[str, int]:
        return {
            level: count - ANNOTATIONS_PER_LEVEL
            for level, count in self._annotations.items()
            if count > ANNOTATIONS_PER_LEVEL
        }

    def set_output(self, name: str, value: str) -> None:
        """Append a step output; multi-line safe through a random heredoc delimiter."""
        if not _OUTPUT_NAME.match(name):
            raise ValueError(f"invalid output name {name!r}")
        if self._output_file is None:
            return
        delimiter = f"kairos_{secrets.token_hex(16)}"
        while delimiter in value:  # pragma: no cover - 128 random bits
            delimiter = f"kairos_{secrets.token_hex(16)}"
        with self._output_file.open("a", encoding="utf-8") as handle:
            handle.write(f"{name}<<{delimiter}\n{value}\n{delimiter}\n")

    def write_summary(self, markdown: str) -> None:
        """Append to the step summary, truncated so the file stays under GitHub's limit."""
        if self._summary_file is None:
            return
        used = self._summary_file.stat().st_size if self._summary_file.exists() else 0
        text = truncate_utf8(markdown, SUMMARY_LIMIT_BYTES - used)
        with self._summary_file.open("a", encoding="utf-8") as handle:
            handle.write(text)


def truncate_utf8(text: str, limit: int) -> str:
    """Cut ``text`` to at most ``limit`` UTF-8 bytes at a line boundary, saying so."""
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    note = "\n\n> kairos-ci: summary truncated, {} bytes left out.\n"
    budget = max(0, limit - len(note.format(len(data))))
    cut = data[:budget]
    newline = cut.rfind(b"\n")
    if newline > 0:
        cut = cut[:newline]
    kept = cut.decode("utf-8", "ignore")
    return kept + note.format(len(data) - len(kept.encode("utf-8")))


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")
