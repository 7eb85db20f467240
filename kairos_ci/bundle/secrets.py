"""Nothing secret is published: every string a bundle would write is scanned (EXF-02).

What the model sees and says is redacted, but a token can still be put together on the
way out: two edits that each write half of it leave it whole in the final patch. So the
job that publishes scans what it publishes, as a policy refusal: every string of every
write whole, except a patch, of which only the added side counts (a secret on a removed
line was in the repository before kairos). A reason names the field, never the value.
"""

from __future__ import annotations

import base64
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import Any

from kairos_ci.agent.redact import Redactor
from kairos_ci.bundle.intents import Kind, intent_json, parse_intent
from kairos_ci.bundle.records import Bundle, Write

Path = tuple[str | int, ...]
_PATCH = ("payload", "change", "patch")
_NEW_PATH = ("+++ ", "rename to ", "copy to ")  # header lines that name a file's new path
# What a field is called in a refusal; any other is named by its path in the write.
_NAMES: Mapping[tuple[Kind | None, str], str] = {
    (Kind.PULL_REQUEST, "payload.title"): "PR title",
    (Kind.PULL_REQUEST, "payload.body"): "PR body",
    (Kind.PULL_REQUEST, "payload.change.message"): "commit message",
    (Kind.REVIEW, "payload.body"): "review body",
    (Kind.REVIEW, "payload.comments.body"): "inline comments",
    (Kind.REVIEW, "payload.comments.path"): "inline comment paths",
    (Kind.COMMENT, "payload.body"): "comment body",
    (Kind.DASHBOARD, "payload.title"): "dashboard title",
    (Kind.DASHBOARD, "payload.body"): "dashboard text",
    (Kind.LABEL, "target.name"): "label name",
    (Kind.LABEL, "payload.description"): "label description",
    (None, "why"): "why text",
    (None, "target.branch"): "branch name",
    (None, "payload.labels"): "labels",
}


def refusals(bundle: Bundle, redactor: Redactor) -> dict[int, str]:
    """Index of each write that would publish a secret or token, with the fields it is in."""
    found: dict[int, str] = {}
    for index, write in enumerate(bundle.writes):
        fields = _leaking_fields(write, redactor)
        if fields:
            found[index] = f"not published: a secret or token in the {', '.join(fields)}"
    return found


def shown(write: Write, redactor: Redactor) -> Write:
    """``write`` as its outcome may show it: summaries and logs print its branch and why,
    so a write that leaks is kept there redacted."""
    if not _leaking_fields(write, redactor):
        return write
    redacted = redactor.value(intent_json(write.intent))
    return replace(
        write,
        fingerprint=redactor.text(write.fingerprint),
        why=redactor.text(write.why),
        intent=parse_intent(write.kind, redacted["target"], redacted["payload"]),
    )


def _leaking_fields(write: Write, redactor: Redactor) -> list[str]:
    """The fields of ``write`` a secret or token is in, named without it."""
    fields: list[str] = []
    for field, text in _published(write):
        if text is None or redactor.finds(text):
            name = redactor.text(field)  # a path or file name may hold it too
            if name not in fields:
                fields.append(name)
    return fields


def _published(write: Write) -> Iterator[tuple[str, str | None]]:
    """(field, text) for every string ``write`` publishes; None: text that cannot be read."""
    parts = {"fingerprint": write.fingerprint, "why": write.why}
    for path, text in _strings({**parts, **intent_json(write.intent)}):
        if write.kind is Kind.PULL_REQUEST and path == _PATCH:
            yield from _added(text)
        else:
            yield _name(write.kind, path), text


def _strings(value: Any, path: Path = ()) -> Iterator[tuple[Path, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _strings(item, (*path, str(key)))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _strings(item, (*path, index))


def _name(kind: Kind, path: Path) -> str:
    dotted = ".".join(p for p in path if isinstance(p, str))
    return _NAMES.get((kind, dotted)) or _NAMES.get((None, dotted)) or dotted


def _added(patch: str) -> Iterator[tuple[str, str | None]]:
    """(field, text) for what a ``git diff --binary`` patch adds, file by file: added
    lines, new paths and the new side of binary changes (None when it cannot be read)."""
    for name, lines in _files(patch):
        field = f"patch ({name})" if name else "patch"
        if "GIT binary patch" in lines:
            binary = _binary(lines)
            yield (field, binary) if binary is not None else (f"{field}: unreadable binary", None)
        yield field, "\n".join(_added_lines(lines))


def _files(patch: str) -> Iterator[tuple[str, list[str]]]:
    name = ""
    lines: list[str] = []
    # Lines end at \n only, as git reads them: splitlines() would also break at a form
    # feed, and what follows it would pass for a line that adds nothing.
    for line in patch.split("\n"):
        if line.startswith("diff --git "):
            if lines:
                yield name, lines
            name, lines = line.rsplit(" b/", 1)[-1], []
        lines.append(line)
    if lines:
        yield name, lines


def _added_lines(lines: list[str]) -> Iterator[str]:
    in_hunk = False
    for line in lines:
        in_hunk = in_hunk or line.startswith("@@")
        if line.startswith(("+",) if in_hunk else _NEW_PATH):
            yield line


def _binary(lines: list[str]) -> str | None:
    """The new side of a binary change: git writes it first, as zlib data in base85 lines
    whose first character is the line's length. A delta is scanned as is: the bytes it
    inserts are in it verbatim."""
    start = lines.index("GIT binary patch") + 2  # past the "literal N" or "delta N" line
    end = lines.index("", start) if "" in lines[start:] else len(lines)
    data = bytearray()
    try:
        for line in lines[start:end]:
            data += base64.b85decode(line[1:])[: _line_length(line[0])]
        return zlib.decompress(bytes(data)).decode("utf-8", "replace")
    except (ValueError, zlib.error):
        return None


def _line_length(char: str) -> int:
    return ord(char) - ord("A") + 1 if char <= "Z" else ord(char) - ord("a") + 27
