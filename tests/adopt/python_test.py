"""Python: install lines in the project's own order, the Python version, and when pytest
is run."""

from __future__ import annotations

from pathlib import Path

from kairos_ci.adopt.python import detect_python
from kairos_ci.adopt.scan import scan
from tests.adopt.projects import write

GROUPS = """\
[project]
name = "g"
version = "1"
requires-python = ">=3.13"

[dependency-groups]
test = ["pytest>=8", {include-group = "lint"}]
lint = ["ruff"]
docs = ["mkdocs"]
"""

NOXFILE = """\
import nox

DEPS = ["x"]


@nox.session
def tests(session):
    session.install("-e", ".[test]")
    session.install(*DEPS)
    session.run("pytest")


@nox.session
def docs(session):
    session.install("sphinx")
"""


def _python(tmp_path: Path, files: dict[str, str], tools: tuple[str, ...] = ()):  # type: ignore[no-untyped-def]
    found = detect_python(scan(write(tmp_path, files)), tools)
    assert found is not None
    return found


def test_dependency_groups_need_a_new_pip_and_install_only_test_groups(tmp_path: Path) -> None:
    found = _python(tmp_path, {"pyproject.toml": GROUPS, "tests/test_x.py": ""}, ("ruff",))
    assert found.toolchain.install.lines == (
        "python -m pip install --upgrade 'pip>=25.1'  # --group needs pip 25.1",
        "python -m pip install -e .",
        "python -m pip install --group test --group lint",
    )
    assert found.toolchain.setup.inputs == (("python-version", "3.13"),)
    assert found.tests is not None and found.tests.source == "declared dependency pytest"


def test_python_version_file_wins(tmp_path: Path) -> None:
    files = {"pyproject.toml": GROUPS, ".python-version": "3.11.9\n"}
    assert _python(tmp_path, files).toolchain.setup.inputs == (("python-version", "3.11"),)


def test_nox_test_sessions_are_read_as_text_and_dynamic_installs_are_noted(
    tmp_path: Path,
) -> None:
    found = _python(tmp_path, {"noxfile.py": NOXFILE, "tests/test_x.py": ""})
    assert found.toolchain.install.lines == (
        "python -m pip install -e '.[test]'",
        "python -m pip install pytest==9.2.0",  # nothing declares it
    )
    assert any("session tests installs '*DEPS'" in note for note in found.notes)
    assert any("pytest is not among the declared" in note for note in found.notes)


def test_no_tests_anywhere_means_no_test_command_and_a_note(tmp_path: Path) -> None:
    found = _python(tmp_path, {"requirements.txt": "flask\n"})
    assert found.tests is None
    assert found.toolchain.install.lines == ("python -m pip install -r requirements.txt",)
    assert any("no test command is configured" in note for note in found.notes)


def test_a_src_folder_that_cannot_be_installed_is_noted(tmp_path: Path) -> None:
    files = {"requirements.txt": "pytest\n", "src/pkg/__init__.py": "", "tests/t.py": ""}
    found = _python(tmp_path, files)
    assert any("src/ folder but no pyproject.toml" in note for note in found.notes)


def test_poetry_dev_groups_are_installed_by_name(tmp_path: Path) -> None:
    pyproject = """\
[tool.poetry]
name = "p"

[tool.poetry.dependencies]
python = "^3.11"

[tool.poetry.group.dev.dependencies]
pytest = "^8.0"
black = "^24"

[build-system]
requires = ["poetry-core"]
build-backend = "poetry.core.masonry.api"
"""
    found = _python(tmp_path, {"pyproject.toml": pyproject, "setup.py": ""})
    assert found.toolchain.install.lines == (
        "python -m pip install -e .",
        "python -m pip install pytest black",
    )
    assert any("Poetry project" in note for note in found.notes)


def test_setup_cfg_extras_and_pytest_section(tmp_path: Path) -> None:
    setup_cfg = """\
[metadata]
name = legacy

[options.extras_require]
testing =
    pytest>=7
    pytest-cov
docs = sphinx

[tool:pytest]
addopts = -q
"""
    found = _python(tmp_path, {"setup.cfg": setup_cfg, "setup.py": ""})
    assert found.toolchain.install.lines == ("python -m pip install -e '.[testing]'",)
    assert found.tests is not None and found.tests.source == "setup.cfg [tool:pytest]"


def test_a_broken_pyproject_is_noted_not_fatal(tmp_path: Path) -> None:
    found = _python(tmp_path, {"pyproject.toml": "[project\nname=", "tests/t.py": ""})
    assert any("pyproject.toml: not valid TOML" in note for note in found.notes)
