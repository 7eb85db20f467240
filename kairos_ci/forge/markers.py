"""Hidden markers: how kairos finds again what it wrote, never by title.

A marker is one HTML comment, invisible in rendered Markdown, on its own last line::

    <!-- kairos:fp=lint-3f9a0c1d2e4b kind=pull_request v=1 -->

``fp`` is the fingerprint of the intent (stable across reruns), ``kind`` what the
object is, ``v`` the marker format. Bodies from elsewhere (a model, a PR) are stripped
of markers first, so no text can claim another object's fingerprint.
"""

from __future__ import annotations

import hashlib
import re

MARKER_VERSION = 1
_ID = r"[A-Za-z0-9._:/+-]{1,128}"
FINGERPRINT = re.compile(rf"^{_ID}$")
_MARKER = re.compile(rf"<!--\s*kairos:fp=({_ID})((?:\s+[a-z]+={_ID})*)\s*-->")
_ANY_MARKER = re.compile(r"<!--\s*kairos:fp=[^>]*-->\n?")


def fingerprint(*parts: str, prefix: str = "") -> str:
    """A stable short id from the parts that define an intent (never a line number)."""
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16]
    return f"{prefix}-{digest}" if prefix else digest


def marker(fp: str, kind: str) -> str:
    if not FINGERPRINT.match(fp):
        raise ValueError(f"fingerprint {fp!r} must match {FINGERPRINT.pattern}")
    return f"<!-- kairos:fp={fp} kind={kind} v={MARKER_VERSION} -->"


def with_marker(body: str, fp: str, kind: str) -> str:
    """``body`` without any kairos marker it carried, then our marker on the last line."""
    clean = strip_markers(body).rstrip()
    return f"{clean}\n\n{marker(fp, kind)}" if clean else marker(fp, kind)


def strip_markers(body: str) -> str:
    return _ANY_MARKER.sub("", body)


def fingerprints(body: str | None) -> tuple[str, ...]:
    """Every fingerprint a body's markers carry, in order."""
    return tuple(m.group(1) for m in _MARKER.finditer(body or ""))


def carries(body: str | None, fp: str) -> bool:
    return fp in fingerprints(body)


BODY_LIMIT = 65_000  # GitHub refuses bodies over 65,536 characters
_TRUNCATED = "\n\n_(truncated: the full text is in the run's job summary)_"


def fit(body: str) -> str:
    """Keep a marked body under GitHub's limit, keeping its marker (the last line)."""
    if len(body) <= BODY_LIMIT:
        return body
    text, _, last = body.rpartition("\n")
    return text[: BODY_LIMIT - len(_TRUNCATED) - len(last) - 1] + _TRUNCATED + "\n" + last


def same_text(a: str, b: str) -> bool:
    """Equal as GitHub stores them (it may turn line ends into CRLF and trim)."""
    return a.replace("\r\n", "\n").strip() == b.replace("\r\n", "\n").strip()
