"""docs/cli.md is what kairos_ci.cli_reference renders from the parsers."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from kairos_ci import cli
from kairos_ci.cli_reference import REGENERATE, commands, exit_code_rows, render_reference

ROOT = Path(__file__).resolve().parents[1]


def test_docs_cli_md_is_generated_from_the_parsers() -> None:
    written = (ROOT / "docs" / "cli.md").read_text()
    assert written == render_reference(), f"docs/cli.md is stale: run `{REGENERATE}`"


def test_the_exit_code_table_is_cli_docstrings_and_matches_its_constants() -> None:
    codes = [int(code) for code, _ in exit_code_rows(cli.__doc__ or "")]
    constants = [
        cli.OK_EXIT,
        cli.FAILED_EXIT,
        cli.USAGE_EXIT,
        cli.INTERNAL_ERROR_EXIT,
        cli.INTERRUPTED_EXIT,
        cli.BROKEN_PIPE_EXIT,
    ]
    assert codes == constants


def test_a_wrapped_exit_code_meaning_stays_one_row() -> None:
    docstring = "Exit codes:\n\n    0    ok\n    1    refused, or\n         failing checks\n"
    assert exit_code_rows(docstring) == [("0", "ok"), ("1", "refused, or failing checks")]


def test_every_command_has_a_section_and_an_index_row() -> None:
    rendered = render_reference()
    for command in commands(cli.build_parser()):
        prog = command.parser.prog
        assert f"\n## {prog}\n" in rendered
        assert f"| [`{prog}`](#{prog.replace(' ', '-')}) |" in rendered


def test_nested_commands_are_listed_after_their_group() -> None:
    progs = [command.parser.prog for command in commands(cli.build_parser())]
    group = progs.index("kairos-ci sandbox")
    assert progs[group + 1 : group + 3] == [
        "kairos-ci sandbox anthropic",
        "kairos-ci sandbox github",
    ]


def test_arguments_show_their_defaults_choices_and_required_flags() -> None:
    parser = argparse.ArgumentParser(prog="tool")
    sub = parser.add_subparsers(dest="name")
    child = sub.add_parser("go", help="go somewhere", description="Go.")
    child.add_argument("--to", required=True, help="where | how")
    child.add_argument("--speed", type=int, default=3, help="how fast")
    child.add_argument("--mode", choices=("a", "b"), help="which mode")
    child.add_argument("--quiet", action="store_true", help="say nothing")
    rendered = render_reference(parser)
    assert "| `--to TO` | required | where \\| how |" in rendered
    assert "| `--speed SPEED` | `3` | how fast |" in rendered
    assert "| `--mode MODE` |  | which mode; one of `a`, `b` |" in rendered
    assert "| `--quiet` |  | say nothing |" in rendered
    assert "| [`tool go`](#tool-go) | go somewhere |" in rendered


def test_usage_is_wrapped_at_a_fixed_width_not_the_terminals(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COLUMNS", "40")
    narrow = render_reference()
    monkeypatch.setenv("COLUMNS", "200")
    assert render_reference() == narrow
