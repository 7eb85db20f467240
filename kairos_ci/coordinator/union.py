"""The project's whole suite, once, on every proposed slice together.

Each slice is verified on its own (``coordinator.integrate``), yet two slices can break
together what neither breaks alone: one renames a function the other starts calling.
So once a run has proposed its slices, their verified heads are merged onto the default
branch's head in a scratch (``git merge-tree --write-tree``, as a slice's tasks are; a
textual conflict between slices is named by path and no suite runs) and the configured
suite runs once on the result, in the jail. A later run on the very same trees (the
default branch's head and every slice's unchanged) reuses the board's verdict instead of
running the suite again.

It is judged as a step's suite check judges a step's tree: a test failing on the union
that did not fail at the plan's baseline and that memory's last nightly did not judge
flaky is a new failure, named. There is no rerun: the suite runs exactly once. Only when
there are new failures and the default branch moved since the plan's base (whose
failures the baseline lists) does it run once more, on the default branch's head alone:
a test failing there too is not the slices'. Nothing is blocked by the verdict; each
slice's pull request stands on its own checks.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from kairos_ci.coordinator.evidence import AttemptEvidence, SuiteRun
from kairos_ci.coordinator.integrate import merge_tree
from kairos_ci.coordinator.outcomes import Conflict
from kairos_ci.coordinator.records import FullSuite
from kairos_ci.git import Git
from kairos_ci.workspace.scratch import Scratch

if TYPE_CHECKING:
    from kairos_ci.coordinator.agent_step import Suite  # its modules are the agent's: heavy

NAMED = 5  # failing tests named in the line; the rest are counted
MAX_LINE = 1000  # characters: a conflict's paths and a suite's problem are bounded too
NO_SUITE = "no test command is configured (tests.run)"


@dataclass(frozen=True)
class SliceHead:
    number: int
    head: str  # the slice's verified commit, in the scratch's objects


@dataclass(frozen=True)
class UnionJob:
    plan_id: str
    heads: tuple[SliceHead, ...]  # the slices proposed this run, in slice order
    suite: Suite  # the configured tests on a tree, in the jail
    known: frozenset[str]  # failing at the plan's baseline: not blamed on the slices
    flaky: frozenset[str]  # judged flaky by memory's last nightly: not counted
    plan_base: str = ""  # the commit the baseline was measured on; "": not known


@dataclass(frozen=True)
class UnionVerdict:
    slices: tuple[int, ...]
    conflict: str = ""  # which slice did not merge onto the others, and where
    skipped: str = ""  # why no suite ran that is nobody's failure (none configured)
    run: SuiteRun | None = None
    new_failures: tuple[str, ...] = ()  # not failing at the baseline, not flaky: broken here
    flaky: tuple[str, ...] = ()  # failing here, judged flaky by memory
    at_base: int = 0  # failing here as at the baseline
    on_default: tuple[str, ...] = ()  # failing on the default branch's head alone too

    @property
    def ok(self) -> bool:
        if self.skipped:
            return True
        ran = self.run is not None and not self.run.problem
        return ran and not self.conflict and not self.new_failures

    def line(self) -> str:
        """One bounded line for the job summary and the plan comment, whitespace
        collapsed: test ids come from code a model wrote."""
        together = " together" if len(self.slices) > 1 else ""
        text = " ".join(f"Full suite on {_listed(self.slices)}{together}: {self._result()}".split())
        return text if len(text) <= MAX_LINE else text[: MAX_LINE - 1] + "…"

    def _result(self) -> str:
        if self.skipped:
            return f"not run: {self.skipped}"
        if self.conflict:
            return f"not run: {self.conflict}"
        if self.run is None or self.run.problem:
            return f"did not run: {self.run.problem if self.run else 'no result'}"
        count = len(self.new_failures)
        text = f"{self.run.passed} passed, {count} new failure{'' if count == 1 else 's'}"
        text += f" ({_named(self.new_failures)})" if count else ""
        text += f"; {self.at_base} failing as at the base" if self.at_base else ""
        if self.on_default:
            text += f"; failing on the default branch alone too: {_named(self.on_default)}"
        return text + (f"; flaky here: {_named(self.flaky)}" if self.flaky else "")


@dataclass(frozen=True)
class SameTrees:
    """An earlier run's verdict on the very same trees: the suite is not run again."""

    kept: FullSuite

    @property
    def ok(self) -> bool:
        return self.kept.ok

    def line(self) -> str:
        return f"{self.kept.line} (as run at {self.kept.at}: the same trees since)"


def union_evidence(verdict: UnionVerdict) -> AttemptEvidence:
    """The run as a worker keeps an attempt's (``stages.step_evidence``): its JUnit and its
    line, so that a reviewer sees why the slices fail together, not only which test."""
    runs = (verdict.run,) if verdict.run is not None else ()
    outcome = "done" if verdict.ok else "failed"
    return AttemptEvidence("full-suite", 1, 0, outcome, verdict.line(), "", runs)


def union_key(
    git: Git, default_head: str, heads: tuple[SliceHead, ...], flaky: frozenset[str]
) -> str:
    """What a verdict depends on: the trees merged (the default branch's head's, each
    slice's: a slice rebuilt on the same trees is a new commit, not new code) and the
    tests not counted; the baseline is the plan's, fixed with it."""
    commits = [default_head, *(part.head for part in heads)]
    trees = git.text("rev-parse", *(f"{commit}^{{tree}}" for commit in commits)).split()
    parts = [*trees, *(str(part.number) for part in heads), *sorted(flaky)]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def union_suite(scratch: Scratch, job: UnionJob) -> UnionVerdict:
    """Merge ``job.heads`` onto ``scratch.base_sha``, check the union out in the scratch
    and run the suite on it once; a conflict between slices runs nothing."""
    numbers = tuple(part.number for part in job.heads)
    union = _union(scratch, job)
    if isinstance(union, UnionVerdict):
        return union
    scratch.git.run("checkout", "--quiet", "--force", "--detach", union)
    verdict = judged(numbers, job.suite(scratch.path), job)
    if not verdict.new_failures or scratch.base_sha == job.plan_base or not job.plan_base:
        return verdict
    return _cleared(scratch, job, verdict)


def _cleared(scratch: Scratch, job: UnionJob, verdict: UnionVerdict) -> UnionVerdict:
    """The default branch moved since the plan's base, so the baseline no longer says
    what fails without the slices: the suite runs once on its head alone, and a test
    failing there too is the default branch's, not the slices'."""
    scratch.git.run("checkout", "--quiet", "--force", "--detach", scratch.base_sha)
    alone = job.suite(scratch.path)
    if alone.problem:
        return verdict  # nothing cleared: the new failures stand
    theirs = set(alone.failing)
    new = tuple(test for test in verdict.new_failures if test not in theirs)
    moved = tuple(test for test in verdict.new_failures if test in theirs)
    return replace(verdict, new_failures=new, on_default=moved)


def judged(numbers: tuple[int, ...], run: SuiteRun, job: UnionJob) -> UnionVerdict:
    """The step suite check's rule (``SuiteRun.failures``); a suite that did not run
    verifies nothing."""
    if run.problem:
        return UnionVerdict(numbers, run=run)
    found = run.failures(job.known, job.flaky)
    return UnionVerdict(
        numbers, run=run, new_failures=found.new, flaky=found.flaky, at_base=found.at_base
    )


def _union(scratch: Scratch, job: UnionJob) -> str | UnionVerdict:
    """The commit with every slice merged in, or the verdict naming the first conflict."""
    git = scratch.git
    current, merged = scratch.base_sha, list[int]()
    for part in job.heads:
        tree = merge_tree(git, current, part.head)
        if isinstance(tree, Conflict):
            onto = _listed(tuple(merged)) if merged else "the default branch"
            why = f"slice {part.number} conflicts with {onto}: {tree.quote()}"
            return UnionVerdict(tuple(p.number for p in job.heads), conflict=why)
        message = f"Union: slice {part.number} of plan {job.plan_id}, for the full suite"
        current = git.text("commit-tree", tree, "-p", current, "-p", part.head, "-m", message)
        merged.append(part.number)
    return current


def _listed(numbers: tuple[int, ...]) -> str:
    """``slice 2``, ``slices 1-4``, ``slices 1, 3 and 4``."""
    if len(numbers) <= 1:
        return f"slice {numbers[0]}" if numbers else "no slice"
    if list(numbers) == list(range(numbers[0], numbers[0] + len(numbers))):
        return f"slices {numbers[0]}-{numbers[-1]}"
    listed = ", ".join(str(n) for n in numbers[:-1])
    return f"slices {listed} and {numbers[-1]}"


def _named(tests: tuple[str, ...]) -> str:
    more = len(tests) - NAMED
    return ", ".join(tests[:NAMED]) + (f" and {more} more" if more > 0 else "")
