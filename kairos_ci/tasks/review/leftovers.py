"""Debug leftovers on added lines: breakpoints, debugger statements and stray prints.

A ``print`` counts only in library code that printed nothing before (tests, scripts,
command-line entry points and examples print on purpose), and only while a file gains
a few: a file that gains many is producing output on purpose. Where deleting the line
is the whole fix, the comment carries a suggestion that deletes it, offered only when
the file still parses without it (Python) or the statement is complete on its line.
"""

from __future__ import annotations

import ast
import re
import warnings
from collections.abc import Iterable, Iterator, Mapping

from kairos_ci.forge.markers import fingerprint
from kairos_ci.guard.classify import is_test_file
from kairos_ci.tasks.review.lines import Added
from kairos_ci.tasks.review.records import ReviewFinding, Source, SuggestedEdit

RULE = "kairos/debug-leftover"
MAX_PRINTS_PER_FILE = 3
_PY_DEBUG = re.compile(
    r"^\s*(?:breakpoint\(\)|(?:import\s+(?:i?pdb|pudb)\b)|(?:i?pdb|pudb)\.set_trace\(\)"
    r"|from\s+IPython\s+import\s+embed\b)"
)
_PY_PRINT = re.compile(r"^\s*print\(.*\)\s*(?:#.*)?$")
_JS_DEBUG = re.compile(r"^\s*(?:debugger\s*;?|console\.(?:log|debug|trace)\(.*\)\s*;?)\s*$")
_JS_SUFFIXES = (".js", ".jsx", ".mjs", ".cjs", ".ts", ".tsx", ".mts", ".cts", ".vue", ".svelte")
_OUTPUT_PLACES = re.compile(
    r"(?:^|/)(?:scripts?|bin|tools|examples?|docs?|demo|benchmarks?|bench)/"
    r"|(?:^|/)(?:__main__|cli|setup|noxfile|conftest|manage)\.py$"
)


def find_leftovers(
    lines: Iterable[Added],
    texts: Mapping[str, str | None],
    base_texts: Mapping[str, str | None],
) -> Iterator[ReviewFinding]:
    """``base_texts`` are keyed by head path (None: the file is new)."""
    by_file: dict[str, list[Added]] = {}
    for added in lines:
        by_file.setdefault(added.path, []).append(added)
    for path, rows in by_file.items():
        if path.endswith(".py"):
            yield from _python(path, rows, texts.get(path) or "", base_texts.get(path))
        elif path.endswith(_JS_SUFFIXES) and not is_test_file(path):
            for added in rows:
                if _JS_DEBUG.match(added.text) and _balanced(added.text):
                    yield _finding(added, "a debugger statement or console call", deletable=True)


def _python(path: str, rows: list[Added], head: str, base: str | None) -> Iterator[ReviewFinding]:
    for added in rows:
        if _PY_DEBUG.match(added.text):
            yield _finding(added, "a debugger breakpoint", _deletable(head, added.line))
    if is_test_file(path) or _OUTPUT_PLACES.search(path) or "print(" in (base or ""):
        return
    prints = [a for a in rows if _PY_PRINT.match(a.text) and _balanced(a.text)]
    if len(prints) > MAX_PRINTS_PER_FILE:
        return
    for added in prints:
        yield _finding(
            added, "a print in code that printed nothing before", _deletable(head, added.line)
        )


def _deletable(text: str, line: int) -> bool:
    """The module still parses without ``line`` (so deleting it is a safe suggestion)."""
    rows = text.split("\n")
    rest = "\n".join(rows[: line - 1] + rows[line:])
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escapes in the user's code are theirs
            ast.parse(rest)
    except (SyntaxError, ValueError):
        return False
    return True


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def _finding(added: Added, what: str, deletable: bool) -> ReviewFinding:
    statement = " ".join(added.text.split())
    detail = f"**Debug leftover**: {what}. Remove it before merging."
    return ReviewFinding(
        source=Source.DEBUG,
        rule=RULE,
        path=added.path,
        line=added.line,
        title=f"debug leftover ({what})",
        detail=detail,
        fingerprint=fingerprint(RULE, added.path, statement, prefix="debug"),
        suggestion=SuggestedEdit(added.line, added.line, "") if deletable else None,
    )
