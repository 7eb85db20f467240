"""Which lint findings a pull request introduced: identities that survive line shifts,
counted, with the copies on added lines taken as the new ones."""

from __future__ import annotations

from pathlib import Path

from kairos_ci.tasks.review.baseline import Spot, TreeLines, collapsed, introduced


def spot(text: str, line: int, added: bool = False, rule: str = "ruff/E711") -> Spot:
    return Spot(rule, "a.py", collapsed(text), line, added)


def test_a_re_indented_finding_keeps_its_identity() -> None:
    base = [spot("if l == None:", 6)]
    head = [spot("        if l == None:", 9, added=True)]
    assert introduced(head, base) == frozenset()


def test_a_new_finding_on_an_added_line_is_introduced() -> None:
    base = [spot("if l == None:", 6)]
    head = [spot("if l == None:", 9, added=True), spot("return x != None", 12, added=True)]
    assert introduced(head, base) == frozenset({1})


def test_the_same_line_in_another_file_or_rule_is_another_finding() -> None:
    base = [spot("import os", 1, rule="ruff/F401")]
    elsewhere = Spot("ruff/F401", "b.py", "import os", 1, added=True)
    other_rule = spot("import os", 1, added=True, rule="ruff/E401")
    assert introduced([elsewhere, other_rule], base) == frozenset({0, 1})


def test_a_copy_of_a_flagged_line_is_new_and_the_unchanged_original_is_not() -> None:
    # The base has one `print(x)`; the pull request adds a second above it.
    base = [spot("print(x)", 5, rule="ruff/T201")]
    head = [
        spot("print(x)", 2, added=True, rule="ruff/T201"),
        spot("print(x)", 6, added=False, rule="ruff/T201"),
    ]
    assert introduced(head, base) == frozenset({0})


def test_fewer_copies_than_the_base_introduce_nothing() -> None:
    base = [spot("x == None", 3), spot("x == None", 8)]
    assert introduced([spot("x == None", 4, added=True)], base) == frozenset()


def test_tree_lines_read_inside_the_tree_only(tmp_path: Path) -> None:
    (tmp_path / "repo").mkdir()
    (tmp_path / "repo" / "a.py").write_text("x  =\t1\n")
    (tmp_path / "secret.txt").write_text("outside\n")
    lines = TreeLines(tmp_path / "repo")
    assert lines.text("a.py", 1) == "x = 1"
    assert lines.text("a.py", 9) == "" and lines.text("a.py", None) == ""
    assert lines.text("../secret.txt", 1) == ""
    assert lines.text("missing.py", 1) == ""
