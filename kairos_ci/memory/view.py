"""Memory as one JSON object for people and scripts (``kairos-ci memory show --json``).

Written as it is built, a few thousand tests at a time, so 20,000 tests never sit in
memory twice as Python objects or as one huge string. Each repeated fact is printed
once: a test's history is the branch's ``point:outcome:duration`` string, and each
point (commit, tree, run, time) appears once, in ``points``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any, TextIO

from kairos_ci.memory.history import History
from kairos_ci.memory.numbering import PointNumbers, numbering
from kairos_ci.memory.records import Memory, SpendLedger, TestRecord
from kairos_ci.verdicts.records import Verdict

HISTORY_FORMAT = (
    "space-separated point:outcome:duration, oldest first; point is a key of 'points'; "
    "outcome p passed, f failed, e errored, s skipped, k flaky; duration in seconds, "
    "empty when unknown"
)
_BATCH = 2_000  # tests per write
_string = json.encoder.encode_basestring  # a string's JSON, as ``_dump`` writes it
_VERDICTS = {verdict: _string(verdict.value) for verdict in Verdict}


def write_json(header: Mapping[str, Any], memory: Memory, out: TextIO) -> None:
    """``header``'s keys, then every collection of ``memory``, as one JSON object."""
    histories = {test_id: History.of(r.history) for test_id, r in memory.tests.items()}
    _write(header, memory, histories, numbering(histories.values()), out)
    out.write("}\n")


def _write(
    header: Mapping[str, Any],
    memory: Memory,
    histories: Mapping[str, History],
    numbers: PointNumbers,
    out: TextIO,
) -> None:
    fields: dict[str, Any] = {
        **header,
        "run_count": memory.run_count,
        "recent_runs": [_plain(run) for run in memory.runs],
        "history_format": HISTORY_FORMAT,
    }
    out.write("{\n" + "".join(f"{_dump(k)}: {_dump(v)},\n" for k, v in fields.items()))
    out.write('"tests": {')
    separator = "\n"
    for batch in _batches(sorted(memory.tests), _BATCH):
        lines = []
        for test_id in batch:
            lines.append(
                separator + _test(test_id, memory.tests[test_id], numbers.text(histories[test_id]))
            )
            separator = ",\n"
        out.write("".join(lines))
    out.write("\n},\n")
    names = ("sha", "tree", "run_id", "at")
    points = {n: dict(zip(names, p, strict=True)) for n, p in numbers.rows().items()}
    rest = {"points": points, **_collections(memory)}
    out.write(",\n".join(f"{_dump(k)}: {_dump(v)}" for k, v in rest.items()) + "\n")


def _test(test_id: str, record: TestRecord, history: str) -> str:
    """One test as ``json.dumps(..., sort_keys=True)`` writes it, without its per-call setup:
    this runs 20,000 times."""
    evidence = ", ".join(map(_string, record.evidence))
    return (
        f'{_string(test_id)}: {{"evidence": [{evidence}], '
        f'"history": {_string(history)}, "verdict": {_VERDICTS[record.verdict]}}}'
    )


def _collections(memory: Memory) -> dict[str, Any]:
    return {
        "cofailures": {
            path: {"changes": stats.changes, "failures": dict(stats.failures)}
            for path, stats in memory.cofailures.items()
        },
        "posted": _table(memory.posted),
        "work": _table(memory.work),
        "rejections": _table(memory.rejections),
        "decisions": [_plain(d) for d in memory.decisions],
        "spend": _spend(memory.spend),
        "facts": _table(memory.facts),
        "tasks": _table(memory.tasks),
        "backoffs": _table(memory.backoffs),
        "leases": _table(memory.leases),
    }


def _spend(ledger: SpendLedger) -> dict[str, Any]:
    return {
        name: {key: _table(by) for key, by in getattr(ledger, name).items()}
        for name in ("runs", "days", "months")
    }


def _table(records: Mapping[str, Any]) -> dict[str, Any]:
    return {key: _plain(record) for key, record in records.items()}


def _plain(record: Any) -> dict[str, Any]:
    """A flat record as a JSON object: enums become their strings."""
    return {name: getattr(value, "value", value) for name, value in vars(record).items()}


def _dump(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _batches(items: list[str], size: int) -> Iterable[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
