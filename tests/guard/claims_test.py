"""Assertions as normalised claims: equivalent forms are equal, loosened ones are weaker."""

from __future__ import annotations

import ast

import pytest

from kairos_ci.guard.claims import (
    Canon,
    Claim,
    Strength,
    canonical_assert,
    canonical_call,
    make_claim,
    raises_canon,
)


def claims(source: str) -> list[Claim]:
    """The claims of one assertion statement or assertion call."""
    node = ast.parse(source).body[0]
    if isinstance(node, ast.Assert):
        canons = canonical_assert(node.test)
    else:
        assert isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)
        found = canonical_call(node.value)
        assert found is not None, source
        canons = found
    return [make_claim(canon, (), 1) for canon in canons]


def claim(source: str) -> Claim:
    [only] = claims(source)
    return only


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("assert f(1) == 2", "self.assertEqual(f(1), 2)"),
        ("assert f(1) == 2", "assert 2 == f(1)"),
        ("assert f(1) == 2", "assert (\n    f(1)\n    == 2\n)"),
        ("assert f(1) == 2", "assert f(1) == 2, 'with a message'"),
        ("assert x is None", "self.assertIsNone(x)"),
        ("assert 'a' in s", "self.assertIn('a', s)"),
        ("assert isinstance(x, int)", "self.assertIsInstance(x, int)"),
        ("assert x != 3", "assert not x == 3"),
        ("assert x > 1", "self.assertTrue(x > 1)"),
        ("assert a == b", "assert b == a"),
        ("assert f(x) == pytest.approx(2.5)", "self.assertAlmostEqual(f(x), 2.5, delta=2.5e-6)"),
        ("assert f(x) == approx(2.5)", "assert math.isclose(f(x), 2.5, rel_tol=1e-6)"),
        ("assert_frame_equal(a, b)", "assert a == b"),
    ],
)
def test_equivalent_forms_make_the_same_claim(one: str, other: str) -> None:
    assert claim(one).key == claim(other).key


@pytest.mark.parametrize(
    ("source", "strength"),
    [
        ("assert f(1) == 2", Strength.EXACT),
        ("assert x is None", Strength.EXACT),
        ("assert f(x) == approx(2.5)", Strength.LOOSE),
        ("assert 'a' in s", Strength.LOOSE),
        ("assert x.startswith('ab')", Strength.LOOSE),
        ("assert len(rows) == 3", Strength.LOOSE),
        ("assert set(f()) == {1, 2}", Strength.LOOSE),
        ("assert f(x) == sorted(f(x))", Strength.LOOSE),
        ("assert x in (1, 2)", Strength.LOOSE),
        ("assert x == 1 or x == 2", Strength.LOOSE),
        ("assert all(i > 0 for i in xs)", Strength.LOOSE),
        ("assert_frame_equal(a, b, check_dtype=False)", Strength.LOOSE),
        ("assert x != 3", Strength.TYPE),
        ("assert x is not None", Strength.TYPE),
        ("assert isinstance(x, int)", Strength.TYPE),
        ("assert type(x) == int", Strength.TYPE),
        ("assert x", Strength.TRUTHY),
        ("assert not x", Strength.TRUTHY),
        ("assert len(rows) > 0", Strength.TRUTHY),
        ("assert len(rows) == 0", Strength.TRUTHY),
        ("assert any(i > 0 for i in xs)", Strength.TRUTHY),
        ("assert True", Strength.NOTHING),
        ("assert x == x", Strength.NOTHING),
        ("assert x or True", Strength.NOTHING),
        ("assert len(x) >= 0", Strength.NOTHING),
        ("assert isinstance(x, object)", Strength.NOTHING),
        ("assert x == mock.ANY", Strength.NOTHING),
    ],
)
def test_the_strength_order(source: str, strength: Strength) -> None:
    assert claim(source).strength is strength


def test_raises_strength_follows_the_exception_and_its_match() -> None:
    exact = make_claim(_raises("ValueError", "'neg'"), (), 1)
    loose = make_claim(_raises("ValueError", None), (), 1)
    broad = make_claim(_raises("Exception", None), (), 1)
    assert exact.strength > loose.strength > broad.strength


def _raises(kind: str, match: str | None) -> Canon:
    pattern = ast.parse(match, mode="eval").body if match else None
    body = ast.parse("f(-1)", mode="eval").body
    return raises_canon(ast.Name(kind, ast.Load()), body, pattern)


def test_a_conjunction_is_one_claim_per_part() -> None:
    assert [c.shown for c in claims("assert a == 1 and b == 2")] == [
        "assert a == 1",
        "assert b == 2",
    ]


def test_subject_and_expected_value_are_told_apart() -> None:
    before, input_changed = claim("assert f(1) == 2"), claim("assert f(5) == 2")
    expected_changed = claim("assert f(1) == 3")
    assert before.shape == input_changed.shape == expected_changed.shape
    assert before.subject != input_changed.subject and before.expected == input_changed.expected
    assert before.subject == expected_changed.subject
    assert before.expected != expected_changed.expected


def test_tolerances_are_compared_as_widths() -> None:
    tight = claim("assert f(x) == approx(2.0, rel=1e-6)").tolerance
    wide = claim("assert f(x) == approx(2.0, rel=0.5)").tolerance
    places = claim("self.assertAlmostEqual(f(x), 2.0, places=1)").tolerance
    assert tight and wide and places
    assert tight.width == pytest.approx(2e-6) and wide.width == pytest.approx(1.0)
    assert places.width == pytest.approx(0.05) and places.kind == "assertAlmostEqual"


def test_callees_are_what_the_subject_calls() -> None:
    assert claim("assert app.calc.add(1, 2) == 3").callees == ("app.calc.add",)
