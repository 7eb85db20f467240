from __future__ import annotations

import pytest

from kairos_ci.signals.paths import from_uri, normalize


@pytest.mark.parametrize(
    ("raw", "root", "expected"),
    [
        ("/home/runner/work/r/r/src/a.py", "/home/runner/work/r/r", "src/a.py"),
        ("/elsewhere/src/a.py", "/home/runner/work/r/r", "/elsewhere/src/a.py"),
        ("./src//a.py", None, "src/a.py"),
        ("src/../lib/a.py", None, "lib/a.py"),
        ("X:\\Build\\Src\\A.java", "x:/build", "Src/A.java"),  # case-blind, spelling kept
        ("C:/w/p/file.cs", "C:/w/p", "file.cs"),
        ("/abs/x", "/", "abs/x"),
        ("https://example.com/a.js", "/r", "https://example.com/a.js"),
        ("", "/r", ""),
        ("/r", "/r", ""),
    ],
)
def test_normalize(raw: str, root: str | None, expected: str) -> None:
    assert normalize(raw, root) == expected


@pytest.mark.parametrize(
    ("uri", "expected"),
    [
        ("file:///C:/Code/a%20b.py", "C:/Code/a b.py"),
        ("file:///home/x.py", "/home/x.py"),
        ("file://localhost/home/x.py", "/home/x.py"),
        ("file://server/share/x.c", "//server/share/x.c"),
        ("src/a%20b.py", "src/a b.py"),
        ("whatever/%E2%82%ACpath.cs", "whatever/€path.cs"),
        ("https://host/y", "https://host/y"),
    ],
)
def test_from_uri(uri: str, expected: str) -> None:
    assert from_uri(uri) == expected
