"""Evidence: run the project's tests and linters in a checkout and read their reports.

Every report file is read on its own: a broken one becomes an error record and the
others still count. A configured command that cannot start, runs out of time, or
leaves no report did not run: that is never "0 findings", it is a failure of the run
(``Evidence.not_run``, one line per config key). All the reports of one ``gather`` share a
run budget (``signals.budget``): past it, what was read is kept and the error record that
ends the reading says the result is partial.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from kairos_ci.config.records import Config, LinterConfig
from kairos_ci.signals.budget import RunTally
from kairos_ci.signals.read import parse_report
from kairos_ci.signals.records import ErrorRecord, Finding, ReportFormat, TestResult
from kairos_ci.workspace.commands import CommandResult, CommandRunner
from kairos_ci.workspace.imports import imported_from_outside


@dataclass(frozen=True)
class LintEvidence:
    linter: str
    findings: tuple[Finding, ...]
    command: CommandResult | None
    did_not_run: str = ""  # why the linter produced no report; "" when it ran


@dataclass(frozen=True)
class Evidence:
    tests: tuple[TestResult, ...]
    test_command: CommandResult | None
    lint: tuple[LintEvidence, ...]
    errors: tuple[ErrorRecord, ...]  # reports that could not be read, and why
    # Why the test run did not exercise this tree's own packages; "" when it did.
    not_the_tree: str = ""
    # Tests memory judges flaky: verification shows their failures but never counts them.
    flaky: frozenset[str] = frozenset()
    # Configured tools that did not run: "<config key>: <why>", e.g. "linters[0].run: ...".
    not_run: tuple[str, ...] = ()

    def failing(self) -> tuple[TestResult, ...]:
        return tuple(t for t in self.tests if t.outcome in ("failed", "errored"))

    def findings_of(self, linter: str) -> tuple[Finding, ...]:
        return next((lint.findings for lint in self.lint if lint.linter == linter), ())

    def did_not_run(self, linter: str) -> str:
        """Why ``linter`` did not run; "" when it ran (or is not configured)."""
        return next((lint.did_not_run for lint in self.lint if lint.linter == linter), "")


def gather(
    checkout: Path, config: Config, runner: CommandRunner, *, run_commands: bool
) -> Evidence:
    """Run (or, when ``run_commands`` is false, only read) the configured tests and linters."""
    tally = RunTally()
    tests, test_command, errors = run_tests(
        checkout, config, runner, run_commands=run_commands, tally=tally
    )
    not_run = [_tests_not_run(checkout, config, test_command, runner.timeout_s)]
    not_the_tree = ""
    if run_commands and config.tests.run is not None:
        not_the_tree = imported_from_outside(runner, checkout, config.tests.run.argv)
    lint = []
    for index, linter in enumerate(config.linters):
        evidence, lint_errors = run_linter(
            checkout, linter, runner, run_command_=run_commands, tally=tally
        )
        lint.append(evidence)
        errors += lint_errors
        if evidence.did_not_run:
            not_run.append(f"linters[{index}].run: {evidence.did_not_run}")
    return Evidence(
        tests,
        test_command,
        tuple(lint),
        errors,
        not_the_tree,
        not_run=tuple(line for line in not_run if line),
    )


def run_tests(
    checkout: Path,
    config: Config,
    runner: CommandRunner,
    *,
    run_commands: bool,
    selected: tuple[str, ...] = (),
    tally: RunTally | None = None,
) -> tuple[tuple[TestResult, ...], CommandResult | None, tuple[ErrorRecord, ...]]:
    """Run the test command (with ``selected`` test ids appended, as the agent's
    ``run_tests`` tool does) and read the JUnit reports it wrote. A command that left no
    report is not an error record here: ``gather`` reports it as a tool that did not run."""
    command = None
    if run_commands and config.tests.run is not None:
        _clear(checkout, config.tests.junit)  # stale reports must not pass for fresh ones
        command = runner.run((*config.tests.run.argv, *selected), checkout)
    reports = sorted(_glob(checkout, config.tests.junit))
    found = _read(reports, ReportFormat.JUNIT, checkout, runner.seen_at(checkout), tally)
    tests, errors = _split(found)
    return tuple(t for t in tests if isinstance(t, TestResult)), command, tuple(errors)


def run_linter(
    checkout: Path,
    linter: LinterConfig,
    runner: CommandRunner,
    *,
    run_command_: bool,
    tally: RunTally | None = None,
) -> tuple[LintEvidence, tuple[ErrorRecord, ...]]:
    fmt = ReportFormat(linter.format)
    if not run_command_:
        paths = sorted(_glob(checkout, (linter.report,))) if linter.report else []
        found, errors = _split(_read(paths, fmt, checkout, checkout, tally))
        return LintEvidence(linter.name, _findings(found), None), tuple(errors)
    if linter.report:
        _clear(checkout, (linter.report,))
    command = runner.run(linter.run.argv, checkout)
    if command.exit_code is None:
        why = command.error or f"timed out after {runner.timeout_s:.0f}s"
        return LintEvidence(linter.name, (), command, did_not_run=why), ()
    if linter.report:
        reports = sorted(_glob(checkout, (linter.report,)))
        if not reports:
            why = f"exited {command.exit_code} without writing its report {linter.report!r}"
            return LintEvidence(linter.name, (), command, did_not_run=why), ()
        found, errors = _split(_read(reports, fmt, checkout, runner.seen_at(checkout), tally))
    elif not command.stdout.strip() and not command.ok:
        # A linter that failed and printed nothing crashed; clean code prints an empty report.
        why = f"exited {command.exit_code} and printed no report"
        return LintEvidence(linter.name, (), command, did_not_run=why), ()
    else:
        seen = runner.seen_at(checkout)
        found, errors = _split(_read_text(command.stdout, fmt, seen, linter.name, tally))
    return LintEvidence(linter.name, _findings(found), command), tuple(errors)


def _read(
    paths: Iterable[Path], fmt: ReportFormat, tree: Path, seen: Path, tally: RunTally | None
) -> list[object]:
    """Read reports found in ``tree``; absolute paths inside them are relative to ``seen``,
    where the command that wrote them saw the tree."""
    records: list[object] = []
    for path in paths:
        shown = str(path.relative_to(tree))
        records.extend(parse_report(path, fmt, display=shown, root=seen, tally=tally))
    return records


def _read_text(
    text: str, fmt: ReportFormat, root: Path, name: str, tally: RunTally | None
) -> list[object]:
    with tempfile.NamedTemporaryFile("w", suffix=".report", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        shown = f"{name} output"
        return list(parse_report(handle.name, fmt, display=shown, root=root, tally=tally))


def _split(records: list[object]) -> tuple[list[object], list[ErrorRecord]]:
    errors = [r for r in records if isinstance(r, ErrorRecord)]
    return [r for r in records if not isinstance(r, ErrorRecord)], errors


def _findings(records: list[object]) -> tuple[Finding, ...]:
    return tuple(r for r in records if isinstance(r, Finding))


def _glob(root: Path, patterns: Iterable[str]) -> set[Path]:
    found: set[Path] = set()
    for pattern in patterns:
        # Globs are repository-relative; a leading slash means the repository root.
        matches = root.glob(pattern.lstrip("/"))
        found.update(p for p in matches if p.is_file() and _inside(root, p))
    return found


def _inside(root: Path, path: Path) -> bool:
    return path.resolve().is_relative_to(root.resolve())


def _clear(root: Path, patterns: Iterable[str]) -> None:
    for path in _glob(root, patterns):
        path.unlink()


def _tests_not_run(
    checkout: Path, config: Config, command: CommandResult | None, timeout_s: float
) -> str:
    """ "tests.run: <why>" when the test command ran but left no JUnit report; else ""."""
    if command is None:
        return ""
    if command.exit_code is None:
        why = command.error or f"timed out after {timeout_s:.0f}s before writing a report"
    elif config.tests.junit and not _glob(checkout, config.tests.junit):
        # Without tests.junit no report is expected: the exit code is the evidence.
        patterns = ", ".join(config.tests.junit)
        why = f"exited {command.exit_code} and wrote no JUnit report matching {patterns}"
    else:
        return ""
    return f"tests.run: {why}"
