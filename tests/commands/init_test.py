"""``kairos-ci init`` on fixture projects: it writes, a second run changes nothing and
says so, --dry-run writes nothing, existing files stay unless --force."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kairos_ci.cli import BROKEN_PIPE_EXIT, main
from kairos_ci.config.load import load_config
from tests.adopt.projects import FLAT_LAYOUT, JEST_ESLINT, NOTHING, SRC_LAYOUT, write

WRITTEN = (
    ".github/kairos.yml",
    ".github/workflows/kairos-nightly.yml",
    ".github/workflows/kairos-review.yml",
)


def _init(repo: Path, *flags: str) -> int:
    return main(["init", "--repo", str(repo), *flags])


def _snapshot(repo: Path) -> dict[str, bytes]:
    return {p.relative_to(repo).as_posix(): p.read_bytes() for p in repo.rglob("*") if p.is_file()}


@pytest.mark.parametrize("shape", [SRC_LAYOUT, FLAT_LAYOUT, JEST_ESLINT, NOTHING])
def test_init_writes_a_valid_config_then_a_second_run_changes_nothing(
    tmp_path: Path, shape: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    repo = write(tmp_path, shape)
    assert _init(repo) == 0
    first = capsys.readouterr().out
    for path in WRITTEN:
        assert f"wrote {path} (new)" in first
    load_config(repo / ".github/kairos.yml")  # kairos's own validator; raises when invalid
    before = _snapshot(repo)
    assert _init(repo) == 0
    second = capsys.readouterr().out
    assert second.rstrip().endswith("init: nothing to do: every file is already up to date")
    assert "wrote" not in second
    assert _snapshot(repo) == before


def test_dry_run_prints_the_files_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = write(tmp_path, SRC_LAYOUT)
    before = _snapshot(repo)
    assert _init(repo, "--dry-run") == 0
    out = capsys.readouterr().out
    assert _snapshot(repo) == before
    assert "--- .github/kairos.yml (new)\n# kairos-ci config" in out
    assert '  run: "python -m pytest --junitxml=reports/junit.xml"\n' in out
    assert "would write .github/workflows/kairos-nightly.yml (new)" in out
    assert out.rstrip().endswith("init: would write 3, 0 unchanged, 0 left alone")


def test_an_existing_file_is_left_alone_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = write(tmp_path, {**JEST_ESLINT, ".github/workflows/kairos-review.yml": "# mine\n"})
    assert _init(repo) == 1
    out = capsys.readouterr().out
    assert (
        "left alone .github/workflows/kairos-review.yml: it exists and differs "
        "(--force replaces it)" in out
    )
    assert (repo / ".github/workflows/kairos-review.yml").read_text() == "# mine\n"
    assert (repo / ".github/kairos.yml").is_file()
    assert _init(repo, "--force") == 0
    out = capsys.readouterr().out
    assert "wrote .github/workflows/kairos-review.yml (replaced: --force)" in out
    assert "unchanged .github/kairos.yml" in out
    assert (repo / ".github/workflows/kairos-review.yml").read_text() != "# mine\n"


def test_an_existing_dot_kairos_yml_is_the_config_it_keeps(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = write(tmp_path, {**SRC_LAYOUT, ".kairos.yml": "version: 1\n"})
    assert _init(repo) == 1
    assert "left alone .kairos.yml" in capsys.readouterr().out
    assert not (repo / ".github/kairos.yml").exists()  # it would shadow .kairos.yml


def test_a_symlinked_folder_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    repo = write(tmp_path / "repo", NOTHING)
    os.symlink(outside, repo / ".github")
    assert _init(repo) == 1
    assert ".github is a symlink or not a regular file" in capsys.readouterr().err
    assert list(outside.iterdir()) == []


def test_a_missing_repo_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _init(tmp_path / "nope") == 2
    assert "--repo" in capsys.readouterr().err


def test_nothing_detectable_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = write(tmp_path, NOTHING)
    assert _init(repo) == 0
    out = capsys.readouterr().out
    assert out.startswith("note: nothing detectable")
    config = load_config(repo / ".github/kairos.yml")
    assert config.tests.run is None and config.linters == ()


def test_detection_never_runs_the_projects_code(tmp_path: Path) -> None:
    plant = "import pathlib\npathlib.Path({!r}).write_text('ran')\n"
    marker = tmp_path / "ran"
    repo = write(
        tmp_path / "repo",
        {
            "setup.py": plant.format(str(marker)),
            "noxfile.py": plant.format(str(marker)) + "def tests(session):\n    pass\n",
            "conftest.py": plant.format(str(marker)),
            "tests/test_x.py": "",
        },
    )
    assert _init(repo) == 0
    assert not marker.exists()


def test_a_closed_stdout_still_leaves_every_file_written(tmp_path: Path) -> None:
    # As with `kairos-ci init | head -1`: the reader is gone before init prints.
    repo = write(tmp_path, SRC_LAYOUT)
    child = subprocess.Popen(
        [sys.executable, "-m", "kairos_ci", "init", "--repo", str(repo)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    assert child.stdout is not None
    child.stdout.close()
    assert child.wait(timeout=60) == BROKEN_PIPE_EXIT
    for path in WRITTEN:
        assert (repo / path).is_file()
