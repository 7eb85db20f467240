"""``package.json``: exact versions in ``dependencies`` and ``devDependencies``.

``json`` validates the file; a small scanner finds where each version string
sits, so the edit replaces those characters only and the file's own
indentation, key order and line endings stay as they were. Ranges (``^1.2.3``,
``~1.2``, ``*``), tags, URLs and aliases are not pins and are left alone.
"""

from __future__ import annotations

import json
import re

from kairos_ci.tasks.deps.records import Manifest, ManifestProblem, Pin

SECTIONS = ("dependencies", "devDependencies")
_EXACT = re.compile(r"^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$")
_WHITESPACE = " \t\r\n"


def read_package_json(path: str, text: str) -> Manifest:
    try:
        data = json.loads(text)
    except ValueError as err:
        problem = ManifestProblem(path, "file", f"not valid JSON: {err}")
        return Manifest(path, "npm", "package.json", text, (), (problem,))
    if not isinstance(data, dict):
        problem = ManifestProblem(path, "file", "not a JSON object")
        return Manifest(path, "npm", "package.json", text, (), (problem,))
    scanner = _JsonScanner(text)
    scanner.value(())
    pins = []
    for (section, name), (start, end, raw) in scanner.found.items():
        entries = data.get(section)
        if not _EXACT.match(raw) or not isinstance(entries, dict) or entries.get(name) != raw:
            continue
        pins.append(Pin("npm", name, name, raw, path, section, start, end))
    pins.sort(key=lambda pin: pin.start)
    return Manifest(path, "npm", "package.json", text, tuple(pins))


class _JsonScanner:
    """Records (section, name) -> (start, end, raw) for strings two levels down."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.i = 0
        self.found: dict[tuple[str, str], tuple[int, int, str]] = {}

    def value(self, path: tuple[str, ...]) -> None:
        self.skip()
        char = self.text[self.i : self.i + 1]
        if char == "{":
            self.object(path)
        elif char == "[":
            self.array(path)
        elif char == '"':
            start, end = self.string()
            if len(path) == 2 and path[0] in SECTIONS:
                self.found[(path[0], path[1])] = (start, end, self.text[start:end])
        else:
            while self.i < len(self.text) and self.text[self.i] not in ",]}" + _WHITESPACE:
                self.i += 1

    def object(self, path: tuple[str, ...]) -> None:
        self.i += 1
        while True:
            self.skip()
            if self.text[self.i : self.i + 1] == "}":
                self.i += 1
                return
            start, end = self.string()
            key = json.loads(self.text[start - 1 : end + 1])
            self.skip()
            self.i += 1  # the colon; json.loads has already validated the structure
            self.value((*path, key))
            self.skip()
            if self.text[self.i : self.i + 1] == ",":
                self.i += 1

    def array(self, path: tuple[str, ...]) -> None:
        self.i += 1
        while True:
            self.skip()
            if self.text[self.i : self.i + 1] == "]":
                self.i += 1
                return
            self.value((*path, "[]"))
            self.skip()
            if self.text[self.i : self.i + 1] == ",":
                self.i += 1

    def string(self) -> tuple[int, int]:
        assert self.text[self.i] == '"'  # json.loads has validated the document
        self.i += 1
        start = self.i
        while self.text[self.i] != '"':
            self.i += 2 if self.text[self.i] == "\\" else 1
        self.i += 1
        return start, self.i - 1

    def skip(self) -> None:
        while self.i < len(self.text) and self.text[self.i] in _WHITESPACE:
            self.i += 1
