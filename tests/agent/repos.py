"""Small real git repositories for the context-gathering tests."""

from __future__ import annotations

from pathlib import Path

from kairos_ci.git import Git


def commit(root: Path, files: dict[str, str], message: str = "work") -> str:
    """Write ``files`` under ``root`` (a repository is made on first use), commit, and
    return the commit's sha."""
    git = Git(root)
    if not (root / ".git").exists():
        root.mkdir(parents=True, exist_ok=True)
        git.run("init", "-q", "-b", "main")
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    git.run("add", "--all")
    git.run("commit", "-q", "-m", message)
    return git.text("rev-parse", "HEAD")
