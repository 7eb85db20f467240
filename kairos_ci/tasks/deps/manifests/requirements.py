"""``requirements*.txt``: find ``name==version`` pins and where their text sits.

Only offsets are recorded; the file is never re-serialised, so comments,
markers, options, blank lines, line endings and order survive untouched.
A logical line may continue over several physical lines with a backslash, as
pip-compile writes ``--hash`` options.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from kairos_ci.tasks.deps.records import HashBlock, Manifest, ManifestProblem, Pin
from kairos_ci.tasks.deps.registry.simple import normalise

_PIN = re.compile(
    r"(?P<name>[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)[ \t]*(?:\[[^\]\n]*\])?[ \t]*"
    r"==[ \t]*(?P<version>[A-Za-z0-9][A-Za-z0-9.+!_-]*)"
)
_AFTER_PIN = re.compile(r"(?:[ \t]|\\\r?\n)*(?:$|;|#|--?[a-z])")
_LOOSE = re.compile(r"(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)[ \t]*(?:\[[^\]\n]*\])?[ \t]*===?")
_HASH = re.compile(r"--hash[= \t]+(?P<algorithm>sha256|sha384|sha512):(?P<digest>[0-9a-fA-F]+)")
_COMMENT = re.compile(r"(?:^|[ \t])#")


def read_requirements(path: str, text: str) -> Manifest:
    pins: list[Pin] = []
    problems: list[ManifestProblem] = []
    for start, end in _logical_lines(text):
        segments = list(_code_segments(text, start, end))
        if not segments:
            continue
        first_start, first_end = segments[0]
        head = text[first_start:first_end]
        offset = len(head) - len(head.lstrip())
        match = _PIN.match(text, first_start + offset, first_end)
        if match is None or not _AFTER_PIN.match(text, match.end(), end):
            loose = _LOOSE.match(head.lstrip())
            if loose and not head.lstrip().startswith("-"):
                problems.append(_not_exact(path, head.strip()))
            continue
        pins.append(
            Pin(
                ecosystem="pypi",
                name=match["name"],
                key=normalise(match["name"]),
                version=match["version"],
                manifest=path,
                section="requirements",
                start=match.start("version"),
                end=match.end("version"),
                hashes=_hash_block(text, segments),
            )
        )
    return Manifest(path, "pypi", "requirements", text, tuple(pins), tuple(problems))


def _logical_lines(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each logical line; a trailing backslash joins the next line."""
    start = 0
    position = 0
    length = len(text)
    while position < length:
        newline = text.find("\n", position)
        line_end = length if newline == -1 else newline
        content_end = (
            line_end - 1 if line_end > position and text[line_end - 1] == "\r" else line_end
        )
        code = text[position:content_end]
        continued = code.endswith("\\") and not _COMMENT.search(code)
        position = line_end + 1
        if not continued or position >= length:
            yield start, content_end
            start = position


def _code_segments(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Each physical line of a logical line, without its comment or continuation backslash."""
    for line in re.finditer(r"[^\n]*", text[start:end]):
        if not line.group():
            continue
        code = line.group().rstrip("\r")
        comment = _COMMENT.search(code)
        if comment is not None:
            code = code[: comment.start()]
        code = code.rstrip().removesuffix("\\")
        if code.strip():
            yield start + line.start(), start + line.start() + len(code)


def _hash_block(text: str, segments: list[tuple[int, int]]) -> HashBlock | None:
    found = [m for s, e in segments for m in _HASH.finditer(text, s, e)]
    if not found:
        return None
    first, last = found[0], found[-1]
    if len(found) > 1:
        separator = text[first.end() : found[1].start()]
    else:
        line_start = text.rfind("\n", 0, first.start()) + 1
        indent = text[line_start : first.start()]
        newline = "\r\n" if text[max(0, line_start - 2) : line_start] == "\r\n" else "\n"
        separator = f" \\{newline}{indent}" if not indent.strip() else " "
    return HashBlock(
        start=first.start(),
        end=last.end(),
        prefix=text[first.start() : first.start("digest")],
        separator=separator,
        algorithms=tuple(sorted({m["algorithm"] for m in found})),
    )


def _not_exact(path: str, line: str) -> ManifestProblem:
    return ManifestProblem(path, line[:80], "not a single exact `==` pin; left as it is")
