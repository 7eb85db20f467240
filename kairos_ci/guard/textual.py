"""Text heuristics for test files in languages kairos does not parse (JS/TS, Go, Java).

Counts, with comments removed, of assertions, skips, focused tests (``.only``: every
other test stops running) and test definitions, base against head. Weaker than the
Python AST checks and easy to evade on purpose; they catch the common shortcuts.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from kairos_ci.guard.records import Rule, Verdict


@dataclass(frozen=True)
class Idioms:
    asserts: re.Pattern[str]
    skips: re.Pattern[str]
    tests: re.Pattern[str]
    focus: re.Pattern[str] | None = None
    strong: re.Pattern[str] | None = None
    weak: re.Pattern[str] | None = None


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
    ),
}
_LINE_COMMENT = re.compile(r"(?<![:\"'])//[^\n]*")
_BLOCK_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)


def compare_text(path: str, language: str, base: str, head: str) -> Iterator[Verdict]:
    idioms = IDIOMS[language]
    before, after = _code(base), _code(head)

    def count(pattern: re.Pattern[str] | None, text: str) -> int:
        return len(pattern.findall(text)) if pattern is not None else 0

    def verdict(rule: Rule, message: str, pattern: re.Pattern[str] | None = None) -> Verdict:
        return Verdict(rule, path, _first_new_line(pattern, base, head), message)

    if count(idioms.tests, after) < count(idioms.tests, before):
        yield verdict(Rule.TEST_REMOVED, "fewer test definitions than before")
    if count(idioms.asserts, after) < count(idioms.asserts, before):
        n, m = count(idioms.asserts, before), count(idioms.asserts, after)
        yield verdict(Rule.ASSERTION_REMOVED, f"{n} assertions before, {m} now")
    if count(idioms.skips, after) > count(idioms.skips, before):
        yield verdict(Rule.SKIP_ADDED, "a skipped or disabled test was added", idioms.skips)
    if count(idioms.focus, after) > count(idioms.focus, before):
        yield verdict(Rule.TESTS_DESELECTED, ".only/fit focuses the run", idioms.focus)
    changed = _changed_lines(idioms.asserts, before, after)
    if changed and count(idioms.asserts, after) == count(idioms.asserts, before):
        yield Verdict(Rule.ASSERTION_CHANGED, path, changed, "an assertion line changed")
    fewer_strong = count(idioms.strong, after) < count(idioms.strong, before)
    if fewer_strong and count(idioms.weak, after) > count(idioms.weak, before):
        yield verdict(Rule.ASSERTION_WEAKENED, "exact matchers became truthiness", idioms.weak)


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
