"""Rerun failures never seen before, before any model is asked about them.

A test failing for the first time in memory's history is run again, up to
``tests.reruns`` times, in a fresh checkout of the same commit. Only those tests run:
they are appended to the test command as the agent's ``run_tests`` tool appends them
(plain arguments, none that could be read as an option), named as pytest names them
when the report's class is a Python file in the checkout, else by their id. A test that
passes on a rerun is flaky; the nightly records it as such and pays for nothing.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from kairos_ci.config.records import Config
from kairos_ci.memory.records import Memory
from kairos_ci.signals.records import Outcome, TestResult
from kairos_ci.stages.evidence import run_tests
from kairos_ci.workspace.commands import CommandRunner
from kairos_ci.workspace.scratch import scratch_checkout

SEEN_FAILING = frozenset({Outcome.FAILED, Outcome.ERRORED, Outcome.FLAKY})
PASSING = frozenset({Outcome.PASSED, Outcome.FLAKY})


@dataclass(frozen=True)
class Rerun:
    """Where and how to rerun: the commit the failures were seen on, and its test command."""

    repo: Path
    base_sha: str
    config: Config
    runner: CommandRunner


def first_seen(tests: Iterable[TestResult], memory: Memory) -> tuple[TestResult, ...]:
    """The tests with no failure (a retry-pass included) anywhere in memory's history."""
    return tuple(t for t in tests if not _failed_before(t.id, memory))


def passed_on_rerun(rerun: Rerun, tests: Sequence[TestResult]) -> dict[str, int]:
    """Test id -> the rerun (from 1) it passed on, for each of ``tests`` that did."""
    times = rerun.config.tests.reruns
    if not tests or times < 1 or rerun.config.tests.run is None:
        return {}
    passed: dict[str, int] = {}
    with scratch_checkout(rerun.repo, rerun.base_sha) as scratch:
        names = command_line_names(tests, scratch.path)
        for attempt in range(1, times + 1):
            pending = {test_id: name for test_id, name in names.items() if test_id not in passed}
            if not pending:
                break
            selected = tuple(dict.fromkeys(pending.values()))
            results, _, _ = run_tests(
                scratch.path, rerun.config, rerun.runner, run_commands=True, selected=selected
            )
            passed.update(dict.fromkeys(passing(results, pending), attempt))
    return passed


def command_line_names(tests: Iterable[TestResult], checkout: Path) -> dict[str, str]:
    """Test id -> how the test is named on the command line; a test whose name could be
    read as an option, or is not one line, is not rerun."""
    names: dict[str, str] = {}
    for test in tests:
        name = pytest_node(test, checkout) or test.id
        if name and not name.startswith("-") and "\0" not in name and "\n" not in name:
            names[test.id] = name
    return names


def pytest_node(test: TestResult, checkout: Path) -> str | None:
    """pytest's node id, when the report's class (``tests.test_x.TestY``) starts with the
    dotted path of a Python file in the checkout (``tests/test_x.py::TestY::name``)."""
    parts = (test.classname or "").split(".")
    if not all(part.isidentifier() for part in parts):
        return None
    for cut in range(len(parts), 0, -1):
        module = "/".join(parts[:cut]) + ".py"
        if (checkout / module).is_file():
            return "::".join((module, *parts[cut:], test.name))
    return None


def passing(results: Iterable[TestResult], ids: Collection[str]) -> frozenset[str]:
    """The ``ids`` reported, and passing in every report that names them."""
    outcomes: dict[str, set[Outcome]] = {}
    for result in results:
        if result.id in ids:
            outcomes.setdefault(result.id, set()).add(Outcome(result.outcome))
    return frozenset(test_id for test_id, seen in outcomes.items() if seen <= PASSING)


def _failed_before(test_id: str, memory: Memory) -> bool:
    record = memory.tests.get(test_id)
    return record is not None and any(e.outcome in SEEN_FAILING for e in record.history)
