"""JavaScript: the package manager from the lockfile, and each runner's JUnit setup."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kairos_ci.adopt.node import detect_node
from kairos_ci.adopt.records import LanguageFindings
from kairos_ci.adopt.scan import scan
from tests.adopt.projects import write


def _node(tmp_path: Path, package: dict[str, object], **extra: str) -> LanguageFindings:
    files = {
        "package.json": json.dumps(package),
        **{k.replace("_", "."): v for k, v in extra.items()},
    }
    found, _ = detect_node(scan(write(tmp_path, files)), ())
    assert found is not None
    return found


def test_vitest_with_pnpm_uses_its_builtin_junit_reporter(tmp_path: Path) -> None:
    package = {"scripts": {"test": "vitest --watch src"}, "devDependencies": {"vitest": "^2"}}
    found = _node(tmp_path, package, **{"pnpm-lock_yaml": ""})
    assert found.tests is not None
    assert found.tests.run == (
        "vitest run src --reporter=default --reporter=junit --outputFile.junit=reports/junit.xml"
    )
    assert found.tests.junit == ("reports/junit.xml",)
    assert found.toolchain.install.lines[:2] == (
        "corepack enable",
        "pnpm install --frozen-lockfile",
    )
    assert found.toolchain.install.audit_ignores == ("github-env",)  # nothing ad hoc


def test_mocha_keeps_its_own_arguments_and_drops_its_reporter(tmp_path: Path) -> None:
    script = "mocha --require test/support/env --reporter spec --check-leaks test/ test/acceptance/"
    package = {"scripts": {"test": script}, "devDependencies": {"mocha": "10"}}
    found = _node(tmp_path, package, **{"yarn_lock": "", ".yarnrc_yml": ""})
    assert found.tests is not None
    assert found.tests.run == (
        "mocha --require test/support/env --check-leaks test/ test/acceptance/ "
        "--reporter mocha-junit-reporter --reporter-options mochaFile=reports/junit.xml"
    )
    install = found.toolchain.install.lines
    assert install[:3] == (
        "corepack enable",
        "yarn install --immutable",
        "yarn add --dev mocha-junit-reporter@2.2.1",
    )


def test_a_script_with_shell_syntax_keeps_none_of_its_arguments(tmp_path: Path) -> None:
    package = {
        "scripts": {"test": "NODE_ENV=test jest --runInBand && echo done"},
        "devDependencies": {"jest": "29", "jest-junit": "16"},
    }
    found = _node(tmp_path, package)
    assert found.tests is not None
    assert found.tests.run == "jest --ci --reporters=default --reporters=jest-junit"
    assert found.toolchain.install.lines[0] == "npm install"  # no lockfile
    assert "adhoc-packages" not in found.toolchain.install.audit_ignores


@pytest.mark.parametrize(
    ("script", "note"),
    [("node test.js", "uses no runner init knows"), (None, "no test script")],
)
def test_an_unknown_runner_configures_no_tests_and_says_why(
    tmp_path: Path, script: str | None, note: str
) -> None:
    package = {"scripts": {"test": script}} if script else {"name": "x"}
    found = _node(tmp_path, package)
    assert found.tests is None
    assert any(note in line for line in found.notes)


def test_package_json_that_is_not_json_is_noted(tmp_path: Path) -> None:
    files = scan(write(tmp_path, {"package.json": "{nope"}))
    found, notes = detect_node(files, ())
    assert found is None
    assert notes[0].startswith("package.json: not valid JSON")
    files = scan(write(tmp_path, {"package.json": "[]"}))
    assert detect_node(files, ()) == (
        None,
        ("package.json: not a JSON object; JavaScript was not set up",),
    )


def test_the_review_install_runs_no_scripts_and_adds_only_linters(tmp_path: Path) -> None:
    package = {"scripts": {"test": "jest"}, "devDependencies": {"jest": "29"}}
    files = scan(write(tmp_path, {"package.json": json.dumps(package), "yarn.lock": ""}))
    found, _ = detect_node(files, ("eslint",))
    assert found is not None
    assert found.toolchain.review_install.lines == (
        "corepack enable",
        "yarn install --frozen-lockfile --ignore-scripts",
        "yarn add --dev --ignore-scripts eslint@10.15.0",
        'echo "$PWD/node_modules/.bin" >> "$GITHUB_PATH"',
    )
    assert "yarn add --dev eslint@10.15.0 jest-junit@17.0.0" in found.toolchain.install.lines
