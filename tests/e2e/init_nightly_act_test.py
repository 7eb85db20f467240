"""Issue 15's acceptance under act: on a fresh Python project, the nightly workflow that
`kairos-ci init` wrote installs the project, runs its tests and opens the lint-fix PR in
the GitHub sandbox.

The workflow file runs exactly as init wrote and committed it. act cannot fetch actions
offline, so the three remote actions it uses besides ``actions/checkout`` (which act does
itself for the local repository) run from local folders (act's ``--local-repository``);
each stand-in says what it replaces and why it is faithful. The install step init wrote
runs untouched and installs from the package index.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from kairos_ci.adopt import actions, pins, python
from kairos_ci.cli import main
from kairos_ci.sandbox.github.server import GitHubSandbox
from tests.e2e.act_harness import ActEvent, ActRun, copy_project, run_workflow
from tests.e2e.approved_fix_test import tick
from tests.sandbox.github.world import KAIROS_TOKEN, World, make_world, strict_sandbox

pytestmark = pytest.mark.slow

NIGHTLY = ".github/workflows/kairos-nightly.yml"
# A small project as a newcomer has it: src/ layout, pytest through a test extra, ruff
# configured; stats.py has two unused imports that `ruff check --fix` removes.
PROJECT = {
    "pyproject.toml": textwrap.dedent("""\
        [build-system]
        requires = ["setuptools>=64"]
        build-backend = "setuptools.build_meta"

        [project]
        name = "calc"
        version = "0.1.0"
        requires-python = ">=3.10"

        [project.optional-dependencies]
        test = ["pytest>=8"]

        [tool.pytest.ini_options]
        testpaths = ["tests"]

        [tool.ruff]
        line-length = 100
        """),
    ".gitignore": "__pycache__/\n*.egg-info/\n",
    "src/calc/__init__.py": 'from calc.stats import mean\n\n__all__ = ["mean"]\n',
    "src/calc/stats.py": textwrap.dedent('''\
        """Small statistics helpers."""

        import os
        import sys


        def mean(values):
            return sum(values) / len(values)
        '''),
    "tests/test_stats.py": textwrap.dedent("""\
        from calc import mean


        def test_mean_of_three():
            assert mean([1, 2, 3]) == 2


        def test_mean_of_one():
            assert mean([5]) == 5
        """),
}


@dataclass(frozen=True)
class Nightly:
    """The scheduled job of the workflow file init wrote, as committed, run under act."""

    world: World
    sandbox: GitHubSandbox
    stand_ins: dict[str, Path]  # remote action -> the local folder act runs instead
    tmp: Path

    def run(self, night: int) -> ActRun:
        event = ActEvent(
            "schedule",
            {"schedule": "17 3 * * *"},
            env={
                "GITHUB_API_URL": self.sandbox.base_url,
                "GITHUB_REPOSITORY": self.world.full_name,
                "GITHUB_RUN_ID": str(night),  # each night is a run of its own, as on GitHub
                "PATH": path_without_this_venv(),
            },
            secrets={"GITHUB_TOKEN": KAIROS_TOKEN},
            local_actions=self.stand_ins,
        )
        done = run_workflow(self.world.work, self.world.work / NIGHTLY, event, self.tmp)
        assert done.returncode == 0, done.log
        assert KAIROS_TOKEN not in done.log.replace(f"::add-mask::{KAIROS_TOKEN}", "")
        return done

    def state(self) -> dict[str, Any]:
        state: dict[str, Any] = self.sandbox.state()["repos"][self.world.full_name]
        return state


def test_the_nightly_init_wrote_installs_tests_and_opens_the_lint_pr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    world = adopted_project(tmp_path / "world", capsys)
    venv, evidence = tmp_path / "setup-python" / "venv", tmp_path / "evidence"
    stand_ins = {
        python_setup(): setup_python_stand_in(tmp_path / "setup-python", venv),
        actions.UPLOAD_ARTIFACT.uses: upload_artifact_stand_in(tmp_path / "upload", evidence),
        actions.KAIROS.uses: copy_project(tmp_path / "kairos-ci"),
    }
    written = (world.work / NIGHTLY).read_text()
    assert all(f"uses: {ref} #" in written for ref in stand_ins)  # each stand-in is used
    with strict_sandbox(world) as sandbox:
        job = Nightly(world, sandbox, stand_ins, tmp_path)
        first = job.run(1)
        assert_installed(venv, first)
        assert_tests_ran(evidence, first)
        # init's config leaves autonomy at its default, suggest: the first night proposes
        # the fix on the dashboard, a maintainer approves it there, the next night opens it.
        assert job.state()["pulls"] == []
        tick(sandbox, approve_key(job.state()))
        job.run(2)
        state = job.state()
    [pull] = state["pulls"]
    assert pull["head"]["ref"] == "kairos/fix-lint/ruff"
    assert "| findings go down | passed | ruff: 2 -> 0 |" in pull["body"]
    assert changed_lines(world, pull["head"]["ref"]) == (
        ["src/calc/stats.py"],
        ["-import os", "-import sys"],
    )
    assert [i["title"] for i in state["issues"]] == ["kairos-ci dashboard"]


def approve_key(state: dict[str, Any]) -> str:
    """The key of the dashboard's approve box for the ruff fix."""
    [board] = state["issues"]
    found = re.search(r"kairos:key=approve:(fix_lint\.ruff\.[0-9a-f]+) -->", board["body"])
    assert found, board["body"]
    return found.group(1)


def adopted_project(root: Path, capsys: pytest.CaptureFixture[str]) -> World:
    """The project pushed to the sandbox's origin, then `kairos-ci init`'s files committed
    and pushed as its output tells the user to."""
    world = make_world(root)
    world.git("rm", "-q", "app.py")  # the world's filler file is not Python
    world.commit(PROJECT, "a small statistics package")
    assert main(["init", "--repo", str(world.work)]) == 0
    assert f"wrote {NIGHTLY} (new)" in capsys.readouterr().out
    world.commit({}, "adopt kairos-ci")
    return world


def python_setup() -> str:
    """The setup-python reference init writes here: this project's requires-python
    (>=3.10) leaves init's default version."""
    return actions.setup_python(python.DEFAULT_PYTHON).uses


def setup_python_stand_in(folder: Path, venv: Path) -> Path:
    """actions/setup-python puts a Python on PATH; it downloads one, so here a fresh venv
    of the host's interpreter is that Python (the host's version stands in for the one
    asked for). The venv is outside the workspace, as setup-python's tool cache is."""
    return _action(
        folder,
        "setup-python stand-in",
        {"python-version": "the version asked for; the host's interpreter is used"},
        f"""\
        "{Path(sys.executable).resolve()}" -m venv --clear "{venv}"
        echo "{venv}/bin" >> "$GITHUB_PATH"
        """,
    )


def upload_artifact_stand_in(folder: Path, into: Path) -> Path:
    """actions/upload-artifact sends files to the run's artifact store, which needs a
    download of the action; here the files are copied where the test reads them."""
    return _action(
        folder,
        "upload-artifact stand-in",
        {"name": "artifact name", "path": "what to upload", "retention-days": "unused"},
        f"""\
        mkdir -p "{into}/$INPUT_NAME"
        cp -R "$INPUT_PATH"/. "{into}/$INPUT_NAME"
        """,
    )


def _action(folder: Path, name: str, inputs: dict[str, str], script: str) -> Path:
    """A composite action whose one step runs ``script`` with each input in the
    environment as ``INPUT_<NAME>``."""
    env = {f"INPUT_{k.upper().replace('-', '_')}": f"${{{{ inputs.{k} }}}}" for k in inputs}
    text = {
        "name": name,
        "description": name,
        "inputs": {key: {"description": text} for key, text in inputs.items()},
        "runs": {
            "using": "composite",
            "steps": [{"shell": "bash", "env": env, "run": textwrap.dedent(script)}],
        },
    }
    folder.mkdir(parents=True)
    (folder / "action.yml").write_text(json.dumps(text, indent=2))  # JSON is YAML
    return folder


def path_without_this_venv() -> str:
    """The host's PATH without this test run's venv: pytest and ruff must come from the
    install step, not from kairos's own development tools."""
    ours = str(Path(sys.executable).parent)
    return os.pathsep.join(p for p in os.environ.get("PATH", "").split(os.pathsep) if p != ours)


def assert_installed(venv: Path, run: ActRun) -> None:
    """The install step init wrote ran in the Python that setup-python provided."""
    script = "import importlib.metadata as m; print(*(m.version(n) for n in ('calc', 'ruff')))"
    found = subprocess.run(
        [str(venv / "bin" / "python"), "-c", script],
        capture_output=True,
        text=True,
        check=False,
    )
    assert found.stdout.split() == ["0.1.0", pins.PYTHON["ruff"]], found.stderr + run.log
    assert "Success - Main Install the Python project and its tools" in run.log


def assert_tests_ran(evidence: Path, run: ActRun) -> None:
    """kairos ran the project's tests before and after its fix: the JUnit evidence it
    handed to upload-artifact counts them."""
    [artifact] = evidence.iterdir()
    assert artifact.name.startswith("kairos-evidence-"), artifact
    reports = sorted(artifact.rglob("*.xml"))
    assert reports, run.log
    names = {
        case.get("name")
        for report in reports
        for case in ET.parse(report).getroot().iter("testcase")
    }
    assert {"test_mean_of_three", "test_mean_of_one"} <= names
    assert "| tests | 2 passed |" in run.summary


def changed_lines(world: World, branch: str) -> tuple[list[str], list[str]]:
    """The PR's changed files and its removed and added lines, read from origin."""
    world.git("fetch", "-q", "origin")
    span = f"origin/main...origin/{branch}"
    files = world.git("diff", "--name-only", span).splitlines()
    patch = world.git("diff", "--unified=0", span).splitlines()
    edits = [line for line in patch if line[:1] in "+-" and line[:3] not in ("+++", "---")]
    return files, edits
