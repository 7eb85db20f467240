from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from kairos_ci.verdicts.cofailure import from_counts, from_runs, warnings_for
from kairos_ci.verdicts.records import CoFailure, RunChanges, Thresholds

RUNS = [
    RunChanges("r1", frozenset({"src/db.py", "README.md"}), frozenset({"test_db::t1"})),
    RunChanges("r2", frozenset({"src/db.py"}), frozenset({"test_db::t1", "test_ui::t9"})),
    RunChanges("r3", frozenset({"src/db.py"}), frozenset()),
    RunChanges("r4", frozenset({"src/ui.py"}), frozenset({"test_ui::t9"})),
    RunChanges("r5", frozenset({"README.md"}), frozenset()),
]


def test_support_confidence_and_evidence() -> None:
    found = from_runs(RUNS)
    assert found == (CoFailure("src/db.py", "test_db::t1", 2, 2 / 3, ("r1", "r2")),)
    loose = from_runs(RUNS, Thresholds(cofailure_support=1, cofailure_confidence=0.3))
    assert [(c.path, c.test_id) for c in loose] == [
        ("src/ui.py", "test_ui::t9"),  # 1/1
        ("src/db.py", "test_db::t1"),  # 2/3
        ("README.md", "test_db::t1"),  # 1/2
        ("src/db.py", "test_ui::t9"),  # 1/3
    ]


@dataclass(frozen=True)
class Stats:
    changes: int
    failures: Mapping[str, int]


def test_from_memory_counts_and_warnings() -> None:
    counts = {"src/db.py": Stats(3, {"test_db::t1": 2, "x": 1}), "gone.py": Stats(0, {"y": 5})}
    found = from_counts(counts)
    assert found == (CoFailure("src/db.py", "test_db::t1", 2, 2 / 3),)
    assert warnings_for(["src/db.py", "other.py"], found) == found
    assert warnings_for(["other.py"], found) == ()
