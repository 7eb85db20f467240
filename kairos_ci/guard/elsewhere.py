"""The repository's test files the patch did not touch.

Their fixtures and helpers (conftest.py, helper modules) let the patch's tests be unfolded
as pytest would run them. And a claim lost from the patch's tests is still made when an
unchanged test module makes it: the removed test duplicated one elsewhere. Only modules
whose text holds the lost claim's literals (or, without literals, its functions' names)
are unfolded, so this costs nothing when nothing is lost.
"""

from __future__ import annotations

import ast
import re
import warnings
from collections.abc import Iterable, Iterator, Mapping

from kairos_ci.guard.claims import Claim
from kairos_ci.guard.classify import collects
from kairos_ci.guard.suite import SourceFile, build_suite

MAX_MODULES = 30  # unchanged test modules unfolded to look for lost claims
MIN_TOKEN = 4  # shorter words are too common to pick a module by
_WORD = re.compile(r"\w+")


def unchanged_libraries(files: Mapping[str, str], touched: set[str]) -> dict[str, SourceFile]:
    """Unchanged conftest and helper modules (test files pytest does not collect), parsed."""
    wanted = {p: t for p, t in files.items() if p not in touched and not collects(p)}
    return dict(_parsed(wanted))


def claims_elsewhere(
    lost: Iterable[Claim],
    files: Mapping[str, str],
    touched: set[str],
    libraries: Mapping[str, SourceFile],
) -> dict[str, str]:
    """Lost claim keys that an unchanged test module still makes -> that test's id."""
    lost = list(lost)
    tokens = {token for claim in lost for token in _tokens(claim)}
    if not tokens:
        return {}
    candidates = {
        path: text
        for path, text in files.items()
        if path not in touched and collects(path) and any(t in text for t in tokens)
    }
    chosen = dict(list(candidates.items())[:MAX_MODULES])
    suite = build_suite({**libraries, **dict(_parsed(chosen))})
    keys = {claim.key for claim in lost}
    return {c.key: t.id for t in suite.tests.values() for c in t.claims if c.key in keys}


def _tokens(claim: Claim) -> set[str]:
    """A word a module making this claim must contain: the longest word of its literals
    (as written in source, escapes aside), else the names of the functions it calls."""
    words = [
        word
        for node in ast.walk(claim.expr)
        if isinstance(node, ast.Constant) and isinstance(node.value, str | int | float)
        for word in _WORD.findall(str(node.value))
        if len(word) >= MIN_TOKEN
    ]
    if words:
        return {max(words, key=len)}
    return {name.rsplit(".", 1)[-1] for name in claim.callees if len(name) >= MIN_TOKEN}


def _parsed(files: Mapping[str, str]) -> Iterator[tuple[str, SourceFile]]:
    for path, text in files.items():
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", SyntaxWarning)
                yield path, SourceFile(ast.parse(text, filename=path), text)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue  # not the patch's file: nothing to fail closed on
