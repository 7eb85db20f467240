"""``memory show --json``: written piece by piece, each point once, nothing lost."""

from __future__ import annotations

import io
import json

from kairos_ci.memory.fold import fold
from kairos_ci.memory.records import Memory, MemoryLimits
from kairos_ci.memory.view import write_json
from kairos_ci.verdicts.records import Outcome
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
