"""A would-be pull request's diff for a terminal: coloured on a terminal, plain otherwise."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from kairos_ci.commands.terminal import coloured_diff, console_for

PATCH = (
    "diff --git a/app.py b/app.py\n--- a/app.py\n+++ b/app.py\n"
    "@@ -1,2 +1,1 @@\n-import os\n+import sys\n context\n"
)


def test_the_diff_is_printed_as_it_is_when_not_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FORCE_COLOR", raising=False)  # would colour any stream
    stream = io.StringIO()  # not a terminal
    console_for(stream).print(coloured_diff(PATCH), soft_wrap=True)
    assert stream.getvalue() == PATCH + "\n"


def test_on_a_terminal_removed_lines_are_red_and_added_lines_green() -> None:
    text = coloured_diff(PATCH)
    styles = {
        text.plain[span.start : span.end].rstrip("\n"): str(span.style) for span in text.spans
    }
    assert styles["-import os"] == "red" and styles["+import sys"] == "green"
    assert styles["@@ -1,2 +1,1 @@"] == "cyan" and styles["--- a/app.py"] == "bold"
    assert " context" not in styles
    stream = io.StringIO()
    Console(file=stream, force_terminal=True, color_system="standard").print(text)
    assert "\x1b[31m-import os" in stream.getvalue()
