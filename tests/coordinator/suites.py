"""A project's suite for the integration tests: named checks run in a tree, each a
Python snippet run by this interpreter there, and a count of every run."""

from __future__ import annotations

import shlex
from pathlib import Path

from kairos_ci.coordinator.evidence import SuiteRun
from tests.coordinator.repos import python, runner

# caller.py, where a slice adds it, calls lib.greet(): a slice that renames greet breaks it.
CALLER_WORKS = (
    "import os, importlib; os.path.exists('caller.py') and importlib.import_module('caller')"
)
README_THERE = "open('README.md').read()"
ALWAYS_FAILS = "raise SystemExit(1)"


class TableSuite:
    """The ``Suite`` a worker gets from its config, faked by a table of test id -> code;
    each run records the tree it ran on."""

    def __init__(self, tests: dict[str, str], problem: str = "") -> None:
        self.tests = tests
        self.problem = problem  # a suite that did not run, and why
        self.trees: list[Path] = []
        self.files: list[set[str]] = []  # the files each run saw, beside its tests

    def __call__(self, tree: Path) -> SuiteRun:
        self.trees.append(tree)
        self.files.append({p.name for p in tree.iterdir() if p.name != ".git"})
        if self.problem:
            return SuiteRun(0, (), self.problem)
        jail = runner()
        failing = tuple(
            test_id
            for test_id, code in self.tests.items()
            if not jail.run(shlex.split(python(code)), tree).ok
        )
        return SuiteRun(len(self.tests) - len(failing), failing)
