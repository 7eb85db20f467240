"""Linters count only with their config present, each writing a format kairos reads."""

from __future__ import annotations

from pathlib import Path

from kairos_ci.adopt.linters import detect_linters
from kairos_ci.adopt.scan import scan
from kairos_ci.config.load import parse_config
from tests.adopt.projects import write

SCHEMA_FORMATS = {"ruff", "eslint", "pylint", "checkstyle", "sarif"}


def _linters(tmp_path: Path, files: dict[str, str]):  # type: ignore[no-untyped-def]
    return detect_linters(scan(write(tmp_path, files)))


def test_no_config_no_linter(tmp_path: Path) -> None:
    found, notes = _linters(tmp_path, {"pyproject.toml": "[project]\nname='x'\n", "a.py": ""})
    assert found == () and notes == ()


def test_every_python_linter_with_its_config(tmp_path: Path) -> None:
    files = {
        "ruff.toml": "line-length = 100\n",
        "setup.cfg": "[flake8]\nmax-line-length = 100\n",
        ".pylintrc": "[MAIN]\n",
    }
    found, _ = _linters(tmp_path, files)
    by_name = {d.setup.name: d for d in found}
    assert by_name["ruff"].setup.source == "ruff.toml"
    assert by_name["flake8"].setup.source == "setup.cfg [flake8]"
    assert by_name["flake8"].packages == ("flake8", "flake8-sarif")
    assert by_name["pylint"].setup.run == "pylint --recursive=y --output-format=json2 ."
    assert {d.setup.format for d in found} <= SCHEMA_FORMATS
    assert {d.language for d in found} == {"python"}


def test_pyproject_tool_tables_count(tmp_path: Path) -> None:
    files = {"pyproject.toml": "[tool.ruff]\n[tool.pylint.main]\njobs = 1\n"}
    found, _ = _linters(tmp_path, files)
    assert [(d.setup.name, d.setup.source) for d in found] == [
        ("ruff", "pyproject.toml"),
        ("pylint", "pyproject.toml"),
    ]


def test_eslint_config_in_package_json(tmp_path: Path) -> None:
    found, _ = _linters(tmp_path, {"package.json": '{"eslintConfig": {"root": true}}'})
    (eslint,) = found
    assert (eslint.setup.source, eslint.language) == ("package.json eslintConfig", "node")


def test_checkstyle_through_maven_gradle_or_a_note(tmp_path: Path) -> None:
    maven, _ = _linters(tmp_path / "m", {"checkstyle.xml": "<module/>", "pom.xml": "<project/>"})
    (linter,) = maven
    assert linter.setup.report == "target/checkstyle-result.xml"
    assert linter.setup.run.endswith("-Dcheckstyle.config.location=checkstyle.xml")
    gradle_files = {
        "config/checkstyle/checkstyle.xml": "<module/>",
        "build.gradle": "plugins { id 'checkstyle' }\n",
        "gradlew": "#!/bin/sh\n",
    }
    gradle, _ = _linters(tmp_path / "g", gradle_files)
    (linter,) = gradle
    assert linter.setup.report == "build/reports/checkstyle/main.xml"
    nothing, notes = _linters(tmp_path / "n", {"checkstyle.xml": "<module/>"})
    assert nothing == ()
    assert "no pom.xml" in notes[0]


def test_each_linter_entry_passes_the_config_validator(tmp_path: Path) -> None:
    files = {
        "ruff.toml": "",
        ".flake8": "[flake8]\n",
        "pylintrc": "",
        "checkstyle.xml": "",
        "pom.xml": "",
        "eslint.config.mjs": "export default []\n",
    }
    found, _ = _linters(tmp_path, files)
    assert len(found) == 5
    from kairos_ci.adopt.config_text import render_config
    from kairos_ci.adopt.records import Adoption

    text = render_config(Adoption((), None, tuple(d.setup for d in found), ()))
    config = parse_config(text.encode(), "kairos.yml")
    assert [linter.name for linter in config.linters] == [
        "ruff",
        "flake8",
        "pylint",
        "eslint",
        "checkstyle",
    ]
