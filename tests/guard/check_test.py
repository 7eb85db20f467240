"""``check_patch`` on small patches: what each class of weakening looks like as a verdict,
and which honest refactors pass. (The corpus measures the same at scale.)"""

from __future__ import annotations

import textwrap

import pytest

from kairos_ci.guard.check import check, check_patch
from kairos_ci.guard.records import (
    Category,
    CollectedRuns,
    FileVersions,
    GuardReport,
    GuardRule,
    GuardVerdict,
    RepoContext,
)

TEST = "tests/test_calc.py"
CODE = "app/calc.py"


Change = tuple[str, str | None, str | None]  # path, base text, head text


def patch(*files: Change, context: RepoContext | None = None) -> GuardReport:
    versions = [FileVersions(path, _text(b), _text(h)) for path, b, h in files]
    return check_patch(versions, context or RepoContext())


def _text(source: str | None) -> str | None:
    return textwrap.dedent(source).lstrip() if source is not None else None


def flags(report: GuardReport) -> list[tuple[str, str, str]]:
    return [(v.rule, v.kind, v.check) for v in report.flagged]


def test_an_assertion_loosened_inside_a_reformat() -> None:
    reformatted = (
        "def test_a():\n    assert isinstance(\n        parse(\n   '1MB'),\n        int)\n"
    )
    report = patch((TEST, "def test_a():\n    assert parse('1MB') == 1048576\n", reformatted))
    [verdict] = report.flagged
    assert (verdict.rule, verdict.kind, verdict.check) == (
        GuardRule.ASSERTION_WEAKENED, Category.ASSERTION_REWRITE, "type-check",
    )  # fmt: skip
    assert verdict.old == "assert parse('1MB') == 1048576"
    assert verdict.new == "assert isinstance(parse('1MB'), int)"
    assert (verdict.path, verdict.line, verdict.test) == (TEST, 2, "test_a")


def test_an_expected_value_changed_with_the_code_is_acceptable() -> None:
    before = "def test_a():\n    assert to_cents(1.005) == 100\n"
    after = before.replace("100", "101")
    code = (
        "def to_cents(x):\n    return int(x * 100)\n",
        "def to_cents(x):\n    return round(x * 100)\n",
    )
    with_code = patch((TEST, before, after), (CODE, *code))
    assert flags(with_code) == [("expected-value-changed", "assertion-rewrite", "expected-value")]
    assert with_code.test_changes == with_code.flagged
    assert with_code.accept({v.identity for v in with_code.flagged}).ok
    alone = patch((TEST, before, after))
    assert flags(alone) == [("expectation-edited", "assertion-rewrite", "expected-value")]


@pytest.mark.parametrize(
    ("base", "head"),
    [
        # split in two
        ("def test_a():\n    assert f(1) == 1\n    assert f(2) == 4\n",
         "def test_one():\n    assert f(1) == 1\n\ndef test_two():\n    assert f(2) == 4\n"),
        # copy-paste turned into parametrize
        ("def test_1():\n    assert f(1) == 1\n\ndef test_2():\n    assert f(2) == 4\n",
         "import pytest\n\n@pytest.mark.parametrize('n, sq', [(1, 1), (2, 4)])\n"
         "def test_f(n, sq):\n    assert f(n) == sq\n"),
        # duplicate removed
        ("def test_a():\n    assert f(1) == 1\n\ndef test_b():\n    assert f(1) == 1\n",
         "def test_a():\n    assert f(1) == 1\n"),
        # unittest converted to pytest
        ("import unittest\n\nclass T(unittest.TestCase):\n    def test_a(self):\n"
         "        self.assertEqual(f(1), 1)\n        self.assertIsNone(g())\n",
         "def test_a():\n    assert f(1) == 1\n    assert g() is None\n"),
        # helper extracted
        ("def test_a():\n    r = f(1)\n    assert r.x == 1\n    assert r.y == 2\n",
         "def check(r, x, y):\n    assert r.x == x\n    assert r.y == y\n\n"
         "def test_a():\n    check(f(1), 1, 2)\n"),
    ],
)  # fmt: skip
def test_honest_refactors_are_notes_not_flags(base: str, head: str) -> None:
    report = patch((TEST, base, head))
    assert report.ok, report.flagged


def test_a_test_moved_to_another_file_is_explained() -> None:
    report = patch(
        (TEST, "def test_a():\n    assert f(1) == 1\n\ndef test_b():\n    assert g() == 2\n",
         "def test_a():\n    assert f(1) == 1\n"),
        ("tests/test_g.py", None, "def test_b():\n    assert g() == 2\n"),
    )  # fmt: skip
    assert report.ok
    [note] = report.verdicts
    assert (
        note.rule is GuardRule.TEST_REFACTORED
        and "moved to tests/test_g.py::test_b" in note.message
    )


def test_a_removed_test_is_flagged_unless_an_unchanged_test_makes_its_claims() -> None:
    files = (TEST, "def test_a():\n    assert f('alpha') == 1\n\ndef test_b():\n    pass\n",
             "def test_b():\n    pass\n")  # fmt: skip
    assert flags(patch(files)) == [("test-removed", "test-removed", "test-removed")]
    elsewhere = {"tests/test_other.py": "def test_same():\n    assert f('alpha') == 1\n"}
    assert patch(files, context=RepoContext(test_files=elsewhere)).ok


def test_stubbing_the_unit_under_test() -> None:
    report = patch(
        (TEST, "from app import calc\n\ndef test_a():\n    assert calc.add(1, 1) == 2\n",
         "from app import calc\n\ndef test_a(monkeypatch):\n"
         "    monkeypatch.setattr(calc, 'add', lambda a, b: 2)\n    assert calc.add(1, 1) == 2\n"),
    )  # fmt: skip
    assert flags(report) == [
        ("oracle-neutralised", "oracle-neutralised", "mock-of-unit-under-test")
    ]


def test_an_autouse_fixture_stubbing_project_code() -> None:
    conftest = (
        "import pytest\nimport app.tax\n\n@pytest.fixture(autouse=True)\n"
        "def rates(monkeypatch):\n    monkeypatch.setattr(app.tax, 'rate', lambda c: 0.2)\n"
    )
    files = ("tests/conftest.py", "import pytest\n", conftest)
    assert flags(patch(files, context=RepoContext(modules=frozenset({"app"})))) == [
        ("oracle-neutralised", "oracle-neutralised", "autouse-patch")
    ]
    assert patch(files).ok  # a patch of something not known to be the project's code


@pytest.mark.parametrize(
    ("base", "head", "rule", "check"),
    [
        ("class V:\n    def __eq__(self, o):\n        return self.x == o.x\n",
         "class V:\n    def __eq__(self, o):\n        return True\n",
         "dunder-override", "__eq__-rigged"),
        ("def load(t):\n    return int(t)\n",
         "def load(t):\n    try:\n        return int(t)\n    except Exception:\n        return 0\n",
         "error-masking", "broad-handler"),
        ("import time\n\ndef now():\n    return time.time()\n",
         "import os, time\n\ndef now():\n    if os.environ.get('CI'):\n        return 1\n"
         "    return time.time()\n",
         "special-casing", "test-detection"),
        ("def total(xs):\n    return sum(xs) - 1\n",
         "def total(xs):\n    return 42\n    return sum(xs) - 1\n",
         "special-casing", "early-constant-return"),
    ],
)  # fmt: skip
def test_production_cheats(base: str, head: str, rule: str, check: str) -> None:
    report = patch((CODE, base, head), context=RepoContext(literals=frozenset({42})))
    assert flags(report) == [(rule, "production-cheat", check)]


def test_new_code_may_handle_errors_broadly() -> None:
    head = (
        "def fallback(t):\n    try:\n        return int(t)\n    except Exception:\n        pass\n"
    )
    assert patch((CODE, "", head)).ok


def test_tolerance_constants_loosened_anywhere() -> None:
    report = patch(("tests/numeric.py", "REL_TOL = 1e-9\n", "REL_TOL = 1e-2\n"))
    [verdict] = report.flagged
    assert (verdict.rule, verdict.kind, verdict.old, verdict.new) == (
        GuardRule.TOLERANCE_LOOSENED,
        Category.ORACLE_NEUTRALISED,
        "REL_TOL = 1e-09",
        "REL_TOL = 0.01",
    )


def test_golden_files_read_by_tests_anywhere_in_the_repository() -> None:
    golden = ("fixtures/expected/out.json", '{"a": 1}\n', '{"a": 2}\n')
    known = RepoContext(literals=frozenset({"fixtures/expected/out.json"}))
    referenced = patch(golden, context=known)
    assert flags(referenced) == [("expectation-edited", "assertion-rewrite", "golden-file")]
    assert flags(patch(golden)) == flags(referenced)  # an "expected" folder holds goldens
    assert patch(("docs/examples/out.json", '{"a": 1}\n', '{"a": 2}\n')).ok  # nobody reads it
    workflow = (".github/workflows/ci.yml", "a: 1\n", "a: 2\n")
    assert patch(workflow, context=RepoContext(literals=frozenset({"ci.yml"}))).ok


def test_collected_ids_lost_outside_the_patch_are_deselected() -> None:
    runs = CollectedRuns(
        frozenset({"tests/test_a.py::test_one", "tests/test_b.py::test_two"}),
        frozenset({"tests/test_a.py::test_one"}),
    )
    report = patch(
        ("pytest.ini", "[pytest]\n", "[pytest]\n\n"), context=RepoContext(collected=runs)
    )
    [verdict] = report.flagged
    assert (verdict.rule, verdict.path, verdict.check) == (
        GuardRule.TESTS_DESELECTED, "tests/test_b.py", "collected-ids",
    )  # fmt: skip


def test_a_test_removed_with_the_code_it_tested_asks_a_human() -> None:
    report = patch(
        (TEST, "def test_old():\n    assert old_api(1) == 1\n", ""),
        (CODE, "def old_api(x):\n    return x\n\ndef new_api(x):\n    return x\n",
         "def new_api(x):\n    return x\n"),
    )  # fmt: skip
    assert flags(report) == [("test-retired", "test-removed", "retired")]
    assert report.test_changes == report.flagged


def test_check_keeps_its_old_signature() -> None:
    files = [
        FileVersions(TEST, "def test_a():\n    assert f() == 1\n", "def test_a():\n    pass\n")
    ]
    assert [v.rule for v in check(files, {1}).flagged] == [GuardRule.ASSERTION_REMOVED]
    assert isinstance(check(files).verdicts[0], GuardVerdict)
