"""Turning the paths and URIs reports print into repository-relative paths."""

from __future__ import annotations

import posixpath
import re
from urllib.parse import unquote, urlsplit

_DRIVE = re.compile(r"^/?([A-Za-z]):/")


def from_uri(uri: str) -> str:
    """A filesystem-style path from a SARIF URI: ``file:`` is stripped and %-escapes decoded.

    Relative references (``src/a.py``, ``src/a%20b.py``) stay relative. Other schemes
    (``https:``) are returned unchanged: they name no file in the repository.
    """
    text = uri.strip()
    if "://" not in text and not text.lower().startswith("file:"):
        return unquote(text)
    parts = urlsplit(text)
    if parts.scheme.lower() != "file":
        return text
    path = unquote(parts.path)
    if parts.netloc and parts.netloc.lower() != "localhost":
        return f"//{parts.netloc}{path}"  # a UNC share: never inside the checkout
    drive = _DRIVE.match(path)
    return path[1:] if drive and path.startswith("/") else path


def normalize(raw: str, root: str | None) -> str:
    """A clean forward-slash path, made relative to ``root`` (a POSIX path) when inside it.

    ``root`` is the checkout as the *report's producer* saw it; with ``None`` only the
    spelling is cleaned (``./a//b`` → ``a/b``, ``C:\\x\\y`` → ``C:/x/y``).
    """
    path = raw.strip().replace("\\", "/")
    if not path or "://" in path:
        return path  # a URL names no file in the checkout: keep it as written
    absolute = path.startswith("/") or bool(_DRIVE.match(path))
    path = posixpath.normpath(path)
    if path.startswith("//") and not raw.startswith(("//", "\\\\")):
        path = path[1:]  # normpath keeps a leading "//"; only UNC names need it
    if absolute and root:
        inside = _relative_to(path, root)
        if inside is not None:
            return inside
    return "" if path == "." else path


def _relative_to(path: str, root: str) -> str | None:
    base = posixpath.normpath(root.replace("\\", "/"))
    if base == "/":
        return path.lstrip("/")
    # Windows paths compare without case; the result keeps the report's spelling.
    fold = bool(_DRIVE.match(path) or _DRIVE.match(base))
    here, there = (path.lower(), base.lower()) if fold else (path, base)
    if here == there:
        return ""
    if here.startswith(there + "/"):
        return path[len(base) + 1 :]
    return None
