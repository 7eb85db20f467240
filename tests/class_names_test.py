"""Every class name in kairos_ci is defined once, so a name says which class it is."""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "kairos_ci"
SAMPLE = PACKAGE / "demo" / "sample"  # a sample project the demo fixes, not kairos code


def duplicate_classes(sources: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """Class names (top-level and nested) defined more than once, with where: ``file:line``."""
    where: dict[str, list[str]] = defaultdict(list)
    for name, source in sources:
        for node in ast.walk(ast.parse(source, filename=name)):
            if isinstance(node, ast.ClassDef):
                where[node.name].append(f"{name}:{node.lineno}")
    return {cls: places for cls, places in sorted(where.items()) if len(places) > 1}


def package_sources() -> Iterable[tuple[str, str]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        if not path.is_relative_to(SAMPLE):
            yield path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8")


def test_every_class_name_in_the_package_is_unique() -> None:
    duplicates = duplicate_classes(package_sources())
    report = "\n".join(f"{cls}: {', '.join(places)}" for cls, places in duplicates.items())
    assert not duplicates, f"class names defined more than once:\n{report}"


def test_the_checker_sees_a_duplicate_even_when_nested() -> None:
    first = "class Verdict:\n    pass\n\nclass Only:\n    pass\n"
    second = "def f():\n    class Holder:\n        class Verdict:\n            pass\n"
    assert duplicate_classes([("a.py", first), ("b.py", second)]) == {
        "Verdict": ["a.py:1", "b.py:3"]
    }
