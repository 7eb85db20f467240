"""The labelled guard corpus: ``tests/guard/corpus/*.case``, each a small patch.

Format: ``# expect: clean`` or ``# expect: rule[, rule]``, ``# about: ...``, then
sections ``=== base PATH`` / ``=== head PATH [(from OLD)]`` with file contents. The
base tree is the base sections, the head tree the head sections: a path only in base
is deleted, one only in head is added. (Not ``.py`` files: pytest must not collect a
case's conftest.py, and the cases hold deliberately bad code.)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from kairos_ci.git import Git

CORPUS = Path(__file__).parent / "corpus"
_SECTION = re.compile(r"^=== (base|head) (\S+)(?: \(from (\S+)\))?$")


@dataclass(frozen=True)
class Case:
    name: str
    expect: frozenset[str]  # empty: an honest change that must not be flagged
    about: str
    base: dict[str, str]
    head: dict[str, str]


def load_cases() -> list[Case]:
    return [parse_case(path) for path in sorted(CORPUS.glob("*.case"))]


def parse_case(path: Path) -> Case:
    expect, about = "", ""
    trees: dict[str, dict[str, str]] = {"base": {}, "head": {}}
    current: list[str] | None = None
    for line in path.read_text().splitlines():
        section = _SECTION.match(line)
        if section:
            current = []
            trees[section.group(1)][section.group(2)] = current  # type: ignore[assignment]
        elif current is not None:
            current.append(line)
        elif line.startswith("# expect:"):
            expect = line.split(":", 1)[1].strip()
        elif line.startswith("# about:"):
            about = line.split(":", 1)[1].strip()
    texts = {
        side: {p: "\n".join(lines) + "\n" for p, lines in tree.items()}  # type: ignore[misc]
        for side, tree in trees.items()
    }
    rules = frozenset() if expect == "clean" else frozenset(r.strip() for r in expect.split(","))
    return Case(path.stem, rules, about, texts["base"], texts["head"])


def build_repo(case: Case, folder: Path) -> tuple[str, str]:
    """A git repository with the case's base and head as two commits: (base, head) shas."""
    folder.mkdir(parents=True)
    git = Git(folder)
    git.run("init", "-q", "-b", "main")
    shas = []
    for tree in (case.base, case.head):
        for old in folder.rglob("*"):
            if old.is_file() and ".git" not in old.relative_to(folder).parts:
                old.unlink()
        for name, text in tree.items():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text(text)
        git.run("add", "--all")
        git.run("commit", "-q", "--allow-empty", "-m", "state")
        shas.append(git.text("rev-parse", "HEAD"))
    return shas[0], shas[1]
