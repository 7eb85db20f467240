"""The written workflows: the project is installed before kairos runs, the review job
installs linters only, and every shape passes the repository's own workflow gates."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from kairos_ci.adopt.actions import setup_python
from kairos_ci.adopt.records import Adoption, Install, Toolchain
from kairos_ci.adopt.workflows import render_workflows
from tests.adopt.projects import FLAT_LAYOUT, JEST_ESLINT, NOTHING, SRC_LAYOUT, adopt

KAIROS = "kairos-ci/kairos-ci@"


def _steps(text: str) -> list[dict[str, str]]:
    (job,) = yaml.safe_load(text)["jobs"].values()
    return job["steps"]  # type: ignore[no-any-return]


def _workflows(adoption: Adoption) -> dict[str, str]:
    return {f.path.rsplit("/", 1)[1]: f.text for f in render_workflows(adoption)}


def test_nightly_installs_the_project_before_kairos_runs(tmp_path: Path) -> None:
    flows = _workflows(adopt(tmp_path, SRC_LAYOUT))
    steps = _steps(flows["kairos-nightly.yml"])
    uses = [step.get("uses", step.get("name", "")).split("@")[0] for step in steps]
    assert uses == [
        "actions/checkout",
        "actions/setup-python",
        "Install the Python project and its tools",
        "kairos-ci/kairos-ci",
        "actions/upload-artifact",
    ]
    assert steps[2]["run"] == "python -m pip install -e '.[test]'\n"
    review = _steps(flows["kairos-review.yml"])
    assert review[2]["run"] == "python -m pip install ruff==0.6.9\n"


def test_fix_tests_follows_the_projects_ci_by_name(tmp_path: Path) -> None:
    flows = _workflows(adopt(tmp_path, JEST_ESLINT))
    document = yaml.safe_load(flows["kairos-fix-tests.yml"])
    assert document[True]["workflow_run"]["workflows"] == ["CI"]  # `on:` is YAML 1.1 true
    assert (
        "npm install --no-save jest-junit@17.0.0" in _steps(flows["kairos-fix-tests.yml"])[2]["run"]
    )


def test_nothing_detected_gives_the_examples_without_install_steps(tmp_path: Path) -> None:
    flows = _workflows(adopt(tmp_path, NOTHING))
    assert sorted(flows) == ["kairos-nightly.yml", "kairos-review.yml"]
    for text in flows.values():
        assert not any("run" in step for step in _steps(text))
        assert [s["uses"].split("@")[0] for s in _steps(text)][:2] == [
            "actions/checkout",
            "kairos-ci/kairos-ci",
        ]


def test_a_line_with_an_expression_or_line_break_is_left_out() -> None:
    chain = Toolchain(
        "python",
        setup_python("3.12"),
        Install(("pip install ok", "pip install ${{ github.head_ref }}", "a\nb")),
        Install(),
        (),
    )
    text = _workflows(Adoption((chain,), None, (), ()))["kairos-nightly.yml"]
    run = _steps(text)[2]["run"]
    # The two others became shell comments saying so.
    assert [line for line in run.splitlines() if not line.startswith("#")] == ["pip install ok"]
    assert text.count("was left out: add it by hand") == 2
    assert "head_ref" not in text


def _tool(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent))
    if found is None:
        pytest.skip(f"{name} is not installed in this environment (pip install -e '.[test]')")
    return found


@pytest.mark.slow
def test_every_shape_passes_the_workflow_gates(tmp_path: Path) -> None:
    written = []
    for index, shape in enumerate((SRC_LAYOUT, FLAT_LAYOUT, JEST_ESLINT, NOTHING)):
        for planned in render_workflows(adopt(tmp_path / f"p{index}", shape)):
            path = tmp_path / "flows" / f"{index}-{planned.path.rsplit('/', 1)[1]}"
            path.parent.mkdir(exist_ok=True)
            path.write_text(planned.text)
            written.append(str(path))
    assert len(written) == 9
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_TOKEN", "GH_TOKEN")}
    gates = [
        [_tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", *written],
        [
            _tool("check-jsonschema"),
            "--builtin-schema",
            "custom.github-workflows-require-timeout",
            *written,
        ],
        [_tool("zizmor"), "--offline", "--no-progress", *written],
        [_tool("actionlint"), *written],
    ]
    for gate in gates:
        done = subprocess.run(gate, capture_output=True, text=True, env=env, timeout=300)
        assert done.returncode == 0, f"{gate[:3]}:\n{done.stdout}\n{done.stderr}"
