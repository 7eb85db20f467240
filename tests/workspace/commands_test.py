from __future__ import annotations

import sys
import time
from pathlib import Path

from kairos_ci.context import tool_environment
from kairos_ci.workspace.commands import MAX_OUTPUT_BYTES, run_command

ENV = tool_environment()


def test_exit_code_and_output(tmp_path: Path) -> None:
    result = run_command(
        [sys.executable, "-c", "print('hi'); raise SystemExit(3)"], tmp_path, ENV, 30
    )
    assert result.exit_code == 3 and result.stdout == "hi\n" and not result.ok


def test_timeout_kills_the_whole_process_group(tmp_path: Path) -> None:
    marker = tmp_path / "child-survived"
    child = tmp_path / "child.py"
    child.write_text(f"import time\ntime.sleep(2)\nopen({str(marker)!r}, 'w').close()\n")
    parent = tmp_path / "parent.py"
    parent.write_text(
        f"import subprocess, sys, time\n"
        f"subprocess.Popen([sys.executable, {str(child)!r}])\ntime.sleep(30)\n"
    )
    script = str(parent)
    started = time.monotonic()
    result = run_command([sys.executable, script], tmp_path, ENV, 0.5)
    assert result.timed_out and result.exit_code is None
    assert time.monotonic() - started < 5
    time.sleep(2.5)
    assert not marker.exists()


def test_output_is_bounded_to_its_tail(tmp_path: Path) -> None:
    code = "import sys; sys.stdout.write('x' * 3_000_000 + 'END')"
    result = run_command([sys.executable, "-c", code], tmp_path, ENV, 30)
    assert len(result.stdout) == MAX_OUTPUT_BYTES and result.stdout.endswith("END")


def test_missing_program_is_a_clear_error(tmp_path: Path) -> None:
    result = run_command(["no-such-program-kairos"], tmp_path, ENV, 5)
    assert result.exit_code is None and "cannot run 'no-such-program-kairos'" in (
        result.error or ""
    )


def test_secrets_in_our_environment_do_not_reach_the_command(tmp_path: Path) -> None:
    env = tool_environment({**ENV, "GITHUB_TOKEN": "ghs_secret"})
    code = "import os; print(os.environ.get('GITHUB_TOKEN', 'absent'))"
    assert run_command([sys.executable, "-c", code], tmp_path, env, 30).stdout == "absent\n"
