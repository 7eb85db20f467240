"""Versions init installs of tools a project uses but does not declare: pinned, so the
workflows install the same thing every night (and zizmor's ad-hoc-packages audit
passes). Declaring the tool in the project takes precedence over these."""

from __future__ import annotations

PYTHON = {
    "pytest": "9.2.0",
    "ruff": "0.17.5",
    "flake8": "7.5.0",
    "flake8-sarif": "1.0.15",
    "pylint": "4.1.4",
}
NODE = {
    "jest-junit": "17.0.0",
    "mocha-junit-reporter": "2.2.1",
    "eslint": "10.15.0",
}


def python_spec(name: str) -> str:
    return f"{name}=={PYTHON[name]}" if name in PYTHON else name


def node_spec(name: str) -> str:
    return f"{name}@{NODE[name]}" if name in NODE else name
