"""Records <-> the JSON documents on the branch (shape: schemas/memory.schema.json).

Documents reaching ``decode_*`` have been migrated and checked against the schema,
so decoding trusts their shape, except their histories, which decoding checks with the
points they name (``grammar``: the compiled schema leaves them out). Test history is
stored as one compact string per test that points into a shared table of (commit, tree,
run, time): with thousands of tests, per-entry JSON objects made validation the slowest
part of every load. Decoding keeps those strings (``History``); entries are built only
when read. A snapshot's table is keyed by stable numbers (``numbering``), so consecutive
snapshots delta well.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from sys import intern
from typing import Any

from kairos_ci.clock import from_iso
from kairos_ci.errors import MemoryCorrupt
from kairos_ci.memory import grammar
from kairos_ci.memory.columns import StoredHistories
from kairos_ci.memory.history import History, PointTable
from kairos_ci.memory.numbering import PointNumbers, numbering
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
    StoredSuggestion,
    Task,
    TaskState,
    TestRecord,
    VerdictRecord,
    Work,
    WorkState,
)
from kairos_ci.verdicts.records import Verdict

Doc = dict[str, Any]
_VERDICT = {verdict.value: verdict for verdict in Verdict}


def dumps(doc: Doc) -> bytes:
    """Deterministic bytes: the same memory always hashes to the same blob."""
    text = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return (text + "\n").encode("utf-8")


# --- test history -----------------------------------------------------------------


def _column(texts: Mapping[str, str], table: PointTable, where: str) -> StoredHistories:
    """A journal's results as one column: no object per test (see ``columns``)."""
    grammar.check(texts, table.rows.keys(), grammar.JOURNAL, where)
    return StoredHistories(table, dict(zip(map(intern, texts), texts.values(), strict=True)))


def check_histories(doc: Doc, where: str) -> None:
    """A snapshot's or journal's histories are well formed and name points of its table.
    The compiled schema leaves this to ``grammar``: decoding checks it, and so must
    anything about to write a document it did not decode."""
    if doc["kind"] == "snapshot":
        texts = {test_id: test["history"] for test_id, test in doc["tests"].items()}
        grammar.check(texts, doc["points"].keys(), grammar.SNAPSHOT, where)
    else:
        grammar.check(doc["results"], _journal_points(doc).rows.keys(), grammar.JOURNAL, where)


def _snapshot_points(doc: Doc) -> PointTable:
    rows = {number: (p[0], p[1], p[2], p[3]) for number, p in doc["points"].items()}
    return PointTable(rows, stable=True)


def _journal_points(doc: Doc) -> PointTable:
    rows = {str(index): (p[0], p[1], p[2], p[3]) for index, p in enumerate(doc["points"])}
    return PointTable(rows, stable=False)


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
        doc["updated_at"], doc.get("verified", ""),
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
    """The snapshot document; point numbers the memory was loaded with are kept."""
    histories = {test_id: History.of(record.history) for test_id, record in memory.tests.items()}
    return _snapshot_doc(memory, histories, numbering(histories.values()))


def _snapshot_doc(memory: Memory, histories: Mapping[str, History], numbers: PointNumbers) -> Doc:
    tests = {
        test_id: {
            "verdict": record.verdict.value,
            "evidence": list(record.evidence),
            "history": numbers.text(histories[test_id]),
        }
        for test_id, record in sorted(memory.tests.items())
    }
    return {
        "schema_version": SCHEMA_VERSION,
        "kind": "snapshot",
        "run_count": memory.run_count,
        "applied": list(memory.applied),
        "runs": [_run_doc(run) for run in memory.runs],
        "points": {number: list(point) for number, point in numbers.rows().items()},
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
        "suggestions": {key: _suggestion_doc(s) for key, s in memory.suggestions.items()},
    }


def decode_snapshot(doc: Doc, where: str = "snapshot.json") -> Memory:
    table = _snapshot_points(doc)
    check_histories(doc, where)
    stored = History.stored  # each history stays its string until read (see ``history``)
    # Interned: the snapshot and every journal name the same 20,000 tests; one copy each.
    tests = {
        intern(test_id): TestRecord(
            stored(table, test["history"]), _VERDICT[test["verdict"]], tuple(test["evidence"])
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
        suggestions={key: _suggestion(s) for key, s in doc.get("suggestions", {}).items()},
        applied=tuple(doc["applied"]),
    )


# --- journal ----------------------------------------------------------------------


def journal_doc(journal: Journal) -> Doc:
    numbers = PointNumbers(None)  # a journal's points are its own, numbered from 0
    results = {
        test_id: numbers.text(History.of(entries)) for test_id, entries in journal.results.items()
    }
    rows = numbers.rows()
    sample = journal.cofailure
    return {
        "schema_version": SCHEMA_VERSION,
        "kind": "journal",
        "run": _run_doc(journal.run),
        "points": [list(rows[str(index)]) for index in range(len(rows))],
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
        "suggestions": [_suggestion_doc(s) for s in journal.suggestions],
    }


def decode_journal(doc: Doc, where: str) -> Journal:
    sample = doc["cofailure"]
    return Journal(
        run=_run(doc["run"]),
        results=_column(doc["results"], _journal_points(doc), where),
        verdicts={
            intern(test_id): VerdictRecord(_VERDICT[v["verdict"]], tuple(v["evidence"]))
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
        suggestions=tuple(_suggestion(s) for s in doc.get("suggestions", ())),
    )


def _suggestion_doc(suggestion: StoredSuggestion) -> Doc:
    doc = _record_doc(suggestion)
    return {**doc, "targets": list(doc["targets"]), "evidence": list(doc["evidence"])}


def _suggestion(doc: Doc) -> StoredSuggestion:
    """Optional since it was added within schema 3: older memory has no suggestions."""
    return StoredSuggestion(
        **{**doc, "targets": tuple(doc["targets"]), "evidence": tuple(doc["evidence"])}
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
