"""Locate string literals in TOML text by key path, without rewriting anything.

``tomllib`` reads values but forgets where they were. This scanner walks the
same text and reports every string inside arrays, with its key path and its
offsets, so a version can be replaced in place. It understands tables, array
tables, dotted and quoted keys, inline tables, arrays, comments and the four
string forms; anything else is skipped as an opaque scalar. The caller checks
what it found against ``tomllib`` and refuses to edit when they disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

KeyPath = tuple[str | int, ...]
_BARE = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")


@dataclass(frozen=True)
class LocatedString:
    path: KeyPath
    value: str  # the literal's raw content; equals the decoded value unless escaped
    start: int  # offsets of the content, quotes excluded
    end: int
    escaped: bool  # a basic string with backslashes: raw text differs from the value


class TomlScanError(ValueError):
    pass


def array_strings(text: str) -> list[LocatedString]:
    """Every string that sits in an array, anywhere in the document."""
    scanner = _TomlScanner(text)
    scanner.document()
    return scanner.found


class _TomlScanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.i = 0
        self.found: list[LocatedString] = []

    def document(self) -> None:
        table: KeyPath = ()
        while True:
            self.blank(newlines=True)
            if self.i >= len(self.text):
                return
            if self.text[self.i] == "[":
                table = self.header()
            else:
                key = self.key()
                self.expect("=")
                self.value((*table, *key))
            self.blank(newlines=False)
            if self.i < len(self.text) and self.text[self.i] not in "\r\n":
                raise TomlScanError(f"unexpected text at offset {self.i}")

    def header(self) -> KeyPath:
        double = self.text.startswith("[[", self.i)
        self.i += 2 if double else 1
        key = self.key()
        self.expect("]]" if double else "]")
        return key

    def key(self) -> KeyPath:
        parts: list[str | int] = []
        while True:
            self.blank(newlines=False)
            char = self.text[self.i : self.i + 1]
            if char in ('"', "'"):
                parts.append(self.string()[0])
            else:
                start = self.i
                while self.i < len(self.text) and self.text[self.i] in _BARE:
                    self.i += 1
                if start == self.i:
                    raise TomlScanError(f"expected a key at offset {start}")
                parts.append(self.text[start : self.i])
            self.blank(newlines=False)
            if self.text[self.i : self.i + 1] != ".":
                return tuple(parts)
            self.i += 1

    def value(self, path: KeyPath, in_array: bool = False) -> None:
        self.blank(newlines=False)
        char = self.text[self.i : self.i + 1]
        if char in ('"', "'"):
            value, start, end, escaped = self.string()
            if in_array:
                self.found.append(LocatedString(path, value, start, end, escaped))
        elif char == "[":
            self.array(path)
        elif char == "{":
            self.inline_table(path)
        else:
            start = self.i
            while self.i < len(self.text) and self.text[self.i] not in ",]}#\r\n":
                self.i += 1
            if start == self.i:
                raise TomlScanError(f"expected a value at offset {start}")

    def array(self, path: KeyPath) -> None:
        self.i += 1
        index = 0
        while True:
            self.blank(newlines=True)
            if self.text[self.i : self.i + 1] == "]":
                self.i += 1
                return
            self.value((*path, index), in_array=True)
            index += 1
            self.blank(newlines=True)
            if self.text[self.i : self.i + 1] == ",":
                self.i += 1
            elif self.text[self.i : self.i + 1] != "]":
                raise TomlScanError(f"expected ',' or ']' at offset {self.i}")

    def inline_table(self, path: KeyPath) -> None:
        self.i += 1
        while True:
            self.blank(newlines=True)
            if self.text[self.i : self.i + 1] == "}":
                self.i += 1
                return
            key = self.key()
            self.expect("=")
            self.value((*path, *key))
            self.blank(newlines=True)
            if self.text[self.i : self.i + 1] == ",":
                self.i += 1

    def string(self) -> tuple[str, int, int, bool]:
        quote = self.text[self.i]
        triple = self.text.startswith(quote * 3, self.i)
        delimiter = quote * 3 if triple else quote
        self.i += len(delimiter)
        start = self.i
        escaped = False
        while True:
            if self.i >= len(self.text):
                raise TomlScanError(f"unterminated string at offset {start}")
            if quote == '"' and self.text[self.i] == "\\":
                escaped = True
                self.i += 2
                continue
            if self.text.startswith(delimiter, self.i):
                end = self.i
                self.i += len(delimiter)
                if triple:  # up to two quotes may close the content (""""a"""")
                    while self.text.startswith(quote, self.i) and self.i - end < 2:
                        end += 1
                        self.i += 1
                return self.text[start:end], start, end, escaped
            if not triple and self.text[self.i] in "\r\n":
                raise TomlScanError(f"newline in a string at offset {self.i}")
            self.i += 1

    def blank(self, *, newlines: bool) -> None:
        skip = " \t\r\n" if newlines else " \t"
        while self.i < len(self.text):
            char = self.text[self.i]
            if char in skip:
                self.i += 1
            elif char == "#":
                while self.i < len(self.text) and self.text[self.i] not in "\r\n":
                    self.i += 1
            else:
                return

    def expect(self, token: str) -> None:
        self.blank(newlines=False)
        if not self.text.startswith(token, self.i):
            raise TomlScanError(f"expected {token!r} at offset {self.i}")
        self.i += len(token)
