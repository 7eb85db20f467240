"""What this run writes into memory: one immutable journal."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace

from kairos_ci import __version__
from kairos_ci.bundle.records import ApplyResult, Status
from kairos_ci.memory.records import (
    Backoff,
    DecisionRecord,
    Journal,
    Memory,
    Posted,
    RunRecord,
    RunResult,
    VerdictRecord,
    Work,
)
from kairos_ci.tasks.evidence import Evidence
from kairos_ci.tasks.fix_tests import FixOutcome
from kairos_ci.tasks.fix_tests_nightly import tasks_for
from kairos_ci.tasks.gate import Gated
from kairos_ci.tasks.reconcile import Reconciled
from kairos_ci.tasks.records import RunInfo
from kairos_ci.verdicts.records import HistoryEntry, Outcome, TestVerdict, Verdict

LANDED = (Status.APPLIED, Status.UNCHANGED)


def histories(
    memory: Memory, results: Mapping[str, HistoryEntry]
) -> dict[str, Sequence[HistoryEntry]]:
    """Each test's remembered history with this run's entry appended."""
    merged: dict[str, Sequence[HistoryEntry]] = {
        test_id: record.history for test_id, record in memory.tests.items()
    }
    for test_id, entry in results.items():
        merged[test_id] = (*merged.get(test_id, ()), entry)
    return merged


def run_record(
    run: RunInfo, sha: str, evidence: Evidence, applied: ApplyResult | None = None
) -> RunRecord:
    failed = applied is not None and bool(applied.failed)
    outcome = RunResult.FAILURE if failed else RunResult.SUCCESS
    if not failed and (evidence.errors or evidence.not_run):
        outcome = RunResult.PARTIAL
    return RunRecord(run.run_id, run.event, sha, run.at, outcome)


def created_by(run: RunInfo) -> dict[str, str]:
    return {"kairos": __version__, "run_id": run.run_id[:50], "event": run.event[:50]}


def build(
    run: RunInfo,
    sha: str,
    evidence: Evidence,
    results: Mapping[str, HistoryEntry],
    verdicts: Mapping[str, TestVerdict],
    known: Reconciled,
    gated: Gated,
    applied: ApplyResult,
    work: Mapping[str, Work],
    fixed: FixOutcome | None = None,
) -> Journal:
    changed_work = {w.branch: w for w in known.changed_work}
    for branch, item in work.items():
        if known.known.work.get(branch) != item:
            changed_work[branch] = item
    notes = fixed or FixOutcome()
    results = marked_flaky(results, notes.flaky_on_rerun)
    return Journal(
        run=run_record(run, sha, evidence, applied),
        results={test_id: (entry,) for test_id, entry in results.items()},
        verdicts={
            **{t: VerdictRecord(v.verdict, v.evidence) for t, v in verdicts.items()},
            **flaky_now(results, notes.flaky_on_rerun, run.run_id),
        },
        posted={
            o.write.fingerprint: Posted(o.write.kind.value, o.write.describe(), o.url or "", run.at)
            for o in applied.outcomes
            if o.status in LANDED
        },
        work=tuple(changed_work.values()),
        rejections=known.new_rejections,
        decisions=tuple(
            DecisionRecord(run.run_id, run.at, "gate", target, why)
            for target, why in gated.decisions
        )
        + model_decisions(run, fixed),
        spend=fixed.spend if fixed else {},
        tasks=tasks_for(fixed, run.at) if fixed else (),
        backoffs=tuple(_storable(b) for b in notes.backoffs),
    )


def marked_flaky(
    results: Mapping[str, HistoryEntry], reran: Iterable[str]
) -> Mapping[str, HistoryEntry]:
    """This run's entries, with the failures that passed when rerun made flaky: a pass
    and a failure on the same tree is the evidence the verdicts read."""
    marked = dict(results)
    for test_id in reran:
        if test_id in marked:
            marked[test_id] = replace(marked[test_id], outcome=Outcome.FLAKY)
    return marked


def flaky_now(
    results: Mapping[str, HistoryEntry], reran: Iterable[str], run_id: str
) -> dict[str, VerdictRecord]:
    """The verdict the next judgement gives a test that passed on a retry in this run."""
    return {t: VerdictRecord(Verdict.FLAKY, (run_id,)) for t in reran if t in results}


def model_decisions(run: RunInfo, fixed: FixOutcome | None) -> tuple[DecisionRecord, ...]:
    """What triage and the agent decided (reasons are already redacted and one line)."""
    if fixed is None:
        return ()
    return tuple(
        DecisionRecord(run.run_id, run.at, action, _line(target, 1000) or "-", _line(why, 4000))
        for action, target, why in fixed.decisions
    )


def _storable(backoff: Backoff) -> Backoff:
    """Test ids and reasons come from test output: one printable line, bounded."""
    why = _line(backoff.why, 4000)
    return replace(backoff, test_id=_line(backoff.test_id, 1000) or "-", why=why)


def _line(text: str, limit: int) -> str:
    return "".join(c for c in " ".join(text.split()) if c.isprintable())[:limit]
