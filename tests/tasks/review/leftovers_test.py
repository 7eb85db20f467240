"""Debug leftovers: breakpoints and debugger statements always, prints only where they
are stray; a deletion is suggested only when the file still parses without the line."""

from __future__ import annotations

from kairos_ci.tasks.review.leftovers import find_leftovers
from kairos_ci.tasks.review.lines import Added

MODULE = "def f(x):\n    y = x + 1\n    {line}\n    return y\n"


def leftovers(path: str, text: str, base: str | None = None) -> list[tuple[int, bool]]:
    added = [Added(path, n, row) for n, row in enumerate(text.split("\n"), 1)]
    found = find_leftovers(added, {path: text}, {path: base})
    return [(f.line or 0, f.suggestion is not None) for f in found]


def test_a_breakpoint_is_flagged_with_a_deletion_when_that_is_safe() -> None:
    assert leftovers("lib/calc.py", MODULE.format(line="breakpoint()")) == [(3, True)]
    assert leftovers("lib/calc.py", MODULE.format(line="import pdb; pdb.set_trace()")) == [
        (3, True)
    ]
    only = "def f(x):\n    if x:\n        breakpoint()\n    return x\n"
    assert leftovers("lib/calc.py", only) == [(3, False)]  # deleting it leaves an empty block


def test_a_print_counts_only_in_library_code_that_printed_nothing() -> None:
    text = MODULE.format(line='print("here", y)')
    assert leftovers("lib/calc.py", text) == [(3, True)]
    assert leftovers("lib/calc.py", text, base='print("already")\n') == []
    for path in ("tests/test_calc.py", "scripts/run.py", "lib/__main__.py", "lib/cli.py"):
        assert leftovers(path, text) == [], path
    many = "".join(f"print({n})\n" for n in range(4))
    assert leftovers("lib/report.py", many) == []  # output on purpose


def test_javascript_debugger_and_console_calls() -> None:
    text = "function f() {\n  debugger;\n  console.log(x);\n  return 1;\n}\n"
    assert leftovers("src/app.ts", text) == [(2, True), (3, True)]
    assert leftovers("src/app.test.ts", text) == []
