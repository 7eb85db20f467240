"""``kairos-ci parse``: JSON Lines, the summary, exit codes, options."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from kairos_ci.cli import main
from kairos_ci.config.schema import load_schema

JUNIT = (
    '<testsuite name="S"><testcase classname="c" name="a" file="{root}/t/test_a.py" line="3">'
    '<flakyFailure message="first"/></testcase>'
    '<testcase classname="c" name="b"><failure message="no">trace</failure></testcase>'
    "</testsuite>"
)
RUFF = (
    '[{{"code": "F401", "message": "unused", "filename": "{root}/src/a.py",'
    ' "location": {{"row": 2, "column": 1}}}}]'
)


def run(args: list[str], capsysbinary: pytest.CaptureFixture[bytes]) -> tuple[int, list[dict], str]:
    code = main(["parse", *args])
    out, err = capsysbinary.readouterr()
    lines = [json.loads(line) for line in out.decode("utf-8").splitlines()]
    return code, lines, err.decode()


@pytest.fixture
def reports(tmp_path: Path) -> dict[str, Path]:
    junit = tmp_path / "junit.xml"
    junit.write_text(JUNIT.format(root=tmp_path))
    ruff = tmp_path / "ruff.json"
    ruff.write_text(RUFF.format(root=tmp_path))
    broken = tmp_path / "broken.xml"
    broken.write_text("<testsuite>")
    return {"junit": junit, "ruff": ruff, "broken": broken}


def test_json_lines_match_the_schema(
    reports: dict[str, Path], tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    code, lines, err = run(
        ["auto", "--root", str(tmp_path), str(reports["junit"]), str(reports["ruff"])], capsysbinary
    )
    assert (code, err) == (0, "")
    schema = load_schema("signals")
    for line in lines:
        jsonschema.validate(line, schema, cls=jsonschema.Draft202012Validator)
    assert [line["kind"] for line in lines] == ["test", "test", "finding"]
    flaky, failed, finding = lines
    assert (flaky["outcome"], flaky["path"], flaky["line"]) == ("flaky", "t/test_a.py", 3)
    assert [a["outcome"] for a in flaky["attempts"]] == ["failed", "passed"]
    assert (failed["outcome"], failed["message"]) == ("failed", "no")
    assert (finding["tool"], finding["rule"], finding["path"]) == ("ruff", "F401", "src/a.py")
    assert finding["file"] == str(reports["ruff"])


def test_an_unreadable_file_exits_1_and_the_others_still_count(
    reports: dict[str, Path], capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    code, lines, _ = run(["junit", str(reports["broken"]), str(reports["junit"])], capsysbinary)
    assert code == 1
    assert [line["kind"] for line in lines] == ["error", "test", "test"]
    assert lines[0]["file"] == str(reports["broken"])


def test_summary(reports: dict[str, Path], capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    paths = [str(reports[k]) for k in ("junit", "ruff", "broken")]
    code, [summary], _ = run(["auto", "--summary", *paths], capsysbinary)
    assert code == 1
    jsonschema.validate(summary, load_schema("signals"), cls=jsonschema.Draft202012Validator)
    assert [f["file"] for f in summary["files"]] == paths
    total = summary["total"]
    assert total["files"] == 3 and total["errors"] == 1
    assert total["tests"] == {
        "total": 2,
        "passed": 0,
        "failed": 1,
        "errored": 0,
        "skipped": 0,
        "flaky": 1,
    }
    assert total["attempts"] == 3 and total["findings"]["error"] == 1


def test_max_bytes_and_bad_usage(
    reports: dict[str, Path], capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    code, [error], _ = run(["auto", "--max-bytes", "10", str(reports["junit"])], capsysbinary)
    assert code == 1 and "over the 10-byte cap" in error["message"]
    code, lines, err = run(["auto", "--max-bytes", "0", str(reports["junit"])], capsysbinary)
    assert (code, lines) == (2, []) and "--max-bytes must be a positive" in err
    assert main(["parse", "nunit", str(reports["junit"])]) == 2  # argparse: invalid choice


def test_installed_command_and_a_closed_pipe(reports: dict[str, Path]) -> None:
    command = [sys.executable, "-m", "kairos_ci", "parse", "auto", str(reports["junit"])]
    done = subprocess.run(command, capture_output=True, check=False)
    assert done.returncode == 0 and done.stderr == b""
    assert len(done.stdout.splitlines()) == 2
    # A reader that goes away early (``| head -1``) is not an error worth a traceback.
    many = [str(reports["junit"])] * 2000
    piped = subprocess.Popen([*command[:-1], *many], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert piped.stdout is not None and piped.stderr is not None
    piped.stdout.readline()
    piped.stdout.close()
    assert piped.wait(timeout=30) == 0
    assert b"Traceback" not in piped.stderr.read()
