"""Argument types the commands share, so a bad path is a usage error (exit 2) caught
while parsing, the same for every command, before any work starts."""

from __future__ import annotations

import argparse
import subprocess
from pathlib import Path


def existing_file(text: str) -> Path:
    path = Path(text)
    if not path.is_file():
        raise argparse.ArgumentTypeError(f"{text}: no such file")
    return path


def git_checkout(text: str) -> Path:
    """A directory inside a git work tree (the default "." is checked too)."""
    path = Path(text)
    if not path.is_dir():
        raise argparse.ArgumentTypeError(f"{text}: no such directory")
    # Only git's exit status is read: no output, no environment of ours is involved.
    inside = subprocess.run(
        ["git", "-C", str(path), "rev-parse", "--is-inside-work-tree"],
        capture_output=True,
        check=False,
    )
    if inside.returncode != 0:
        raise argparse.ArgumentTypeError(f"{text}: not a git repository")
    return path
