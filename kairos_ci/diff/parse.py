"""Unified diffs (``git diff``, ``diff -u``, GitHub's PR diff) into ``Diff`` records.

unidiff does the hunk arithmetic; this module adds what it leaves out: git's C-style
quoted paths (non-ASCII names arrive as ``"a/\\346\\227\\245.txt"``), the ``a/``/``b/``
prefixes, and which side ends without a newline.
"""

from __future__ import annotations

import posixpath
import re
from typing import NamedTuple

from unidiff.errors import UnidiffParseError
from unidiff.patch import PatchedFile, PatchSet

from kairos_ci.diff.records import ChangeKind, Diff, DiffLine, FileDiff, Hunk
from kairos_ci.errors import InputError, InputTooLarge

MAX_DIFF_CHARS = 50_000_000
_ESCAPES = {"a": 7, "b": 8, "t": 9, "n": 10, "v": 11, "f": 12, "r": 13, '"': 34, "\\": 92}
_OCTAL = re.compile(r"[0-7]{3}")


def parse_diff(text: str, *, max_chars: int = MAX_DIFF_CHARS) -> Diff:
    """The files and hunks of a unified diff; raises ``InputError`` if it is not one."""
    if len(text) > max_chars:
        raise InputTooLarge(f"diff of {len(text):,} characters is over the {max_chars:,} cap")
    try:
        patches = PatchSet(text)
    except UnidiffParseError as err:
        raise InputError(f"not a unified diff: {err}") from None
    return Diff(files=tuple(_file(patch) for patch in patches))


def _file(patch: PatchedFile) -> FileDiff:
    git = any(str(line).startswith("diff --git ") for line in patch.patch_info or ())
    source, target = _unquoted(patch.source_file), _unquoted(patch.target_file)
    # Without a "diff --git" header, a/ and b/ are prefixes only when both sides have them.
    prefixed = git or (
        source.startswith(("a/", "/dev/null")) and target.startswith(("b/", "/dev/null"))
    )
    old = _path(source, "a/", prefixed)
    new = _path(target, "b/", prefixed)
    read = _hunks(patch)
    if patch.is_added_file or old is None:
        kind = ChangeKind.ADDED
    elif patch.is_removed_file or new is None:
        kind = ChangeKind.DELETED
    elif old != new:
        kind = ChangeKind.RENAMED
    else:
        kind = ChangeKind.MODIFIED
    path = new if new is not None else old
    return FileDiff(
        path=path or "",
        old_path=old,
        kind=kind,
        binary=bool(patch.is_binary_file),
        hunks=read.hunks,
        added=frozenset(read.added),
        context=frozenset(read.context),
        old_ends_without_newline=read.old_eof,
        new_ends_without_newline=read.new_eof,
    )


class _Hunks(NamedTuple):
    hunks: tuple[Hunk, ...]
    added: list[int]  # new-side numbers of added lines
    context: list[int]  # new-side numbers of context lines
    old_eof: bool
    new_eof: bool


def _hunks(patch: PatchedFile) -> _Hunks:
    """Every hunk's lines, and the new-side numbers by kind, in one pass over the lines."""
    hunks = []
    added: list[int] = []
    context: list[int] = []
    old_eof = new_eof = False
    make = tuple.__new__  # DiffLine's own __new__ adds a Python call per line
    for hunk in patch:
        lines = []
        previous = " "
        for line in hunk:
            kind = line.line_type
            if kind == "\\":  # "\ No newline at end of file" applies to the line before it
                old_eof = old_eof or previous in ("-", " ")
                new_eof = new_eof or previous in ("+", " ")
                continue
            if kind not in ("+", "-", " "):
                continue
            target = line.target_line_no
            if target and kind != "-":
                (added if kind == "+" else context).append(target)
            lines.append(make(DiffLine, (kind, line.source_line_no, line.target_line_no)))
            previous = kind
        hunks.append(
            Hunk(
                old_start=hunk.source_start,
                old_count=hunk.source_length,
                new_start=hunk.target_start,
                new_count=hunk.target_length,
                section=hunk.section_header or "",
                lines=tuple(lines),
            )
        )
    return _Hunks(tuple(hunks), added, context, old_eof, new_eof)


def _unquoted(raw: str | None) -> str:
    text = (raw or "").strip()
    if len(text) >= 2 and text.startswith('"') and text.endswith('"'):
        return unquote_c(text[1:-1])
    return text


def _path(text: str, prefix: str, prefixed: bool) -> str | None:
    if not text or text == "/dev/null":
        return None
    if prefixed and text.startswith(prefix):
        text = text[len(prefix) :]
    return posixpath.normpath(text) if text else None


def unquote_c(text: str) -> str:
    """git's C-style quoting: ``\\ooo`` octal bytes (UTF-8) and ``\\n``-style escapes."""
    out = bytearray()
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text):
            octal = _OCTAL.match(text, index + 1)
            if octal:
                out.append(int(octal.group(), 8) & 0xFF)
                index += 4
                continue
            code = _ESCAPES.get(text[index + 1])
            if code is not None:
                out.append(code)
                index += 2
                continue
        out += char.encode("utf-8")
        index += 1
    return out.decode("utf-8", "replace")
