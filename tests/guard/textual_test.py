"""Text heuristics for JS, Go and Java tests: values edited, matchers negated or weakened."""

from __future__ import annotations

from kairos_ci.guard.textual import compare_text, value_edits


def test_a_line_changed_only_in_a_value() -> None:
    base = "func TestAbs(t *testing.T) {\n\twant := 5\n}\n"
    head = "func TestAbs(t *testing.T) {\n\twant := -5\n}\n"
    assert list(value_edits(base, head)) == [(2, "want := 5", "want := -5")]
    [verdict] = compare_text("calc_test.go", "go", base, head)
    assert (verdict.rule, verdict.line) == ("expected-value-changed", 2)


def test_a_negated_matcher_is_weaker() -> None:
    base = 'test("n", () => {\n  expect(n()).toBe(3);\n});\n'
    head = 'test("n", () => {\n  expect(n()).not.toBe(4);\n});\n'
    rules = [v.rule for v in compare_text("n.test.js", "javascript", base, head)]
    assert "assertion-weakened" in rules


def test_java_exact_assertion_replaced_by_not_null() -> None:
    base = "class T {\n  @Test void a() { assertEquals(3, f()); }\n}\n"
    head = "class T {\n  @Test void a() { assertNotNull(f()); }\n}\n"
    found = compare_text("src/test/TTest.java", "java", base, head)
    assert [v.rule for v in found if v.flagged] == ["assertion-weakened"]
