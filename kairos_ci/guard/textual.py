"""Text heuristics for test files in languages kairos does not parse (JS/TS, Go, Java).

Counts, with comments removed, of assertions, skips, focused tests (``.only``: every
other test stops running), negated matchers and test definitions, base against head;
and lines whose only change is a value (an expected value or an input edited). Weaker
than the Python AST checks and easy to evade on purpose; they catch the common shortcuts.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from kairos_ci.guard.records import GuardRule, GuardVerdict, shown


@dataclass(frozen=True)
class Idioms:
    asserts: re.Pattern[str]
    skips: re.Pattern[str]
    tests: re.Pattern[str]
    focus: re.Pattern[str] | None = None
    strong: re.Pattern[str] | None = None
    weak: re.Pattern[str] | None = None
    negated: re.Pattern[str] | None = None


IDIOMS: Mapping[str, Idioms] = {
    "javascript": Idioms(
        asserts=re.compile(r"\bexpect\s*\(|\bassert(?:\.\w+)?\s*\(|\.should\b|\bt\.\w+\s*\("),
        skips=re.compile(
            r"\b(?:xit|xdescribe|xtest)\s*\(|\b(?:it|test|describe)\.(?:skip|todo)\b|\bthis\.skip\("
        ),
        tests=re.compile(r"\b(?:it|test)(?:\.only|\.skip|\.todo|\.each\(.*?\))?\s*\(\s*['\"`]"),
        focus=re.compile(r"\b(?:fit|fdescribe)\s*\(|\b(?:it|test|describe)\.only\b"),
        strong=re.compile(r"\.(?:toBe|toEqual|toStrictEqual|toMatchObject|toThrow\w*)\s*\("),
        weak=re.compile(r"\.(?:toBeTruthy|toBeDefined|toBeInstanceOf)\s*\(|\.not\.toBeNull\("),
        negated=re.compile(r"\.not\.to\w+\s*\("),
    ),
    "go": Idioms(
        asserts=re.compile(
            r"\bt\.(?:Error|Errorf|Fatal|Fatalf|Fail|FailNow)\b|\b(?:assert|require)\.\w+\("
        ),
        skips=re.compile(r"\bt\.(?:Skip|Skipf|SkipNow)\b"),
        tests=re.compile(r"^func\s+Test\w*\s*\(", re.MULTILINE),
    ),
    "java": Idioms(
        asserts=re.compile(r"\bassert\w*\s*\(|\bverify\s*\(|\bfail\s*\("),
        skips=re.compile(r"@(?:Disabled|Ignore)\b|\bassume(?:True|False|That)\s*\("),
        tests=re.compile(r"@(?:Test|ParameterizedTest|RepeatedTest)\b"),
        strong=re.compile(
            r"\bassert(?:Equals|ArrayEquals|IterableEquals|Same|Throws|LinesMatch)\s*\("
        ),
        weak=re.compile(r"\bassert(?:NotNull|NotEquals|InstanceOf|DoesNotThrow|NotSame)\s*\("),
    ),
}
_LINE_COMMENT = re.compile(r"(?<![:\"'])//[^\n]*")
_BLOCK_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)


def compare_text(path: str, language: str, base: str, head: str) -> Iterator[GuardVerdict]:
    idioms = IDIOMS[language]
    before, after = _code(base), _code(head)
    yield from _counts(path, idioms, (base, head), (before, after))
    edited = list(value_edits(before, after))
    for line, old, new in edited[:1]:
        message = "a value in the test changed (an input or an expected value)"
        rule = GuardRule.EXPECTED_VALUE_CHANGED
        yield GuardVerdict(rule, path, line, message, None, "expected-value", old, new)
    changed = _changed_lines(idioms.asserts, before, after)
    same_count = _count(idioms.asserts, after) == _count(idioms.asserts, before)
    if changed and not edited and same_count:
        message = "an assertion line changed"
        yield GuardVerdict(
            GuardRule.ASSERTION_CHANGED, path, changed, message, check="assertion-line"
        )


def _count(pattern: re.Pattern[str] | None, text: str) -> int:
    return len(pattern.findall(text)) if pattern is not None else 0


def _counts(
    path: str, idioms: Idioms, texts: tuple[str, str], code: tuple[str, str]
) -> Iterator[GuardVerdict]:
    """Idioms counted base to head (``texts`` as written, ``code`` without comments)."""
    (base, head), (before, after) = texts, code

    def grew(pattern: re.Pattern[str] | None) -> bool:
        return _count(pattern, after) > _count(pattern, before)

    def shrank(pattern: re.Pattern[str] | None) -> bool:
        return _count(pattern, after) < _count(pattern, before)

    def verdict(
        rule: GuardRule, check: str, message: str, pattern: re.Pattern[str] | None
    ) -> GuardVerdict:
        counts = (
            (f"{_count(pattern, before)}", f"{_count(pattern, after)}") if pattern else ("", "")
        )
        line = _first_new_line(pattern, base, head)
        return GuardVerdict(rule, path, line, message, None, check, *counts)

    if shrank(idioms.tests):
        yield verdict(GuardRule.TEST_REMOVED, "test-count", "fewer test definitions", idioms.tests)
    if shrank(idioms.asserts):
        message = "fewer assertions than before"
        yield verdict(GuardRule.ASSERTION_REMOVED, "assertion-count", message, idioms.asserts)
    if grew(idioms.skips):
        message = "a skipped or disabled test was added"
        yield verdict(GuardRule.SKIP_ADDED, "skip", message, idioms.skips)
    if grew(idioms.focus):
        yield verdict(
            GuardRule.TESTS_DESELECTED, "focus", ".only/fit focuses the run", idioms.focus
        )
    if shrank(idioms.strong) and grew(idioms.weak):
        message = "exact matchers became truthiness"
        yield verdict(GuardRule.ASSERTION_WEAKENED, "strength-order", message, idioms.weak)
    if grew(idioms.negated):
        message = "a matcher was negated (.not)"
        yield verdict(GuardRule.ASSERTION_WEAKENED, "comparison-inverted", message, idioms.negated)


_VALUE = re.compile(r"\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'|`[^`]*`|-?\b\d+(?:\.\d+)?\b")


def value_edits(base: str, head: str) -> Iterator[tuple[int, str, str]]:
    """(head line, old, new) for lines that changed only in a string or number literal."""
    old_lines, new_lines = base.splitlines(), head.splitlines()
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "replace" or i2 - i1 != j2 - j1:
            continue
        pairs = zip(old_lines[i1:i2], new_lines[j1:j2], strict=True)
        for number, (old, new) in enumerate(pairs, j1 + 1):
            if old != new and _VALUE.sub("?", old).split() == _VALUE.sub("?", new).split():
                yield number, shown(old), shown(new)


def _changed_lines(pattern: re.Pattern[str], base: str, head: str) -> int | None:
    """The first head line with an assertion that the base does not have, word for word."""
    old = {line.strip() for line in base.splitlines() if pattern.search(line)}
    for number, line in enumerate(head.splitlines(), 1):
        if pattern.search(line) and line.strip() not in old:
            return number
    return None


def _code(text: str) -> str:
    """The text without comments, so a commented-out assertion does not count."""
    blanked = _BLOCK_COMMENT.sub(lambda m: "\n" * m.group().count("\n"), text)
    return _LINE_COMMENT.sub("", blanked)


def _first_new_line(pattern: re.Pattern[str] | None, base: str, head: str) -> int | None:
    if pattern is None:
        return None
    old = set(base.splitlines())
    for number, line in enumerate(head.splitlines(), 1):
        if line not in old and pattern.search(line):
            return number
    return None
