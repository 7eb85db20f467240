"""The labelled guard corpus: ``tests/guard/corpus/*.case``, each a small patch.

Format: ``# expect: clean`` or ``# expect: rule[, rule]``, ``# class: CLASS``,
``# about: ...``, then sections ``=== base PATH`` / ``=== head PATH [(from OLD)]`` with
file contents. The base tree is the base sections, the head tree the head sections: a
path only in base is deleted, one only in head is added (``from OLD``: git sees a rename).
(Not ``.py`` files: pytest must not collect a case's conftest.py, and the cases hold
deliberately bad code.)

``class`` is the kind of change: a weakening class (assertion-rewrite,
oracle-neutralised, production-cheat, test-removed, config), an honest one
(honest-split, honest-move, honest-duplicate, honest-unittest, honest-parametrize,
honest-helper, honest-other), or ``review``: an honest expected-value change made with
the code, which the guard flags for a human to accept (``expected-value-changed``).
"""

from __future__ import annotations

import contextlib
import io
import json
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
    kind: str = ""  # the case's class
    renames: tuple[tuple[str, str], ...] = ()  # (old path, new path)

    @property
    def weakening(self) -> bool:
        return self.kind not in ("review", "") and not self.kind.startswith("honest")


def load_cases() -> list[Case]:
    return [parse_case(path) for path in sorted(CORPUS.glob("*.case"))]


def parse_case(path: Path) -> Case:
    header: dict[str, str] = {}
    trees: dict[str, dict[str, list[str]]] = {"base": {}, "head": {}}
    renames: list[tuple[str, str]] = []
    current: list[str] | None = None
    for line in path.read_text().splitlines():
        section = _SECTION.match(line)
        if section:
            current = []
            trees[section.group(1)][section.group(2)] = current
            if section.group(3):
                renames.append((section.group(3), section.group(2)))
        elif current is not None:
            current.append(line)
        elif line.startswith("# ") and ":" in line:
            key, _, value = line[2:].partition(":")
            header[key.strip()] = value.strip()
    expect, about = header.get("expect", ""), header.get("about", "")
    texts = {
        side: {p: "\n".join(lines) + "\n" for p, lines in tree.items()}
        for side, tree in trees.items()
    }
    rules = frozenset() if expect == "clean" else frozenset(r.strip() for r in expect.split(","))
    kind = header.get("class", "")
    return Case(path.stem, rules, about, texts["base"], texts["head"], kind, tuple(renames))


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


# --- measuring the guard on the corpus ------------------------------------------------

WEAKENING_CLASSES = (
    "assertion-rewrite",
    "oracle-neutralised",
    "production-cheat",
    "test-removed",
    "config",
)
ACCEPTABLE_RULES = frozenset({"expected-value-changed", "test-retired"})


@dataclass(frozen=True)
class Outcome:
    """What ``kairos-ci guard --json`` said about one case."""

    case: Case
    rules: frozenset[str]  # flagged rules
    classes: frozenset[str]  # classes of the flagged verdicts

    @property
    def flagged(self) -> bool:
        return bool(self.rules)

    @property
    def correct(self) -> bool:
        """Weakening: flagged (its labelled rules among them); honest: not flagged; review:
        flagged only as an acceptable expected-value change."""
        if self.case.kind == "review":
            return self.flagged and self.rules <= ACCEPTABLE_RULES
        if self.case.weakening:
            return self.case.expect <= self.rules
        return not self.flagged


def judge(case: Case, root: Path) -> Outcome:
    """The case built as a git repository and checked through ``kairos-ci guard --json``."""
    from kairos_ci.cli import main

    base, head = build_repo(case, root / case.name)
    argv = ["guard", "--base", base, "--head", head, "--repo", str(root / case.name), "--json"]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(argv)
    flagged = [v for v in json.loads(out.getvalue())["verdicts"] if v["flagged"]]
    outcome = Outcome(
        case, frozenset(v["rule"] for v in flagged), frozenset(v["class"] for v in flagged)
    )
    assert code == (1 if outcome.flagged else 0), case.name
    return outcome


@dataclass(frozen=True)
class Score:
    name: str
    cases: int
    true_pos: int  # weakening patches flagged
    false_pos: int  # honest patches flagged
    false_neg: int  # weakening patches not flagged

    @property
    def precision(self) -> float:
        flagged = self.true_pos + self.false_pos
        return self.true_pos / flagged if flagged else 1.0

    @property
    def recall(self) -> float:
        weakening = self.true_pos + self.false_neg
        return self.true_pos / weakening if weakening else 1.0


def overall(outcomes: list[Outcome]) -> Score:
    """Per patch, over weakening and honest cases (review cases are scored apart)."""
    scored = [o for o in outcomes if o.case.kind != "review"]
    return Score(
        "overall",
        len(scored),
        sum(o.case.weakening and o.flagged for o in scored),
        sum(not o.case.weakening and o.flagged for o in scored),
        sum(o.case.weakening and not o.flagged for o in scored),
    )


def by_class(outcomes: list[Outcome]) -> list[Score]:
    """Per weakening class: recall over its cases (flagged at all); precision over the cases
    the guard flagged with a verdict of that class (were they weakening?)."""
    scored = [o for o in outcomes if o.case.kind != "review"]
    scores = []
    for name in WEAKENING_CLASSES:
        labelled = [o for o in scored if o.case.kind == name]
        claimed = [o for o in scored if name in o.classes]
        scores.append(
            Score(
                name,
                len(labelled),
                sum(o.flagged for o in labelled),
                sum(not o.case.weakening for o in claimed),
                sum(not o.flagged for o in labelled),
            )
        )
    return scores


def honest_kinds(outcomes: list[Outcome]) -> dict[str, tuple[int, int]]:
    """Per honest class and for review cases: (cases, judged correctly)."""
    found: dict[str, tuple[int, int]] = {}
    for outcome in outcomes:
        kind = outcome.case.kind
        if kind.startswith("honest") or kind == "review":
            cases, right = found.get(kind, (0, 0))
            found[kind] = (cases + 1, right + outcome.correct)
    return dict(sorted(found.items()))
