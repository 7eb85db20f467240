"""Records <-> the JSON documents on the branch (shape: schemas/memory.schema.json).

Documents reaching ``decode_*`` have been migrated and schema-validated, so
decoding trusts their shape. Test history is stored as one compact string per test
that points into a shared table of (commit, tree, run, time): with thousands of
tests, per-entry JSON objects made validation the slowest part of every load.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from kairos_ci.clock import from_iso
from kairos_ci.errors import MemoryCorrupt
from kairos_ci.memory.records import (
    SCHEMA_VERSION,
    Backoff,
    ByModel,
    CoFailureSample,
    DecisionRecord,
    Fact,
    Journal,
    Lease,
    Memory,
    PathStats,
    Posted,
    Rejection,
    RunRecord,
    RunResult,
    Spend,
    SpendLedger,
    Task,
    TaskState,
    TestRecord,
    VerdictRecord,
    Work,
    WorkState,
)
from kairos_ci.verdicts.records import HistoryEntry, Outcome, Verdict

Doc = dict[str, Any]
Point = tuple[str, str, str, str]  # sha, tree, run id, time

_LETTER = {
    Outcome.PASSED: "p",
    Outcome.FAILED: "f",
    Outcome.ERRORED: "e",
    Outcome.SKIPPED: "s",
    Outcome.FLAKY: "k",
}
_OUTCOME = {letter: outcome for outcome, letter in _LETTER.items()}
_MAX_DURATION_S = 9_999_999.0


def dumps(doc: Doc) -> bytes:
    """Deterministic bytes: the same memory always hashes to the same blob."""
    text = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return (text + "\n").encode("utf-8")


# --- test history -----------------------------------------------------------------


class _PointTable:
    """Collects the distinct (sha, tree, run, time) of the entries being encoded."""

    def __init__(self) -> None:
        self.index: dict[Point, int] = {}

    def encode(self, entries: Iterable[HistoryEntry]) -> str:
        return " ".join(self._token(entry) for entry in entries)

    def rows(self) -> list[list[str]]:
        return [list(point) for point in self.index]

    def _token(self, entry: HistoryEntry) -> str:
        point = self.index.setdefault(
            (entry.sha, entry.tree, entry.run_id, entry.at), len(self.index)
        )
        return f"{point}:{_LETTER[entry.outcome]}:{_duration(entry.duration_s)}"


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return ""
    clamped = min(max(seconds, 0.0), _MAX_DURATION_S)
    return f"{clamped:.3f}".rstrip("0").rstrip(".")


def _decode_history(text: str, points: list[Point], where: str) -> tuple[HistoryEntry, ...]:
    if not text:
        return ()
    entries = []
    for token in text.split(" "):
        index, letter, duration = token.split(":")
        try:
            sha, tree, run_id, at = points[int(index)]
        except IndexError:
            message = f"{where}: history points at entry {index} of {len(points)}"
            raise MemoryCorrupt(message) from None
        seconds = float(duration) if duration else None
        entries.append(HistoryEntry(sha, tree, run_id, _OUTCOME[letter], seconds, at))
    return tuple(entries)


def _points(doc: Doc) -> list[Point]:
    return [(p[0], p[1], p[2], p[3]) for p in doc["points"]]


# --- small records ----------------------------------------------------------------


def _run(doc: Doc) -> RunRecord:
    return RunRecord(doc["run_id"], doc["event"], doc["sha"], doc["at"], RunResult(doc["outcome"]))


def _run_doc(run: RunRecord) -> Doc:
    return {
        "run_id": run.run_id,
        "event": run.event,
        "sha": run.sha,
        "at": run.at,
        "outcome": run.outcome.value,
    }


def _spend(doc: Doc) -> Spend:
    return Spend(float(doc["usd"]), doc["input_tokens"], doc["output_tokens"])


def _by_model(doc: Doc) -> ByModel:
    return {model: _spend(spend) for model, spend in doc.items()}


def _by_model_doc(spend: ByModel) -> Doc:
    return {m: {"usd": s.usd, "input_tokens": s.input_tokens, "output_tokens": s.output_tokens}
            for m, s in spend.items()}  # fmt: skip


def _work(doc: Doc) -> Work:
    return Work(
        doc["branch"], doc["pr"], WorkState(doc["state"]), doc["patch_hash"], doc["kind"],
        doc["updated_at"],
    )  # fmt: skip


def _task(doc: Doc) -> Task:
    return Task(
        doc["task_id"], doc["kind"], doc["target"], TaskState(doc["state"]), doc["why"], doc["at"]
    )


def _record_doc(record: Any) -> Doc:
    """A flat record as a document: enum values become their strings."""
    return {name: getattr(value, "value", value) for name, value in vars(record).items()}


def _without(doc: Doc, key: str) -> Doc:
    return {k: v for k, v in doc.items() if k != key}


# --- snapshot ---------------------------------------------------------------------


def snapshot_doc(memory: Memory) -> Doc:
    table = _PointTable()
    tests = {
        test_id: {
            "verdict": record.verdict.value,
            "evidence": list(record.evidence),
            "history": table.encode(record.history),
        }
        for test_id, record in sorted(memory.tests.items())
    }
    return {
        "schema_version": SCHEMA_VERSION,
        "kind": "snapshot",
        "run_count": memory.run_count,
        "applied": list(memory.applied),
        "runs": [_run_doc(run) for run in memory.runs],
        "points": table.rows(),
        "tests": tests,
        "cofailures": {
            path: {"changes": stats.changes, "failures": dict(stats.failures)}
            for path, stats in memory.cofailures.items()
        },
        "posted": {fp: _record_doc(p) for fp, p in memory.posted.items()},
        "work": {branch: _record_doc(w) for branch, w in memory.work.items()},
        "rejections": {key: _record_doc(r) for key, r in memory.rejections.items()},
        "decisions": [_record_doc(d) for d in memory.decisions],
        "spend": {
            name: {key: _by_model_doc(spend) for key, spend in getattr(memory.spend, name).items()}
            for name in ("runs", "days", "months")
        },
        "facts": {key: _record_doc(f) for key, f in memory.facts.items()},
        "tasks": {task_id: _record_doc(t) for task_id, t in memory.tasks.items()},
        "backoffs": {key: _record_doc(b) for key, b in memory.backoffs.items()},
    }


def decode_snapshot(doc: Doc, where: str = "snapshot.json") -> Memory:
    points = _points(doc)
    tests = {
        test_id: TestRecord(
            _decode_history(test["history"], points, f"{where}: test {test_id!r}"),
            Verdict(test["verdict"]),
            tuple(test["evidence"]),
        )
        for test_id, test in doc["tests"].items()
    }
    spend = doc["spend"]
    return Memory(
        run_count=doc["run_count"],
        runs=tuple(_run(run) for run in doc["runs"]),
        tests=tests,
        cofailures={
            path: PathStats(stats["changes"], dict(stats["failures"]))
            for path, stats in doc["cofailures"].items()
        },
        posted={fp: Posted(**p) for fp, p in doc["posted"].items()},
        work={branch: _work(w) for branch, w in doc["work"].items()},
        rejections={key: Rejection(**r) for key, r in doc["rejections"].items()},
        decisions=tuple(DecisionRecord(**d) for d in doc["decisions"]),
        spend=SpendLedger(
            **{
                name: {key: _by_model(by) for key, by in spend[name].items()}
                for name in ("runs", "days", "months")
            }
        ),
        facts={key: Fact(**f) for key, f in doc["facts"].items()},
        tasks={task_id: _task(t) for task_id, t in doc["tasks"].items()},
        backoffs={key: Backoff(**b) for key, b in doc["backoffs"].items()},
        applied=tuple(doc["applied"]),
    )


# --- journal ----------------------------------------------------------------------


def journal_doc(journal: Journal) -> Doc:
    table = _PointTable()
    results = {test_id: table.encode(entries) for test_id, entries in journal.results.items()}
    sample = journal.cofailure
    return {
        "schema_version": SCHEMA_VERSION,
        "kind": "journal",
        "run": _run_doc(journal.run),
        "points": table.rows(),
        "results": results,
        "verdicts": {
            test_id: {"verdict": v.verdict.value, "evidence": list(v.evidence)}
            for test_id, v in journal.verdicts.items()
        },
        "cofailure": None
        if sample is None
        else {"changed": list(sample.changed), "failing": list(sample.failing)},
        "posted": {fp: _record_doc(p) for fp, p in journal.posted.items()},
        "work": [_record_doc(w) for w in journal.work],
        "rejections": [_record_doc(r) for r in journal.rejections],
        "decisions": [_record_doc(d) for d in journal.decisions],
        "spend": _by_model_doc(journal.spend),
        "facts": [_record_doc(f) for f in journal.facts],
        "tasks": [_record_doc(t) for t in journal.tasks],
        "backoffs": [_record_doc(b) for b in journal.backoffs],
    }


def decode_journal(doc: Doc, where: str) -> Journal:
    points = _points(doc)
    sample = doc["cofailure"]
    return Journal(
        run=_run(doc["run"]),
        results={
            test_id: _decode_history(text, points, f"{where}: test {test_id!r}")
            for test_id, text in doc["results"].items()
        },
        verdicts={
            test_id: VerdictRecord(Verdict(v["verdict"]), tuple(v["evidence"]))
            for test_id, v in doc["verdicts"].items()
        },
        cofailure=None
        if sample is None
        else CoFailureSample(tuple(sample["changed"]), tuple(sample["failing"])),
        posted={fp: Posted(**p) for fp, p in doc["posted"].items()},
        work=tuple(_work(w) for w in doc["work"]),
        rejections=tuple(Rejection(**r) for r in doc["rejections"]),
        decisions=tuple(DecisionRecord(**d) for d in doc["decisions"]),
        spend=_by_model(doc["spend"]),
        facts=tuple(Fact(**f) for f in doc["facts"]),
        tasks=tuple(_task(t) for t in doc["tasks"]),
        backoffs=tuple(Backoff(**b) for b in doc["backoffs"]),
    )


# --- leases -----------------------------------------------------------------------


def leases_doc(leases: Mapping[str, Lease]) -> Doc:
    return {
        "schema_version": SCHEMA_VERSION,
        "kind": "leases",
        "leases": {name: _without(_record_doc(lease), "name") for name, lease in leases.items()},
    }


def decode_leases(doc: Doc, where: str = "leases.json") -> dict[str, Lease]:
    leases = {name: Lease(name=name, **lease) for name, lease in doc["leases"].items()}
    for lease in leases.values():
        try:
            from_iso(lease.acquired_at)
            from_iso(lease.expires_at)
        except ValueError:
            raise MemoryCorrupt(f"{where}: lease {lease.name!r} has an impossible time") from None
    return leases
