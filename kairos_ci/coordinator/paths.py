"""Write-set paths: normalised so two spellings of one file are one lock, and a folder
(a trailing "/") overlapping everything under it."""

from __future__ import annotations

import posixpath
from collections.abc import Iterable

from kairos_ci.errors import InputError


def normalised(path: str) -> str:
    """``./src//app.js`` -> ``src/app.js``; ``src/lib/`` keeps its slash (a folder)."""
    folder = path.endswith("/")
    clean = posixpath.normpath(path.replace("\\", "/").strip())
    if clean in (".", "") or clean.startswith(("/", "../")) or clean == "..":
        raise InputError(f"write-set path {path!r} is not inside the repository")
    return f"{clean}/" if folder else clean


def overlaps(one: str, other: str) -> bool:
    return one == other or _under(one, other) or _under(other, one)


def conflicts(wanted: Iterable[str], held: Iterable[str]) -> list[str]:
    """The held paths that any wanted path overlaps."""
    held = list(held)
    return sorted({h for w in wanted for h in held if overlaps(w, h)})


def _under(path: str, folder: str) -> bool:
    return folder.endswith("/") and path.startswith(folder)
