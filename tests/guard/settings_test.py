"""Test settings that deselect tests or weaken what counts as a failure."""

from __future__ import annotations

import pytest

from kairos_ci.guard.settings import compare_settings


def checks(path: str, base: str, head: str) -> list[tuple[str, str | None]]:
    return [(v.rule, v.check) for v in compare_settings(path, base, head)]


@pytest.mark.parametrize(
    ("path", "base", "head", "expected"),
    [
        ("pytest.ini", "[pytest]\naddopts = -ra\n", "[pytest]\naddopts = -ra -p no:randomly\n",
         [("tests-deselected", "plugin-disabled")]),
        ("pytest.ini", "[pytest]\naddopts = --doctest-modules\n", "[pytest]\naddopts = -q\n",
         [("tests-deselected", "doctests")]),
        ("setup.cfg", "[tool:pytest]\naddopts = -ra\n", "[tool:pytest]\naddopts = -ra --reruns 3\n",
         [("quality-gate-weakened", "reruns")]),
        ("pytest.ini", "[pytest]\naddopts = --cov-fail-under=90\n",
         "[pytest]\naddopts = --cov-fail-under=60\n", [("quality-gate-weakened", "coverage-gate")]),
        ("pytest.ini", "[pytest]\nfilterwarnings =\n    error\n",
         "[pytest]\nfilterwarnings =\n    error\n    ignore::DeprecationWarning\n",
         [("quality-gate-weakened", "filterwarnings")]),
        ("pytest.ini", "[pytest]\naddopts = -ra\n", "[pytest]\naddopts = -ra -W ignore\n",
         [("quality-gate-weakened", "filterwarnings")]),
        ("pytest.ini", "[pytest]\ntimeout = 5\n", "[pytest]\ntimeout = 300\n",
         [("quality-gate-weakened", "timeout")]),
        ("pyproject.toml", "[tool.pytest.ini_options]\nxfail_strict = true\n",
         "[tool.pytest.ini_options]\nxfail_strict = false\n",
         [("quality-gate-weakened", "xfail-strict")]),
        ("tox.ini", "[testenv]\ncommands = pytest\n",
         "[testenv]\nignore_outcome = true\ncommands = pytest\n",
         [("quality-gate-weakened", "ignore-outcome")]),
        ("jest.config.js", "module.exports = {};\n",
         'module.exports = {\n  testPathIgnorePatterns: ["a.test.js"],\n};\n',
         [("tests-deselected", "js-config")]),
    ],
)  # fmt: skip
def test_weakened_settings(
    path: str, base: str, head: str, expected: list[tuple[str, str]]
) -> None:
    assert checks(path, base, head) == expected


@pytest.mark.parametrize(
    ("path", "base", "head"),
    [
        ("pytest.ini", "[pytest]\naddopts = -ra\n",
         "[pytest]\naddopts = -ra -p no:cacheprovider\n"),
        ("pytest.ini", "[pytest]\nfilterwarnings =\n    error\n",
         "[pytest]\nfilterwarnings =\n    error\n    ignore::DeprecationWarning:dateutil.*\n"),
        ("pytest.ini", "[pytest]\ntimeout = 60\n", "[pytest]\ntimeout = 30\n"),
        ("pyproject.toml", "[tool.pytest.ini_options]\nxfail_strict = true\n",
         "[tool.pytest]\nstrict = true\n"),
    ],
)  # fmt: skip
def test_honest_settings(path: str, base: str, head: str) -> None:
    assert checks(path, base, head) == []
