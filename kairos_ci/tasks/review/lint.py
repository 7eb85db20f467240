"""The configured linters, run on the pull request's head, reported on its added lines.

They run in a scratch checkout of the head, never in the user's checkout. A finding on
an added line that the merge base already had (a moved or re-indented line) is left
out, and counted (``base_lint``). When a linter has a ``fix`` command, it runs too (on
a fresh copy of the head) and each change it makes that lies wholly on added lines
becomes a suggestion on the finding it fixes: the author commits it with one click.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from kairos_ci.config.records import LinterConfig
from kairos_ci.diff.mapping import map_findings
from kairos_ci.diff.parse import parse_diff
from kairos_ci.diff.records import FilterMode, Hunk, Placement
from kairos_ci.forge.markers import fingerprint
from kairos_ci.signals import records as signals
from kairos_ci.signals.records import ErrorRecord
from kairos_ci.stages.evidence import run_linter
from kairos_ci.tasks.review.base_lint import BaseLint, Compared
from kairos_ci.tasks.review.markdown import code, inert
from kairos_ci.tasks.review.records import (
    PullDiff,
    ReviewFinding,
    ReviewScope,
    Source,
    SuggestedEdit,
)
from kairos_ci.workspace.commands import CommandRunner
from kairos_ci.workspace.scratch import Scratch, scratch_checkout

MAX_SUGGESTION_CHARS = 8000
_SEVERITY = {signals.Severity.ERROR: 0, signals.Severity.WARNING: 1, signals.Severity.NOTE: 2}


@dataclass(frozen=True)
class Linted:
    findings: tuple[ReviewFinding, ...]
    notes: tuple[str, ...]  # how each linter ran, for the coverage footer
    # Findings on added lines that the base already had, left out; None: no linter ran.
    preexisting: int | None = None


def lint(
    repo: Path,
    linters: Sequence[LinterConfig],
    pull: PullDiff,
    scope: ReviewScope,
    runner: CommandRunner,
) -> Linted:
    findings: list[ReviewFinding] = []
    notes: list[str] = []
    preexisting: int | None = None
    with ExitStack() as stack:
        scratch = stack.enter_context(scratch_checkout(repo, pull.head))
        base = BaseLint(repo, pull, runner, stack)
        for linter in linters:
            evidence, errors = run_linter(scratch.path, linter, runner, run_command_=True)
            if evidence.did_not_run:
                notes.append(f"{linter.name} did not run on the head: {evidence.did_not_run}")
                continue
            mapped = map_findings(evidence.findings, pull.diff, FilterMode.ADDED)
            placed = [p for p in mapped.inside if _in_scope(p.path, p.line, scope)]
            compared = base.compare(linter, scratch.path, mapped, placed)
            preexisting = (preexisting or 0) + compared.preexisting
            fixes = _fixes(scratch, linter, runner) if linter.fix and compared.kept else {}
            findings += _findings(linter.name, compared.kept, fixes, pull)
            notes.append(_note(linter.name, errors, compared))
    return Linted(tuple(findings), tuple(notes), preexisting)


def _note(name: str, errors: Sequence[ErrorRecord], compared: Compared) -> str:
    where = "the head and the merge base" if compared.on_base else "the head"
    problems = [*(e.message for e in errors[:2]), *([compared.problem] if compared.problem else [])]
    return f"{name} ran on {where}" + (f" ({'; '.join(problems)})" if problems else "")


def _in_scope(path: str | None, line: int | None, scope: ReviewScope) -> bool:
    return path is not None and line is not None and line in scope.lines.get(path, ())


def _fixes(
    scratch: Scratch, linter: LinterConfig, runner: CommandRunner
) -> dict[str, list[SuggestedEdit]]:
    """What the fix command changes on the head, as replacements of head lines."""
    assert linter.fix is not None
    scratch.git.run("reset", "--quiet", "--hard", scratch.base_sha)
    scratch.git.run("clean", "--quiet", "-fdx")
    ran = runner.run(linter.fix.argv, scratch.path)
    if ran.exit_code is None:
        return {}
    raw = scratch.git.run("diff", "-U0", "--no-color", "--no-ext-diff", "HEAD").stdout
    fixes: dict[str, list[SuggestedEdit]] = {}
    for changed in parse_diff(raw.decode("utf-8", "replace")).files:
        path = scratch.path / changed.path
        rows = path.read_text("utf-8", "replace").split("\n") if path.is_file() else []
        fixes[changed.path] = [s for h in changed.hunks if (s := _replacement(h, rows))]
    # The next linter reads the head, not what this fix command made of it.
    scratch.git.run("reset", "--quiet", "--hard", scratch.base_sha)
    scratch.git.run("clean", "--quiet", "-fdx")
    return fixes


def _replacement(hunk: Hunk, rows: list[str]) -> SuggestedEdit | None:
    if hunk.old_count == 0:
        return None  # a pure insertion has no head line to hang a suggestion on
    start = hunk.old_start
    new = "\n".join(rows[hunk.new_start - 1 : hunk.new_start - 1 + hunk.new_count])
    if len(new) > MAX_SUGGESTION_CHARS:
        return None  # a rewrite that big is not a one-click suggestion
    return SuggestedEdit(start, start + hunk.old_count - 1, new)


def _findings(
    linter: str, placed: Sequence[Placement], fixes: dict[str, list[SuggestedEdit]], pull: PullDiff
) -> Iterator[ReviewFinding]:
    used: set[tuple[str, int]] = set()  # one fix, one suggestion: two would conflict
    for placement in placed:
        item, path, line = placement.subject, placement.path, placement.line
        if not isinstance(item, signals.Finding) or path is None or line is None:
            continue
        span = (item.start_line or line, item.end_line or line)
        fix = _fix_for(fixes.get(path, []), *span, pull.added(path))
        if fix is not None and (path, fix.start) in used:
            fix = None
        if fix is not None:
            used.add((path, fix.start))
        yield _finding(linter, item, path, line, fix)


def _fix_for(
    fixes: list[SuggestedEdit], start: int, end: int, added: frozenset[int]
) -> SuggestedEdit | None:
    """The one fix that overlaps the finding and lies wholly on added lines."""
    found = [f for f in fixes if f.start <= end and start <= f.end]
    if len(found) != 1:
        return None
    fix = found[0]
    return fix if all(n in added for n in range(fix.start, fix.end + 1)) else None


def _finding(
    linter: str, item: signals.Finding, path: str, line: int, fix: SuggestedEdit | None
) -> ReviewFinding:
    rule = f"{linter}/{item.rule or 'error'}"
    detail = f"**{inert(linter, 40)}** {code(item.rule or 'error', 60)}: {inert(item.message, 500)}"
    return ReviewFinding(
        source=Source.LINT,
        rule=rule,
        path=path,
        line=fix.end if fix else line,
        start_line=fix.start if fix and fix.start < fix.end else None,
        title=f"{inert(linter, 40)} {code(item.rule or 'error', 60)}: {inert(item.message, 120)}",
        detail=detail,
        fingerprint=fingerprint(linter, item.fingerprint, prefix="lint"),
        suggestion=fix,
        severity=_SEVERITY.get(item.severity, 1),
    )


def tool_notes(linters: Sequence[LinterConfig]) -> str:
    return ", ".join(linter.name for linter in linters) or "none configured"
