"""The gathered context: four parts, each within its token budget, empty parts left out."""

from __future__ import annotations

from pathlib import Path

import pytest

from kairos_ci.agent.briefing import brief
from kairos_ci.agent.records import ContextBudget, FailingTest
from kairos_ci.agent.tokens import estimate
from tests.agent.repos import commit

LONG = "".join(f"    total += {n}\n" for n in range(300))
CODE = f"def add(a, b):\n    return a - b\n\n\ndef huge():\n    total = 0\n{LONG}    return total\n"
TESTS = "from calc import add, huge\n\n\ndef test_add():\n    assert add(2, 3) == 5\n    huge()\n"
TRACE = "tests/test_calc.py:5: in test_add\ncalc.py:2: AssertionError\n"


@pytest.fixture
def repo(tmp_path: Path) -> tuple[Path, str, str]:
    passed = commit(
        tmp_path, {"calc.py": CODE.replace("a - b", "a + b"), "tests/test_calc.py": TESTS}
    )
    head = commit(tmp_path, {"calc.py": CODE}, "a regression")
    return tmp_path, passed, head


def test_every_part_is_there_and_within_its_budget(repo: tuple[Path, str, str]) -> None:
    root, passed, head = repo
    test = FailingTest("tests.test_calc::test_add", details=TRACE, passed_at=passed)
    budget = ContextBudget(test_source=100, code_under_test=150, since_pass=120, symbols=30)
    briefing = brief(root, head, [test], budget)
    assert briefing.found["tests.test_calc::test_add"].path == "tests/test_calc.py"
    parts = {part.source: part for part in briefing.parts}
    assert list(parts) == [
        "test source",
        "code under test",
        "diff since the last pass",
        "symbol map",
    ]
    limits = [budget.test_source, budget.code_under_test, budget.since_pass, budget.symbols]
    for part, limit in zip(parts.values(), limits, strict=True):
        assert 0 < part.tokens <= limit, (part.source, part.tokens, limit)
    assert briefing.tokens == sum(part.tokens for part in briefing.parts)
    code = parts["code under test"].text
    assert code.startswith("--- calc.py (traceback at line: 2; imported by the test: add, huge)")
    assert "2\t    return a - b" in code
    assert "more lines cut to fit]" in code  # huge() does not fit: cut, and said so
    assert "-    return a + b\n+    return a - b" in parts["diff since the last pass"].text
    assert parts["symbol map"].text.startswith("calc.py:1  def add(a, b)")


def test_no_budget_gathers_nothing_but_still_finds_the_file(repo: tuple[Path, str, str]) -> None:
    root, passed, head = repo
    test = FailingTest("tests.test_calc::test_add", details=TRACE, passed_at=passed)
    briefing = brief(root, head, [test], ContextBudget.nothing())
    assert briefing.parts == () and briefing.tokens == 0
    assert briefing.found["tests.test_calc::test_add"].via == "its class name"


def test_the_default_budgets_hold_a_small_project_whole(repo: tuple[Path, str, str]) -> None:
    root, passed, head = repo
    test = FailingTest("tests.test_calc::test_add", details=TRACE, passed_at=passed)
    briefing = brief(root, head, [test], ContextBudget())
    code = next(p.text for p in briefing.parts if p.source == "code under test")
    assert "cut to fit" not in code and estimate(code) <= ContextBudget().code_under_test
