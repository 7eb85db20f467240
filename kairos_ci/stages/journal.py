"""What this run writes into memory: one immutable journal."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace

from kairos_ci import __version__
from kairos_ci.bundle.records import ApplyResult, Status
from kairos_ci.config.records import TaskKind
from kairos_ci.memory.records import (
    Backoff,
    DecisionRecord,
    Journal,
    Memory,
    Posted,
    RunRecord,
    RunResult,
    StoredSuggestion,
    TestRecord,
    VerdictRecord,
)
from kairos_ci.stages.evidence import Evidence
from kairos_ci.stages.gate import Suggestion, not_stored
from kairos_ci.stages.records import RunInfo
from kairos_ci.stages.state import Finished, ModelNotes
from kairos_ci.verdicts.records import HistoryEntry, Outcome, TestVerdict, Verdict

LANDED = (Status.APPLIED, Status.UNCHANGED)
KIND = TaskKind.FIX_TESTS.value  # the task whose suggestions memory keeps for approval


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


def build(done: Finished) -> Journal:
    """The journal of a finished run: what it saw, decided and did."""
    run, notes = done.run, done.worked.notes
    known = done.recalled.reconciled
    changed_work = {w.branch: w for w in known.changed_work}
    for branch, item in done.acted.work.items():
        if known.known.work.get(branch) != item:
            changed_work[branch] = item
    results = marked_flaky(done.observed.results, notes.flaky_on_rerun)
    verdicts = done.observed.verdicts
    return Journal(
        run=run_record(run, done.sha, done.observed.evidence, done.acted.applied),
        results={test_id: (entry,) for test_id, entry in results.items()},
        verdicts={
            **verdict_news(done.recalled.memory, verdicts),
            **flaky_now(results, notes.flaky_on_rerun, run.run_id),
        },
        posted={
            o.write.fingerprint: Posted(o.write.kind.value, o.write.describe(), o.url or "", run.at)
            for o in done.acted.applied.outcomes
            if o.status in LANDED
        },
        work=tuple(changed_work.values()),
        rejections=known.new_rejections,
        decisions=tuple(
            DecisionRecord(run.run_id, run.at, "gate", target, why)
            for target, why in done.gated.decisions
        )
        + model_decisions(run, notes),
        spend=dict(notes.spend),
        tasks=notes.tasks,
        backoffs=tuple(_storable(b) for b in notes.backoffs),
        suggestions=(*stored(done.gated.suggestions, run.at), *notes.stale),
    )


def verdict_news(memory: Memory, verdicts: Mapping[str, TestVerdict]) -> dict[str, VerdictRecord]:
    """The verdicts a journal keeps. A test that stays healthy, or stays new, is not news:
    its evidence is only its latest runs, which this journal's results already add. Kept,
    it would put every remembered test into every journal (issue 21)."""
    return {
        test_id: VerdictRecord(verdict.verdict, verdict.evidence)
        for test_id, verdict in verdicts.items()
        if not _unchanged_routine(memory.tests.get(test_id), verdict)
    }


def _unchanged_routine(known: TestRecord | None, verdict: TestVerdict) -> bool:
    if known is None or known.verdict is not verdict.verdict:
        return False
    return verdict.verdict in _ROUTINE


_ROUTINE = frozenset({Verdict.HEALTHY, Verdict.NEW})


def stored(suggestions: Iterable[Suggestion], at: str) -> tuple[StoredSuggestion, ...]:
    """Each ``fix_tests`` suggestion with its exact patch, so that a maintainer's tick
    applies this patch on the next run (a patch over the cap is kept out, with why)."""
    return tuple(
        _stored(suggestion, at) for suggestion in suggestions if suggestion.change.kind == KIND
    )


def _stored(suggestion: Suggestion, at: str) -> StoredSuggestion:
    change = suggestion.change
    missing = not_stored(change)
    targets = tuple(sorted(change.evidence.targets)) if change.evidence is not None else ()
    return StoredSuggestion(
        key=suggestion.key,
        branch=change.branch,
        title=_line(change.title, 4000),
        base_sha=change.base_sha,
        patch="" if missing else change.patch,
        targets=tuple(_line(t, 1000) or "-" for t in targets),
        evidence=tuple(
            _line(f"{c.name}: {'passed' if c.passed else 'failed'} ({c.detail})", 4000)
            for c in change.checks
        ),
        at=at,
        not_stored=missing,
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


def model_decisions(run: RunInfo, notes: ModelNotes) -> tuple[DecisionRecord, ...]:
    """What triage and the agent decided (reasons are already redacted and one line)."""
    return tuple(
        DecisionRecord(run.run_id, run.at, action, _line(target, 1000) or "-", _line(why, 4000))
        for action, target, why in notes.decisions
    )


def _storable(backoff: Backoff) -> Backoff:
    """Test ids and reasons come from test output: one printable line, bounded."""
    why = _line(backoff.why, 4000)
    return replace(backoff, test_id=_line(backoff.test_id, 1000) or "-", why=why)


def _line(text: str, limit: int) -> str:
    return "".join(c for c in " ".join(text.split()) if c.isprintable())[:limit]
