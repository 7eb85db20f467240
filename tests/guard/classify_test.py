"""Which paths are tests and test configuration."""

from __future__ import annotations

import pytest

from kairos_ci.guard.classify import is_protected_test_path, is_test_config, is_test_file, language


@pytest.mark.parametrize(
    "path",
    [
        "tests/test_calc.py",
        "test_calc.py",
        "pkg/calc_test.py",
        "src/tests/helpers.py",
        "tests/data/expected.json",
        "src/sum.test.ts",
        "web/login.spec.jsx",
        "web/__tests__/x.js",
        "calc/calc_test.go",
        "src/test/java/com/acme/PriceTest.java",
        "spec/models/user_spec.rb",
        "conftest.py",
    ],
)
def test_test_files(path: str) -> None:
    assert is_test_file(path)
    assert is_protected_test_path(path)


@pytest.mark.parametrize(
    "path", ["app/calc.py", "src/latest.py", "contest.py", "docs/testing.md", "attest/x.py"]
)
def test_not_test_files(path: str) -> None:
    assert not is_test_file(path)


def test_test_configuration_is_read_only_too() -> None:
    for path in ("pytest.ini", "tox.ini", "noxfile.py", "jest.config.ts", "web/.mocharc.yml"):
        assert is_test_config(path) and is_protected_test_path(path)
    assert not is_test_config("pyproject.toml")  # mostly not about tests: the guard reads it


def test_languages() -> None:
    assert [language(p) for p in ("a.py", "b.tsx", "c.go", "D.java", "e.rb")] == [
        "python",
        "javascript",
        "go",
        "java",
        None,
    ]
