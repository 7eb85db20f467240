"""``memory show --json``: written piece by piece, each point once, nothing lost."""

from __future__ import annotations

import dataclasses
import io
import json
from typing import Any

from kairos_ci.memory import codec
from kairos_ci.memory.fold import fold
from kairos_ci.memory.history import LETTER
from kairos_ci.memory.records import Memory, MemoryLimits
from kairos_ci.memory.view import write_json
from kairos_ci.verdicts.records import Outcome, Verdict
from tests.memory.helpers import jname, journal


class Recorded(io.StringIO):
    """A text stream that remembers how much each write carried."""

    def __init__(self) -> None:
        super().__init__()
        self.sizes: list[int] = []

    def write(self, text: str) -> int:
        self.sizes.append(len(text))
        return super().write(text)


def test_a_large_memory_is_written_in_pieces_with_each_point_once() -> None:
    tests = {f"tests/test_{i}.py::test_case": Outcome.PASSED for i in range(5_000)}
    tests["tests/test_0.py::test_case"] = Outcome.FAILED
    nights = [(jname(n), journal(f"r{n}", n, tests)) for n in range(3)]
    memory = fold(Memory(), nights, MemoryLimits())
    out = Recorded()
    write_json({"branch": "kairos/memory", "notes": []}, memory, out)
    shown = json.loads(out.getvalue())
    assert max(out.sizes) < len(out.getvalue()) / 2  # never the whole document at once
    assert shown["branch"] == "kairos/memory" and shown["run_count"] == 3
    assert [run["run_id"] for run in shown["recent_runs"]] == ["r0", "r1", "r2"]
    assert sorted(point["run_id"] for point in shown["points"].values()) == ["r0", "r1", "r2"]
    assert len(shown["tests"]) == 5_000
    for test_id, record in memory.tests.items():
        tokens = [token.split(":") for token in shown["tests"][test_id]["history"].split(" ")]
        points = [shown["points"][number] for number, _, _ in tokens]
        assert [(p["run_id"], p["sha"], p["at"]) for p in points] == [
            (e.run_id, e.sha, e.at) for e in record.history
        ]
    assert shown["tests"]["tests/test_0.py::test_case"]["history"].split(" ")[0].endswith(":f:0.25")


def shown_json(memory: Memory) -> tuple[str, dict[str, Any]]:
    out = io.StringIO()
    write_json({"branch": "kairos/memory"}, memory, out)
    return out.getvalue(), json.loads(out.getvalue())


def test_each_test_is_written_as_json_dumps_writes_it() -> None:
    awkward = ['t::"quoted"', "t::back\\slash", "t::tab\tnew\nline", "t::\u00e9\u2028", "t::\x1f"]
    memory = fold(
        Memory(),
        [(jname(0), journal("r0", 0, dict.fromkeys(awkward, Outcome.FAILED)))],
        MemoryLimits(),
    )
    memory = dataclasses.replace(
        memory,
        tests={
            test_id: dataclasses.replace(record, verdict=Verdict.FLAKY, evidence=("r0", 'r"1'))
            for test_id, record in memory.tests.items()
        },
    )
    text, shown = shown_json(memory)
    lines = text[text.index('"tests": {\n') :].split("\n")[1 : 1 + len(awkward)]
    expected = [
        json.dumps(test_id, ensure_ascii=False)
        + ": "
        + json.dumps(shown["tests"][test_id], sort_keys=True, ensure_ascii=False)
        for test_id in sorted(awkward)
    ]
    assert [line.removesuffix(",") for line in lines] == expected
    assert shown["tests"]['t::"quoted"']["evidence"] == ["r0", 'r"1']


def test_a_snapshot_and_its_journals_show_only_the_points_still_used() -> None:
    limits = MemoryLimits(history_per_test=3)
    tests = {"t::a": Outcome.PASSED, "t::b": Outcome.FAILED}
    older = fold(Memory(), [(jname(n), journal(f"r{n}", n, tests)) for n in range(4)], limits)
    snapshot = codec.decode_snapshot(json.loads(codec.dumps(codec.snapshot_doc(older))))
    newer_outcomes = {"t::a": Outcome.FAILED, "t::b": Outcome.PASSED}
    newer = [(jname(n), journal(f"r{n}", n, newer_outcomes)) for n in range(4, 6)]
    memory = fold(snapshot, newer, limits)
    _, shown = shown_json(memory)
    # r1 and r2 are still in the snapshot's table, but no history uses them any more.
    assert sorted(p["run_id"] for p in shown["points"].values()) == ["r3", "r4", "r5"]
    for test_id, record in memory.tests.items():
        tokens = [token.split(":") for token in shown["tests"][test_id]["history"].split(" ")]
        assert [(shown["points"][n]["run_id"], o) for n, o, _ in tokens] == [
            (entry.run_id, LETTER[entry.outcome]) for entry in record.history
        ]
    histories = {test_id: shown["tests"][test_id]["history"].split(" ") for test_id in tests}
    outcomes = {test_id: [t.split(":")[1] for t in h] for test_id, h in histories.items()}
    assert outcomes == {"t::a": ["p", "f", "f"], "t::b": ["f", "p", "p"]}
