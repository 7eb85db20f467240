from __future__ import annotations

import pytest

from kairos_ci.config.glob import matches


@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [
        (".github/**", ".github/workflows/ci.yml", True),
        (".github/**", "src/.github/x", False),
        ("**/action.yml", "action.yml", True),
        ("**/action.yml", "sub/dir/action.yml", True),
        ("CODEOWNERS", "docs/CODEOWNERS", True),  # no slash: any depth, as in .gitignore
        ("src/*.py", "src/a.py", True),
        ("src/*.py", "src/pkg/a.py", False),
        ("src/**/*.py", "src/a.py", True),
        ("src/**/*.py", "src/pkg/deep/a.py", True),
        ("tests/test_?.py", "tests/test_a.py", True),
        ("a.b", "axb", False),  # dots are literal
        ("/rooted/*", "rooted/x", True),
    ],
)
def test_glob_semantics(pattern: str, path: str, expected: bool) -> None:
    assert matches(pattern, path) is expected
