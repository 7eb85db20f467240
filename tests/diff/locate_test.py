from __future__ import annotations

from kairos_ci.diff.locate import TrackedFiles

FILES = [
    "src/main/java/org/acme/FlakyTest.java",
    "other/src/main/java/org/acme/util/Strings.java",
    "app/utils.py",
    "lib/utils.py",
    "tests/test_x.py",
    "pkg/race_test.go",
    "./web/src/App.test.tsx",
]


def test_exact_and_suffix_matches() -> None:
    tracked = TrackedFiles(FILES)
    assert tracked.resolve("tests/test_x.py") == "tests/test_x.py"
    assert tracked.resolve("/home/runner/work/r/r/tests/test_x.py") == "tests/test_x.py"
    assert tracked.resolve("org/acme/FlakyTest.java") == "src/main/java/org/acme/FlakyTest.java"
    assert tracked.resolve("race_test.go") == "pkg/race_test.go"  # unique basename
    assert tracked.resolve("C:\\ci\\web\\src\\App.test.tsx") == "web/src/App.test.tsx"
    assert "web/src/App.test.tsx" in tracked


def test_ambiguous_or_unknown_gives_nothing() -> None:
    tracked = TrackedFiles(FILES)
    assert tracked.resolve("utils.py") is None  # two of them
    assert tracked.resolve("app/utils.py") == "app/utils.py"
    assert tracked.resolve("nothing.py") is None
    assert tracked.resolve("") is None


def test_modules_and_classes() -> None:
    tracked = TrackedFiles(FILES)
    assert tracked.resolve_module("tests.test_x.TestX") == "tests/test_x.py"
    assert tracked.resolve_module("org.acme.FlakyTest") == "src/main/java/org/acme/FlakyTest.java"
    assert tracked.resolve_module("org.acme.util.Strings$Inner") == (
        "other/src/main/java/org/acme/util/Strings.java"
    )
    assert tracked.resolve_module("no.such.Thing") is None
