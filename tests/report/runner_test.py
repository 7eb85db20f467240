"""The runner interface writes files the way the Actions runner reads them."""

from __future__ import annotations

import io
from pathlib import Path

from kairos_ci.report.runner import SUMMARY_LIMIT_BYTES, Runner, truncate_utf8


def make(tmp_path: Path) -> tuple[Runner, io.StringIO]:
    out = io.StringIO()
    return Runner(out, tmp_path / "output", tmp_path / "summary.md", in_actions=True), out


def parse_outputs(text: str) -> dict[str, str]:
    """Read GITHUB_OUTPUT the way the runner does (name<<DELIM ... DELIM)."""
    values: dict[str, str] = {}
    lines = iter(text.split("\n"))
    for line in lines:
        if "<<" in line:
            name, delimiter = line.split("<<", 1)
            body = []
            for inner in lines:
                if inner == delimiter:
                    break
                body.append(inner)
            values[name] = "\n".join(body)
    return values


def test_multiline_output_round_trips(tmp_path: Path) -> None:
    runner, _ = make(tmp_path)
    tricky = "line one\nEOF\nname<<EOF\n::error::not a command"
    runner.set_output("summary", tricky)
    runner.set_output("pr-urls", "[]")
    assert parse_outputs((tmp_path / "output").read_text()) == {"summary": tricky, "pr-urls": "[]"}


def test_annotations_are_capped_per_level_and_escaped(tmp_path: Path) -> None:
    runner, out = make(tmp_path)
    for n in range(12):
        runner.annotate("error", f"bad {n}%\nsecond line", file="a,b:c.py", line=n + 1)
    runner.annotate("warning", "w")
    lines = out.getvalue().splitlines()
    assert len([x for x in lines if x.startswith("::error ")]) == 10
    assert lines[0] == "::error file=a%2Cb%3Ac.py,line=1::bad 0%25%0Asecond line"
    assert runner.dropped_annotations() == {"error": 2}


def test_untrusted_text_cannot_issue_workflow_commands(tmp_path: Path) -> None:
    runner, out = make(tmp_path)
    runner.echo_untrusted("hello\n::add-mask::x\n::set-env name=A::b")
    lines = out.getvalue().splitlines()
    token = lines[0].removeprefix("::stop-commands::")
    assert len(token) == 32 and lines[-1] == f"::{token}::"
    assert "::add-mask::x" in lines[1:-1]


def test_mask_and_group(tmp_path: Path) -> None:
    runner, out = make(tmp_path)
    runner.mask("s3cret\nline2")
    with runner.group("Parse reports"):
        pass
    assert out.getvalue().splitlines() == [
        "::add-mask::s3cret",
        "::add-mask::line2",
        "::group::Parse reports",
        "::endgroup::",
    ]


def test_outside_actions_a_mask_prints_nothing_not_even_the_secret() -> None:
    out = io.StringIO()
    Runner(out, None, None, in_actions=False).mask("s3cret")
    assert out.getvalue() == ""


def test_summary_stays_under_the_limit_and_says_it_was_cut(tmp_path: Path) -> None:
    runner, _ = make(tmp_path)
    runner.write_summary("# head\n")
    runner.write_summary("| row é |\n" * 200_000)
    data = (tmp_path / "summary.md").read_bytes()
    assert len(data) <= SUMMARY_LIMIT_BYTES
    assert data.startswith(b"# head\n")
    assert b"summary truncated" in data
    data.decode("utf-8")  # never cut inside a character


def test_truncate_keeps_short_text() -> None:
    assert truncate_utf8("short", 100) == "short"


def test_without_runner_files_nothing_is_written(tmp_path: Path) -> None:
    runner = Runner(io.StringIO(), None, None, in_actions=False)
    runner.set_output("summary", "x")
    runner.write_summary("y")
    assert list(tmp_path.iterdir()) == []
