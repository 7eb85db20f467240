"""The ranked symbol map: what the failure and the test mention comes first."""

from __future__ import annotations

from pathlib import Path

from kairos_ci.agent.repo_files import RepoFiles
from kairos_ci.agent.symbol_map import Pointers, render, symbol_map
from tests.agent.repos import commit

STATS = """def mean(values):
    return sum(values) / len(values)


class Summary:
    def describe(self):
        return "summary"


def median(values):
    return sorted(values)[len(values) // 2]
"""
GO = "package calc\n\nfunc Mean(values []float64) float64 {\n\treturn 0\n}\n"


def test_definitions_rank_by_what_mentions_them(tmp_path: Path) -> None:
    commit(
        tmp_path,
        {
            "calc/stats.py": STATS,
            "calc/extra.py": "def unrelated():\n    pass\n",
            "calc/mean.go": GO,
            "docs/other.py": "def far_away():\n    pass\n",
        },
    )
    pointers = Pointers(
        failure_text="ZeroDivisionError in mean\ncalc/stats.py:2",
        test_files=(),
        test_names=frozenset({"median"}),
        code_files=("calc/stats.py",),
    )
    symbols = symbol_map(pointers, RepoFiles.of(tmp_path))
    assert render(symbols).splitlines() == [
        "calc/stats.py:1  def mean(values)",  # in the failure and under test
        "calc/stats.py:10  def median(values)",  # used by the test
        "calc/stats.py:5  class Summary",
        "calc/stats.py:6  def Summary.describe(self)",
        "calc/extra.py:1  def unrelated()",  # a neighbour of the code under test
        "calc/mean.go:3  func Mean(values []float64) float64",
    ]
