"""Which requirement files count, and names as pip normalises them."""

from __future__ import annotations

from pathlib import Path

from kairos_ci.adopt.python_sources import requirement_files, requirement_name
from kairos_ci.adopt.scan import scan
from tests.adopt.projects import write


def test_requirements_first_then_test_and_dev_files_only(tmp_path: Path) -> None:
    names = [
        "requirements.txt",
        "requirements-dev.txt",
        "test-requirements.txt",
        "requirements_docs.txt",
        "requirements/tests.txt",
        "requirements/prod.txt",
        "dev-requirements.txt",
    ]
    files = scan(write(tmp_path, dict.fromkeys(names, "x\n")))
    assert requirement_files(files) == (
        "requirements.txt",
        "dev-requirements.txt",
        "requirements-dev.txt",
        "requirements/tests.txt",
        "test-requirements.txt",
    )


def test_requirement_names_are_normalised() -> None:
    assert requirement_name("Flake8_Sarif >= 1 ; python_version > '3'") == "flake8-sarif"
    assert requirement_name("ruff==0.6.9") == "ruff"
    assert requirement_name("-r requirements.txt") == ""
