"""Untrusted text goes to the model only as data: normalised, capped, and fenced.

Normalisation strips what a human reviewer would not see but a model would read:
HTML comments (text profile only: in source files they are visible content),
zero-width and other invisible format characters, bidi controls, Unicode tag
characters and supplementary variation selectors. Each kind stripped is an
injection signal. Terminal escapes, carriage-return overwrites and other control
characters are removed silently: test output is full of them.

The fence is ``<untrusted-NONCE source="...">``: a random nonce per run, so text
cannot close it, and a source label chosen by kairos, never taken from the text.
"""

from __future__ import annotations

import enum
import re
import secrets
import unicodedata
from dataclasses import dataclass

_HTML_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.DOTALL)
_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff\u00ad\u180e")
_KEEP_CONTROLS = frozenset("\n\t")


class Profile(enum.Enum):
    TEXT = "text"  # prose, logs, test output: HTML comments are hidden text there
    CODE = "code"  # file contents: comments are visible, only invisible characters go


@dataclass(frozen=True)
class Normalised:
    text: str
    stripped: tuple[str, ...]  # kinds of hidden content removed, e.g. "bidi control characters"


def normalise(text: str, profile: Profile = Profile.TEXT) -> Normalised:
    stripped: list[str] = []
    text = _ANSI.sub("", text).replace("\r\n", "\n").replace("\r", "\n")
    if profile is Profile.TEXT and _HTML_COMMENT.search(text):
        text = _HTML_COMMENT.sub("", text)
        stripped.append("HTML comments")
    text = text.removeprefix("\ufeff")  # a byte-order mark is not hidden content
    kept: list[str] = []
    for char in text:
        kind = hidden_kind(char)
        if kind is None:
            kept.append(char)
        elif kind != "control characters" and kind not in stripped:
            stripped.append(kind)
    return Normalised("".join(kept), tuple(stripped))


def hidden_kind(char: str) -> str | None:
    """What kind of hidden character ``char`` is, or None for a visible one."""
    code = ord(char)
    if char in _KEEP_CONTROLS:
        return None
    if 0xE0000 <= code <= 0xE007F:
        return "Unicode tag characters"
    if 0xE0100 <= code <= 0xE01EF:
        return "variation selectors"
    if char in _BIDI:
        return "bidi control characters"
    if char in _ZERO_WIDTH:
        return "zero-width characters"
    category = unicodedata.category(char)
    if category == "Cc":
        return "control characters"
    if category == "Cf":
        return "invisible format characters"
    return None


def hidden_kinds(text: str) -> tuple[str, ...]:
    """Kinds of invisible characters in text kairos is about to write (never allowed)."""
    kinds = {hidden_kind(c) for c in text.removeprefix("\ufeff")} - {None, "control characters"}
    return tuple(sorted(k for k in kinds if k is not None))


def cap(text: str, max_chars: int) -> str:
    """Keep the head and the tail; say how much was cut."""
    if len(text) <= max_chars:
        return text
    head = max_chars * 2 // 5
    tail = max_chars - head
    cut = len(text) - head - tail
    return f"{text[:head]}\n[... {cut} characters cut ...]\n{text[-tail:]}"


_FENCE_LIKE = re.compile(r"<(?=\s*/?\s*untrusted)", re.IGNORECASE)


@dataclass(frozen=True)
class Envelope:
    nonce: str

    @classmethod
    def fresh(cls) -> Envelope:
        return cls(secrets.token_hex(8))

    @property
    def tag(self) -> str:
        return f"untrusted-{self.nonce}"

    def wrap(self, source: str, text: str) -> str:
        text = text.replace(self.nonce, "[nonce]")  # it cannot be guessed; never echo it either
        # Any fence-like tag, whatever its nonce, spacing or case, loses its bracket: the
        # text cannot close this fence or open a new one.
        text = _FENCE_LIKE.sub("[", text)
        return f'<{self.tag} source="{source}">\n{text}\n</{self.tag}>'
