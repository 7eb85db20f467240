"""Early warnings from memory: what changing these paths has broken before, and the
flaky tests that live in files this pull request touches.

Both are about a file, not a line: a comment goes on the file's first added line when
it has one in scope, otherwise the warning goes into the review body.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import groupby

from kairos_ci.diff.locate import TrackedFiles
from kairos_ci.forge.markers import fingerprint
from kairos_ci.memory.records import Memory, TestRecord
from kairos_ci.tasks.review.lines import first_added
from kairos_ci.tasks.review.markdown import code
from kairos_ci.tasks.review.records import ReviewFinding, ReviewScope, Source
from kairos_ci.verdicts.cofailure import from_counts, warnings_for
from kairos_ci.verdicts.records import CoFailure, Outcome, Verdict

MAX_TESTS_NAMED = 5
_FAILED = frozenset({Outcome.FAILED, Outcome.ERRORED, Outcome.FLAKY})


def cofailure_findings(memory: Memory, scope: ReviewScope) -> Iterator[ReviewFinding]:
    known = warnings_for(scope.files, from_counts(memory.cofailures))
    for path, group in groupby(sorted(known, key=lambda c: c.path), key=lambda c: c.path):
        yield _cofailure(path, list(group), scope)


def _cofailure(path: str, found: list[CoFailure], scope: ReviewScope) -> ReviewFinding:
    found.sort(key=lambda c: (-c.confidence, c.test_id))
    stats = [
        f"{code(c.test_id)} (failed in {c.support} of {_runs(c)} runs that changed it)"
        for c in found[:MAX_TESTS_NAMED]
    ]
    more = f", and {len(found) - MAX_TESTS_NAMED} more" if len(found) > MAX_TESTS_NAMED else ""
    detail = (
        f"**Early warning**: changes to {code(path)} went with these tests failing before: "
        + "; ".join(stats)
        + f"{more}. Run them before merging."
    )
    tests = sorted(c.test_id for c in found)
    return ReviewFinding(
        source=Source.COFAILURE,
        rule="kairos/co-failure",
        path=path,
        line=first_added(scope, path),
        title=f"changes here broke {len(found)} test(s) before",
        detail=detail,
        fingerprint=fingerprint("co-failure", path, *tests, prefix="cofail"),
        severity=2,
    )


def _runs(c: CoFailure) -> int:
    return max(c.support, round(c.support / c.confidence)) if c.confidence else c.support


def flaky_findings(
    memory: Memory, scope: ReviewScope, tracked: Iterable[str]
) -> Iterator[ReviewFinding]:
    index = TrackedFiles([*tracked, *scope.files])
    by_file: dict[str, list[tuple[str, TestRecord]]] = {}
    for test_id, record in memory.tests.items():
        if record.verdict is not Verdict.FLAKY:
            continue
        module = test_id.partition("::")[0]
        path = index.resolve_module(module) if module else None
        if path is not None and path in scope.files:
            by_file.setdefault(path, []).append((test_id, record))
    for path, tests in sorted(by_file.items()):
        yield _flaky(path, sorted(tests), scope)


def _flaky(path: str, tests: list[tuple[str, TestRecord]], scope: ReviewScope) -> ReviewFinding:
    named = [f"{code(t)} ({_failures(r)})" for t, r in tests[:MAX_TESTS_NAMED]]
    detail = (
        f"**Flaky tests here**: memory judges these tests in {code(path)} flaky: "
        + "; ".join(named)
        + ". A failure in them on this pull request may not be its fault; a change to them "
        "deserves a careful look."
    )
    return ReviewFinding(
        source=Source.FLAKY,
        rule="kairos/flaky-test",
        path=path,
        line=first_added(scope, path),
        title=f"touches {len(tests)} flaky test(s)",
        detail=detail,
        fingerprint=fingerprint("flaky", path, *(t for t, _ in tests), prefix="flaky"),
        severity=2,
    )


def _failures(record: TestRecord) -> str:
    failed = sum(1 for entry in record.history if entry.outcome in _FAILED)
    return f"failed {failed} of its last {len(record.history)} runs"
