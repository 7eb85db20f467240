"""The command line: exit codes, one line per error, and no heavy imports on the way."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kairos_ci.cli import main

HEAVY = ("anthropic", "github")


def test_validate_valid_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "kairos.yml"
    config.write_text("version: 1\n")
    assert main(["validate", str(config)]) == 0
    assert "valid" in capsys.readouterr().out


def test_validate_finds_the_repository_config(tmp_path: Path) -> None:
    (tmp_path / ".github").mkdir()
    (tmp_path / ".github" / "kairos.yml").write_text("version: 1\n")
    assert main(["validate", "--repo", str(tmp_path)]) == 0


def test_validate_invalid_prints_one_line_per_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "kairos.yml"
    config.write_text("version: 1\nautonomy: {default: x, fix_lnt: auto}\n")
    assert main(["validate", str(config)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        f"{config}:2:21: autonomy.default: 'x' is not one of observe, suggest, approve, auto",
        f"{config}:2:24: autonomy.fix_lnt: unknown key 'fix_lnt' (did you mean 'fix_lint'?); "
        "allowed: default, fix_lint, fix_tests, plan, report_flaky, review, update_deps",
    ]


def test_usage_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(tmp_path / "missing.yml")]) == 2
    assert main(["validate", "--repo", str(tmp_path)]) == 2
    assert main(["no-such-command"]) == 2
    err = capsys.readouterr().err
    assert "no such file" in err and "no config file" in err
    assert "Traceback" not in err


def test_help_exits_0() -> None:
    assert main(["--help"]) == 0


def _modules_after(code: str) -> set[str]:
    probe = code + "\nimport sys\nprint(' '.join(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=False
    )
    return {m.split(".")[0] for m in done.stdout.split()}


def test_importing_the_cli_imports_neither_anthropic_nor_github() -> None:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import kairos_ci.cli"],
        capture_output=True,
        text=True,
        check=True,
    )
    imported = {line.rsplit("|", 1)[-1].strip().split(".")[0] for line in done.stderr.splitlines()}
    assert "kairos_ci" in imported
    assert not imported & set(HEAVY)


def test_help_and_validate_import_neither(tmp_path: Path) -> None:
    config = tmp_path / "kairos.yml"
    config.write_text("version: 1\n")
    help_run = "from kairos_ci.cli import main\nmain(['--help'])"
    validate_run = (
        f"from kairos_ci.cli import main\nassert main(['validate', {str(config)!r}]) == 0"
    )
    for code in (help_run, validate_run):
        loaded = _modules_after(code)
        assert "kairos_ci" in loaded
        assert not loaded & set(HEAVY), loaded & set(HEAVY)


def test_python_dash_m_runs_the_cli() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "kairos_ci", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0 and done.stdout.startswith("kairos-ci ")
