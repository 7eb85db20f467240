"""Verification on real project shapes: the tests run the patch, not the installed copy.

Each project is installed into a job environment the way CI jobs do (``pip install -e .``,
or a plain ``pip install .``), that environment is first on PATH, and ``kairos-ci run``
fixes its failing test with a scripted model. Real pip, setuptools, pytest, git,
bubblewrap, and the GitHub and Anthropic sandboxes.
"""

from __future__ import annotations

import json
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from tests.e2e.fix_tests_test import classify, fix_pull, github, model, night, pulls, use
from tests.jail import jail_or_skip
from tests.sandbox.github.world import World, make_world

pytestmark = [
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore:The model .* is deprecated:DeprecationWarning"),
]

TARGET = "tests.test_ops::test_add"
CONFIG = """version: 1
tests:
  run: {runner} -q -p no:cacheprovider --junitxml=reports/junit.xml
  junit: ["reports/junit.xml"]
autonomy:
  default: suggest
  fix_tests: approve
models:
  triage: claude-haiku-4-5
  work: claude-sonnet-4-5
"""
OPS = "def add(a, b):\n    return a - b\n\n\ndef double(a):\n    return add(a, a)\n"
TESTS = """from calc import add, double


def test_add():
    assert add(2, 3) == 5


def test_double_of_zero():
    assert double(0) == 0


def test_add_zero():
    assert add(7, 0) == 7
"""
PYPROJECT = """[build-system]
requires = ["setuptools>=64"]
build-backend = "setuptools.build_meta"

[project]
name = "calc"
version = "0.1.0"
{extra}"""
SRC_LAYOUT = {
    ".github/kairos.yml": CONFIG.format(runner="python -m pytest"),
    "pyproject.toml": PYPROJECT.format(
        extra='\n[tool.setuptools.packages.find]\nwhere = ["src"]\n'
    ),
    "src/calc/__init__.py": "from calc.ops import add, double\n",
    "src/calc/ops.py": OPS,
}
# pytest imports calc while it reads its own config, before any test path is inserted;
# the pytest script (unlike python -m pytest) does not put the working directory on sys.path.
FLAT_LAYOUT = {
    ".github/kairos.yml": CONFIG.format(runner="pytest"),
    "pyproject.toml": PYPROJECT.format(
        extra='\n[tool.setuptools]\npackages = ["calc"]\n\n[tool.pytest.ini_options]\n'
        'filterwarnings = ["error::calc.CalcWarning"]\n'
    ),
    "calc/__init__.py": "from calc.ops import add, double\n\n\nclass CalcWarning(Warning):\n"
    "    pass\n",
    "calc/ops.py": OPS,
}
REAL = classify("real", "add() subtracts", TARGET)


def fix(path: str, new: str) -> list[dict[str, object]]:
    return [
        use("replace_in_file", path=path, old="    return a - b", new=new),
        use("run_tests", tests=["tests/test_ops.py::test_add"]),
        use("finish", summary="add() subtracted; it adds now."),
    ]


def project(tmp_path: Path, layout: dict[str, str], *, editable: bool = True) -> World:
    """The project on GitHub, cloned as the job's checkout, installed into a job venv
    that is first on PATH (as after setup-python and pip install)."""
    jail_or_skip()
    world = make_world(tmp_path)
    files = {**layout, "tests/test_ops.py": TESTS}
    # Like many real projects, .gitignore does not cover the test reports.
    files[".gitignore"] = "__pycache__/\n*.egg-info/\nbuild/\n"
    world.git("rm", "-q", "app.py")
    world.commit(files, "add calc")
    venv = tmp_path / "job-venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    # The job's environment has pytest and setuptools: lend this interpreter's.
    site = next((venv / "lib").glob("python*/site-packages"))
    (site / "lend.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    script = venv / "bin" / "pytest"  # what installing pytest into the venv would write
    script.write_text(
        f"#!{venv / 'bin' / 'python'}\nimport sys, pytest\nsys.exit(pytest.console_main())\n"
    )
    script.chmod(0o755)
    install = ["-e", str(world.work)] if editable else [str(world.work)]
    pip = [sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install"]
    subprocess.run(
        [*pip, "-q", "--no-deps", "--no-build-isolation", "--no-index", *install],
        check=True,
        capture_output=True,
    )
    return world


def job_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    monkeypatch.setenv("PATH", f"{tmp_path / 'job-venv' / 'bin'}{os.pathsep}{os.environ['PATH']}")


def assert_evidence(folder: Path) -> None:
    """The fix's JUnit artefact, as kairos, junitparser and the anchors' reporters read it."""
    from junitparser import xunit2

    (report,) = folder.glob("*fix_tests*.xml")
    suites = {suite.name: suite for suite in xunit2.JUnitXml.fromfile(str(report))}
    assert set(suites) == {"before", "after"}
    assert (suites["before"].tests, suites["before"].failures) == (3, 1)
    assert (suites["after"].tests, suites["after"].failures) == (3, 0)
    (target,) = [case for case in suites["after"] if case.name == "test_add"]
    marks = {p.name: p.value for p in target.properties()}
    assert marks["kairos.target"] == "true" and marks["kairos.id"] == TARGET
    read = subprocess.run(
        [sys.executable, "-m", "kairos_ci", "parse", "junit", str(report)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    outcomes = sorted(
        r["outcome"] for r in map(json.loads, read.splitlines()) if r["kind"] == "test"
    )
    assert outcomes == ["failed"] + ["passed"] * 5


@pytest.mark.parametrize(
    ("layout", "path"),
    [(SRC_LAYOUT, "src/calc/ops.py"), (FLAT_LAYOUT, "calc/ops.py")],
    ids=["src-layout-editable", "flat-layout-start-up-import"],
)
def test_a_correct_fix_verifies_failed_to_passed_and_becomes_a_pr(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, env: Path, layout: dict[str, str], path: str
) -> None:
    world = project(tmp_path, layout)
    job_path(tmp_path, monkeypatch)
    monkeypatch.setenv("RUNNER_TEMP", str(tmp_path / "runner-temp"))
    replies = {"claude-haiku-4-5": [REAL], "claude-sonnet-4-5": fix(path, "    return a + b")}
    with github(world, monkeypatch) as sandbox, model(monkeypatch, replies):
        assert night(world) == 0, env.read_text()
        body = fix_pull(sandbox)["body"]
    assert_evidence(tmp_path / "runner-temp" / "kairos-ci" / "evidence")
    assert f"| `{TARGET}` | failed | passed |" in body
    assert "| the tests ran the patched code | passed |" in body
    assert "| tests no worse | passed | 1 failing before, 0 after |" in body
    assert f"- `{path}`" in body
    assert "reports/junit.xml" not in body  # the untracked report is no part of the change


@pytest.mark.parametrize(
    ("layout", "path"),
    [(SRC_LAYOUT, "src/calc/ops.py"), (FLAT_LAYOUT, "calc/ops.py")],
    ids=["src-layout-editable", "flat-layout-start-up-import"],
)
def test_a_fix_that_breaks_other_tests_is_refused_naming_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, env: Path, layout: dict[str, str], path: str
) -> None:
    world = project(tmp_path, layout)
    job_path(tmp_path, monkeypatch)
    replies = {"claude-haiku-4-5": [REAL], "claude-sonnet-4-5": fix(path, "    return 5")}
    with github(world, monkeypatch) as sandbox, model(monkeypatch, replies):
        assert night(world) == 0
        assert not [ref for ref in pulls(sandbox) if ref.startswith("kairos/fix-tests/")]
    summary = env.read_text()
    assert "newly failing: tests.test_ops::test_add_zero, tests.test_ops::test_double_of_zero" in (
        summary
    )


def test_tests_that_import_an_installed_copy_never_pass_verification(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, env: Path
) -> None:
    world = project(tmp_path, SRC_LAYOUT, editable=False)
    job_path(tmp_path, monkeypatch)
    replies = {
        "claude-haiku-4-5": [REAL],
        "claude-sonnet-4-5": fix("src/calc/ops.py", "    return a + b"),
    }
    with github(world, monkeypatch) as sandbox, model(monkeypatch, replies):
        assert night(world) == 0
        assert not [ref for ref in pulls(sandbox) if ref.startswith("kairos/fix-tests/")]
    summary = env.read_text()
    assert "the tests would import calc from " in summary
    assert "site-packages/calc/__init__.py, not the tree under test" in summary
