"""The four fixture shapes end to end through detection: what is installed, which test
command, which linters, and every config they give passes kairos's own validator."""

from __future__ import annotations

from pathlib import Path

import pytest

from kairos_ci.adopt.config_text import render_config
from kairos_ci.adopt.detect import NOTHING_FOUND
from kairos_ci.adopt.records import Adoption
from kairos_ci.config.load import parse_config
from tests.adopt.projects import FLAT_LAYOUT, JEST_ESLINT, NOTHING, SRC_LAYOUT, adopt


def _validated(adoption: Adoption):  # type: ignore[no-untyped-def]
    return parse_config(render_config(adoption).encode(), "kairos.yml")


def test_src_layout_installs_the_test_extra_editable_and_runs_pytest(tmp_path: Path) -> None:
    adoption = adopt(tmp_path, SRC_LAYOUT)
    (python,) = adoption.toolchains
    # ruff and pytest come with the test extra: nothing is installed beside it.
    assert python.install.lines == ("python -m pip install -e '.[test]'",)
    assert python.review_install.lines == ("python -m pip install ruff==0.6.9",)
    assert python.setup.inputs == (("python-version", "3.12"),)
    assert "src/ layout" in python.sources
    config = _validated(adoption)
    assert config.tests.run is not None
    assert config.tests.run.argv == ("python", "-m", "pytest", "--junitxml=reports/junit.xml")
    assert config.tests.junit == ("reports/junit.xml",)
    assert [(lint.name, lint.format, lint.run.argv) for lint in config.linters] == [
        ("ruff", "ruff", ("ruff", "check", "--output-format", "json", "."))
    ]
    assert config.linters[0].fix is not None
    assert adoption.notes == ()


def test_flat_layout_installs_requirements_and_tox_deps(tmp_path: Path) -> None:
    adoption = adopt(tmp_path, FLAT_LAYOUT)
    (python,) = adoption.toolchains
    assert python.install.lines == (
        "python -m pip install -r requirements.txt -r requirements-dev.txt",
        # {toxinidir} resolved; the py311-only factor line left out.
        "python -m pip install -r requirements-dev.txt 'hypothesis>=6'",
        "python -m pip install flake8-sarif==1.0.15",  # the only tool not declared
    )
    assert python.review_install.lines == (
        "python -m pip install flake8==7.1.1 flake8-sarif==1.0.15",
    )
    assert adoption.tests is not None and adoption.tests.source == "tox.ini [pytest]"
    config = _validated(adoption)
    (flake8,) = config.linters
    assert (flake8.name, flake8.format, flake8.report) == ("flake8", "sarif", None)
    assert flake8.run.argv == ("flake8", "--format=sarif", ".")


def test_jest_and_eslint_with_the_junit_reporter_added(tmp_path: Path) -> None:
    adoption = adopt(tmp_path, JEST_ESLINT)
    (node,) = adoption.toolchains
    assert node.setup.inputs == (("node-version", "20"),)
    assert node.install.lines == (
        "npm ci",
        "npm install --no-save jest-junit@17.0.0",
        'echo "$PWD/node_modules/.bin" >> "$GITHUB_PATH"',
    )
    assert node.install.audit_ignores == ("github-env", "adhoc-packages")
    # The review job needs eslint only, and runs no install script of the pull request.
    assert node.review_install.lines == (
        "npm ci --ignore-scripts",
        'echo "$PWD/node_modules/.bin" >> "$GITHUB_PATH"',
    )
    config = _validated(adoption)
    assert config.tests.run is not None
    assert config.tests.run.argv == (
        "jest",
        "--coverage",
        "--ci",
        "--reporters=default",
        "--reporters=jest-junit",
    )
    assert config.tests.junit == ("junit.xml",)
    assert [(lint.name, lint.format) for lint in config.linters] == [("eslint", "eslint")]
    assert adoption.ci_workflow == "CI"
    assert any("jest-junit not in package.json" in note for note in adoption.notes)


def test_nothing_detectable_gives_a_minimal_valid_config_and_says_so(tmp_path: Path) -> None:
    adoption = adopt(tmp_path, NOTHING)
    assert adoption.toolchains == () and adoption.tests is None and adoption.linters == ()
    assert adoption.notes == (NOTHING_FOUND,)
    config = _validated(adoption)
    assert config.tests.run is None and config.linters == ()


def test_an_existing_config_elsewhere_is_the_one_init_targets(tmp_path: Path) -> None:
    from kairos_ci.adopt.detect import detect
    from kairos_ci.adopt.scan import scan
    from tests.adopt.projects import write

    adoption = detect(scan(write(tmp_path, SRC_LAYOUT)), ".kairos.yml")
    assert adoption.config_path == ".kairos.yml"


def test_python_and_javascript_take_the_tests_the_ci_runs_first(tmp_path: Path) -> None:
    both = {**SRC_LAYOUT, **JEST_ESLINT}
    adoption = adopt(tmp_path, both)
    assert [chain.language for chain in adoption.toolchains] == ["python", "node"]
    assert adoption.tests is not None and adoption.tests.run.startswith("jest ")


@pytest.mark.parametrize("shape", [SRC_LAYOUT, FLAT_LAYOUT, JEST_ESLINT, NOTHING])
def test_detection_is_deterministic(tmp_path: Path, shape: dict[str, str]) -> None:
    first = adopt(tmp_path / "a", shape)
    assert adopt(tmp_path / "b", shape) == first


def test_the_ci_workflow_is_the_one_on_pushes_and_pull_requests(tmp_path: Path) -> None:
    def flow(name: str, on: str) -> str:
        return f"name: {name}\non: {on}\njobs:\n  t:\n    steps:\n      - run: pytest\n"

    workflows = {
        ".github/workflows/a-nightly.yml": flow("Nightly", "{schedule: []}"),
        ".github/workflows/b-docs.yml": "name: Docs\non: [push]\njobs: {}\n",
        ".github/workflows/c-tests.yml": flow("Tests", "{pull_request: null}"),
        ".github/workflows/kairos-nightly.yml": flow("kairos", "[push]"),
    }
    assert adopt(tmp_path / "a", {**SRC_LAYOUT, **workflows}).ci_workflow == "Tests"
    only_nightly = {k: v for k, v in workflows.items() if "nightly" in k}
    assert adopt(tmp_path / "b", {**SRC_LAYOUT, **only_nightly}).ci_workflow == "Nightly"
    assert adopt(tmp_path / "c", SRC_LAYOUT).ci_workflow is None
