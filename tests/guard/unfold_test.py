"""Unfolding a test into its claims: locals, cases, loops, fixtures, setUp and helpers."""

from __future__ import annotations

import ast
import textwrap

from kairos_ci.guard.claims import Claim
from kairos_ci.guard.suite import SourceFile, Suite, build_suite

PATH = "tests/test_x.py"


def suite(source: str, **others: str) -> Suite:
    files = {PATH: textwrap.dedent(source), **{k: textwrap.dedent(v) for k, v in others.items()}}
    return build_suite({p: SourceFile(ast.parse(t), t) for p, t in files.items()})


def shown(source: str, **others: str) -> dict[str, list[str]]:
    """Test id -> the claims it makes, as one-line assertions."""
    return {
        test_id.split("::", 1)[1]: [c.shown for c in test.claims]
        for test_id, test in suite(source, **others).tests.items()
    }


def test_locals_are_substituted_and_setup_is_kept() -> None:
    found = suite(
        """
        def test_store():
            store = Store()
            store.put("k", 1)
            result = store.get("k")
            assert result == 1
        """
    )
    [claim] = suite_claims(found)
    assert claim.shown == "assert Store().get('k') == 1"
    assert "put" in claim.subject  # the setup step is part of what is checked


def suite_claims(found: Suite) -> list[Claim]:
    return [c for t in found.tests.values() for c in t.claims]


def test_parametrize_cases_get_pytest_like_ids_and_their_values() -> None:
    found = shown(
        """
        import pytest

        CASES = [("a", 1), pytest.param("b", 2, id="bee")]

        @pytest.mark.parametrize("text, n", CASES)
        @pytest.mark.parametrize("flag", [True, False], ids=["on", "off"])
        def test_it(text, n, flag):
            assert f(text, flag) == n
        """
    )
    assert found == {
        "test_it[on-a-1]": ["assert f('a', True) == 1"],
        "test_it[off-a-1]": ["assert f('a', False) == 1"],
        "test_it[on-bee]": ["assert f('b', True) == 2"],
        "test_it[off-bee]": ["assert f('b', False) == 2"],
    }


def test_a_skipped_case_is_marked() -> None:
    found = suite(
        """
        import pytest

        @pytest.mark.parametrize("n", [1, pytest.param(2, marks=pytest.mark.skip)])
        def test_it(n):
            assert f(n) == n
        """
    )
    assert {i.split("::")[1]: t.skipped for i, t in found.tests.items()} == {
        "test_it[1]": False,
        "test_it[2]": True,
    }


def test_literal_loops_static_ifs_and_record_cases_are_followed() -> None:
    found = shown(
        """
        def test_loop():
            for value, expected in {"a": 1, "b": None}.items():
                if expected is None:
                    assert f(value) is None
                else:
                    assert f(value) == expected

        def test_record():
            case = Case(arg=3, want=9)
            assert square(case.arg) == case.want
        """
    )
    assert found == {
        "test_loop": ["assert f('a') == 1", "assert f('b') is None"],
        "test_record": ["assert square(3) == 9"],
    }


def test_fixtures_setup_and_helpers_are_inlined() -> None:
    found = shown(
        """
        import unittest

        def check_pair(pair, a, b):
            assert pair[0] == a
            assert pair[1] == b

        def test_with_fixture(db):
            assert db.count() == 0

        class PairTest(unittest.TestCase):
            def setUp(self):
                self.maker = Maker(strict=True)

            def test_pair(self):
                check_pair(self.maker.pair(), 1, 2)
        """,
        **{
            "tests/conftest.py": """
            import pytest

            @pytest.fixture
            def db():
                database = Database(":memory:")
                yield database
                database.close()
            """
        },
    )
    assert found == {
        "test_with_fixture": ["assert Database(':memory:').count() == 0"],
        "PairTest::test_pair": [
            "assert Maker(strict=True).pair()[0] == 1",
            "assert Maker(strict=True).pair()[1] == 2",
        ],
    }


def test_a_check_under_an_undecidable_if_is_guarded() -> None:
    found = suite(
        """
        def test_it():
            user = find("ada")
            if user is not None:
                assert user.name == "Ada"
        """
    )
    [claim] = suite_claims(found)
    assert claim.guarded


def test_collection_follows_pytest_rules() -> None:
    found = suite(
        """
        import pytest

        def test_collected(): assert f() == 1

        @pytest.fixture
        def test_fixture_not_a_test(): assert f() == 1

        class TestThing:
            def test_method(self): assert f() == 2

        class Helper:
            def test_not_collected(self): assert f() == 3

        class TestWithInit:
            def __init__(self): pass
            def test_not_collected_either(self): assert f() == 4
        """
    )
    assert sorted(i.split("::", 1)[1] for i in found.tests) == [
        "TestThing::test_method",
        "test_collected",
    ]
    assert {u.name for u in found.uncollected} >= {
        "test_fixture_not_a_test",
        "Helper.test_not_collected",
    }


def test_helpers_that_assert_are_kept() -> None:
    found = suite(
        """
        def assert_money(a, b):
            assert a.amount == b.amount

        def make_user():
            return User("ada")
        """
    )
    assert list(found.helpers) == ["assert_money"]
