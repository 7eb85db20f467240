"""Source locations printed in failure output (stack traces), in the order they appear.

Recognised: Python (``File "a.py", line 3``), JVM (``at org.acme.T.m(T.java:18)``, turned
into ``org/acme/T.java``), and the ``path/to/file.ext:LINE[:COL]`` form that pytest's
short tracebacks, Node, Go, Rust, Catch2 and compilers print. Resolution against the
repository's files happens later (``kairos_ci.diff.locate``).
"""

from __future__ import annotations

import re

from kairos_ci.signals.records import Frame

_PATTERN = re.compile(
    r'File "(?P<py>[^"\n]{1,500})", line (?P<pyline>\d{1,9})'
    r"|\bat (?P<qual>[\w$.]{1,500})\((?P<jfile>[\w$-]{1,200}\.(?:java|kt|kts|scala|groovy)):"
    r"(?P<jline>\d{1,9})\)"
    r"|(?P<gen>(?:[A-Za-z]:)?[\w.@~+/\\-]{0,500}[\w-]\.[A-Za-z][\w]{0,6}):(?P<genline>\d{1,9})\b"
)


def extract(text: str | None, limit: int) -> tuple[Frame, ...]:
    """Up to ``limit`` distinct frames from ``text``; nothing that looks like a URL."""
    if not text:
        return ()
    found: list[Frame] = []
    seen: set[tuple[str, int]] = set()
    for match in _PATTERN.finditer(text):
        frame = _frame(match, text)
        if frame is None or (frame.path, frame.line) in seen:
            continue
        seen.add((frame.path, frame.line))
        found.append(frame)
        if len(found) >= limit:
            break
    return tuple(found)


def _frame(match: re.Match[str], text: str) -> Frame | None:
    if match["py"] is not None:
        return _make(match["py"], match["pyline"])
    if match["qual"] is not None:
        return _make(_jvm_path(match["qual"], match["jfile"]), match["jline"])
    start = match.start("gen")
    if text[max(0, start - 3) : start] == "://" or "://" in match["gen"]:
        return None  # https://host.example:443 is not a source line
    return _make(match["gen"], match["genline"])


def _jvm_path(qualified: str, filename: str) -> str:
    # Package components are lower case by convention; the class name starts upper case.
    package = []
    for part in qualified.split("."):
        if not part or not part[0].islower():
            break
        package.append(part)
    return "/".join([*package, filename])


def _make(path: str, line: str) -> Frame | None:
    number = int(line)
    if number <= 0 or not path.strip():
        return None
    return Frame(path=path.strip(), line=number)
