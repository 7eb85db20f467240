"""Every path a tool touches is confined to the scratch worktree.

Refused before touching the disk: empty, absolute or home paths, backslashes, NUL,
any ``..`` component and anything inside ``.git``. Then the path is resolved
(symlinks followed) and must still lie inside the worktree and outside ``.git``.
Writes are stricter: never through a symlink, never to a protected path (on the
given and the resolved side), never to a test file unless the config allows it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from kairos_ci.errors import PolicyViolation
from kairos_ci.guard.classify import is_protected_test_path
from kairos_ci.policy.protected import violations
from kairos_ci.policy.records import PathChange

MAX_PATH_CHARS = 1000
_DRIVE = re.compile(r"^[A-Za-z]:")


@dataclass(frozen=True)
class LocatedPath:
    relative: str  # as asked, normalised
    real: Path  # resolved on disk, inside the worktree
    real_relative: str  # the resolved path relative to the worktree


def check_syntax(raw: str) -> str:
    """The normalised relative path, or ``PolicyViolation`` saying why not."""
    if not raw or len(raw) > MAX_PATH_CHARS or "\0" in raw:
        raise PolicyViolation("not a usable path")
    if raw.startswith(("/", "~")) or _DRIVE.match(raw):
        raise PolicyViolation("absolute paths are refused; use a path relative to the repository")
    if "\\" in raw:
        raise PolicyViolation("backslashes are refused; use / between folders")
    parts = [p for p in PurePosixPath(raw).parts if p != "."]
    if ".." in parts:
        raise PolicyViolation("'..' is refused: paths stay inside the repository")
    if any(p.casefold() == ".git" for p in parts):
        raise PolicyViolation(".git is off limits")
    if not parts:
        raise PolicyViolation("not a usable path")
    return "/".join(parts)


def locate(root: Path, raw: str) -> LocatedPath:
    relative = check_syntax(raw)
    top = root.resolve()
    real = (top / relative).resolve()
    if not real.is_relative_to(top):
        raise PolicyViolation("resolves outside the repository (through a symlink)")
    real_relative = real.relative_to(top).as_posix()
    if any(p.casefold() == ".git" for p in real.relative_to(top).parts):
        raise PolicyViolation("resolves into .git, which is off limits")
    return LocatedPath(relative, real, real_relative)


@dataclass(frozen=True)
class WritePolicy:
    protected: Sequence[str]  # glob patterns, built-in first
    base_symlinks: Mapping[str, str]  # symlinks in the base tree: path -> target
    edit_tests: bool = False


def locate_for_write(root: Path, raw: str, policy: WritePolicy) -> LocatedPath:
    found = locate(root, raw)
    if (root / found.relative).is_symlink():
        raise PolicyViolation("is a symlink; kairos never writes through symlinks")
    sides = dict.fromkeys((found.relative, found.real_relative))
    changes = [PathChange(side) for side in sides]
    hit = violations(changes, policy.protected, policy.base_symlinks)
    if hit:
        raise PolicyViolation(hit[0].reason)
    if not policy.edit_tests and any(is_protected_test_path(side) for side in sides):
        raise PolicyViolation(
            "test files and test configuration are read-only while fixing tests: "
            "fix the code under test instead"
        )
    return found
