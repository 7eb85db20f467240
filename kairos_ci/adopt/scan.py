"""Read the files detection looks at, and nothing else: a fixed list of manifests and
config files, requirement files and workflows, each capped in size. Symlinks are not
followed, so a link cannot make init read outside the repository."""

from __future__ import annotations

from pathlib import Path

from kairos_ci.adopt.linters import (
    CHECKSTYLE_CONFIGS,
    ESLINT_CONFIGS,
    PYLINT_CONFIGS,
    RUFF_CONFIGS,
)
from kairos_ci.adopt.records import ProjectFiles

MAX_FILE_BYTES = 512 * 1024
MAX_GLOBBED = 30  # requirement files, workflows: more than this is not a project's CI

# Read as text.
MANIFESTS = (
    "pyproject.toml",
    "setup.cfg",
    "tox.ini",
    "noxfile.py",
    "pytest.ini",
    ".python-version",
    "package.json",
    ".nvmrc",
    ".node-version",
    ".flake8",
    "build.gradle",
    "build.gradle.kts",
    ".java-version",
)
# Only whether they exist matters.
MARKERS = (
    "setup.py",
    "conftest.py",
    "package-lock.json",
    "npm-shrinkwrap.json",
    "yarn.lock",
    ".yarnrc.yml",
    "pnpm-lock.yaml",
    *RUFF_CONFIGS,
    *PYLINT_CONFIGS,
    *ESLINT_CONFIGS,
    *CHECKSTYLE_CONFIGS,
    "pom.xml",
    "gradlew",
)
DIRECTORIES = ("src", "tests", "test")
_GLOBS = ("*requirements*.txt", "requirements/*.txt", ".github/workflows/*.yml")
_GLOBS_YAML = ".github/workflows/*.yaml"


def scan(repo: Path) -> ProjectFiles:
    texts: dict[str, str] = {}
    present: set[str] = set()
    unreadable: list[str] = []
    for name in (*MANIFESTS, *_globbed(repo)):
        path = repo / name
        if not _plain_file(path):
            continue
        present.add(name)
        text, why = _read(path)
        if text is None:
            unreadable.append(f"{name}: {why}")
        else:
            texts[name] = text
    present.update(name for name in MARKERS if _plain_file(repo / name))
    present.update(f"{name}/" for name in DIRECTORIES if _directory(repo / name))
    return ProjectFiles(texts, frozenset(present), tuple(unreadable))


def _globbed(repo: Path) -> list[str]:
    found: list[str] = []
    for pattern in (*_GLOBS, _GLOBS_YAML):
        matches = sorted(p.relative_to(repo).as_posix() for p in repo.glob(pattern))
        found += matches[:MAX_GLOBBED]
    return found


def _plain_file(path: Path) -> bool:
    return path.is_file() and not path.is_symlink()


def _directory(path: Path) -> bool:
    return path.is_dir() and not path.is_symlink()


def _read(path: Path) -> tuple[str | None, str]:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            return None, f"larger than {MAX_FILE_BYTES // 1024} KiB, not read"
        return path.read_bytes().decode("utf-8-sig"), ""
    except UnicodeDecodeError:
        return None, "not UTF-8 text, not read"
    except OSError as err:
        return None, f"cannot be read: {err.strerror}"
