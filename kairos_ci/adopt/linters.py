"""Linters the project has configured, each set up to write a report kairos reads.

A linter counts only when its config file (or table) is present: a tool the project
does not use would only add noise. Report formats are the config schema's:
ruff's JSON, ESLint's JSON, pylint's ``json2``, SARIF from flake8 (with the
``flake8-sarif`` formatter plugin), and Checkstyle XML from Maven or Gradle.
"""

from __future__ import annotations

import configparser
import tomllib
from collections.abc import Iterator

from kairos_ci.adopt.records import DetectedLinter, LinterSetup, ProjectFiles

RUFF_CONFIGS = ("ruff.toml", ".ruff.toml")
PYLINT_CONFIGS = (".pylintrc", "pylintrc")
CHECKSTYLE_CONFIGS = ("checkstyle.xml", "config/checkstyle/checkstyle.xml")
ESLINT_CONFIGS = (
    "eslint.config.js",
    "eslint.config.mjs",
    "eslint.config.cjs",
    "eslint.config.ts",
    ".eslintrc",
    ".eslintrc.js",
    ".eslintrc.cjs",
    ".eslintrc.json",
    ".eslintrc.yml",
    ".eslintrc.yaml",
)


def detect_linters(files: ProjectFiles) -> tuple[tuple[DetectedLinter, ...], tuple[str, ...]]:
    """The linters found, and notes about configs found that could not be used."""
    notes: list[str] = []
    found = [*_python(files), *_eslint(files), *_checkstyle(files, notes)]
    return tuple(found), tuple(notes)


def _python(files: ProjectFiles) -> Iterator[DetectedLinter]:
    tools = _pyproject_tools(files)
    ruff = _first(files, RUFF_CONFIGS) or ("pyproject.toml" if "ruff" in tools else "")
    if ruff:
        setup = LinterSetup(
            "ruff", "ruff check --output-format json .", "ruff", ruff, fix="ruff check --fix ."
        )
        yield DetectedLinter(setup, "python", ("ruff",))
    flake8 = _first(files, (".flake8",)) or _ini_section(files, ("setup.cfg", "tox.ini"), "flake8")
    if flake8:
        setup = LinterSetup("flake8", "flake8 --format=sarif .", "sarif", flake8)
        yield DetectedLinter(setup, "python", ("flake8", "flake8-sarif"))
    pylint = _first(files, PYLINT_CONFIGS) or ("pyproject.toml" if "pylint" in tools else "")
    if pylint:
        setup = LinterSetup(
            "pylint", "pylint --recursive=y --output-format=json2 .", "pylint", pylint
        )
        yield DetectedLinter(setup, "python", ("pylint",))


def _eslint(files: ProjectFiles) -> Iterator[DetectedLinter]:
    source = _first(files, ESLINT_CONFIGS)
    if not source and '"eslintConfig"' in (files.text("package.json") or ""):
        source = "package.json eslintConfig"
    if source:
        setup = LinterSetup(
            "eslint", "eslint --format json .", "eslint", source, fix="eslint --fix ."
        )
        yield DetectedLinter(setup, "node", ("eslint",))


def _checkstyle(files: ProjectFiles, notes: list[str]) -> Iterator[DetectedLinter]:
    config = _first(files, CHECKSTYLE_CONFIGS)
    if not config:
        return
    gradle = _first(files, ("build.gradle", "build.gradle.kts"))
    if files.has("pom.xml"):
        run = "mvn --batch-mode --offline checkstyle:checkstyle"
        run += f" -Dcheckstyle.config.location={config}"
        setup = LinterSetup("checkstyle", run, "checkstyle", config, "target/checkstyle-result.xml")
        yield DetectedLinter(setup, "java", ())
    elif gradle and files.has("gradlew") and "checkstyle" in (files.text(gradle) or ""):
        setup = LinterSetup(
            "checkstyle",
            "./gradlew --offline checkstyleMain",
            "checkstyle",
            f"{config}, {gradle}",
            "build/reports/checkstyle/main.xml",
        )
        yield DetectedLinter(setup, "java", ())
    else:
        notes.append(
            f"Checkstyle: {config} found, but no pom.xml, nor a Gradle wrapper with "
            "the checkstyle plugin, to run it with; add a linter entry by hand"
        )


def _first(files: ProjectFiles, names: tuple[str, ...]) -> str:
    return next((name for name in names if files.has(name)), "")


def _pyproject_tools(files: ProjectFiles) -> frozenset[str]:
    try:
        tool = tomllib.loads(files.text("pyproject.toml") or "").get("tool", {})
    except tomllib.TOMLDecodeError:
        return frozenset()  # python_sources reports it
    return frozenset(tool) if isinstance(tool, dict) else frozenset()


def _ini_section(files: ProjectFiles, names: tuple[str, ...], section: str) -> str:
    for name in names:
        parser = configparser.ConfigParser(interpolation=None)
        try:
            parser.read_string(files.text(name) or "", name)
        except configparser.Error:
            continue  # python_sources reports it
        if parser.has_section(section):
            return f"{name} [{section}]"
    return ""
