"""Render the CLI reference (docs/cli.md) from the argparse parsers, so docs cannot drift.

Regenerate with ``python -m kairos_ci.cli_reference > docs/cli.md``; a test fails when
the file differs from what this renders.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator
from dataclasses import dataclass

from kairos_ci import cli

REGENERATE = ".venv/bin/python -m kairos_ci.cli_reference > docs/cli.md"
WIDTH = 100  # usage lines are wrapped at a fixed width, not the terminal's
_EXIT_LINE = re.compile(r"^\s{4}(\d+)\s+(.*)$")

HEADER = f"""\
# Command-line reference

<!-- Generated from the argparse parsers by `{REGENERATE}`; do not edit. -->

The global options below go before the command (`kairos-ci --log-level debug run`). Every
command reads `KAIROS_LOG_LEVEL` (the action's `log-level` input) when `--log-level` is not
given; the other variables each command reads are listed with it.
"""


def render_reference(parser: argparse.ArgumentParser | None = None) -> str:
    """The whole reference: global options, exit codes, the command index, each command."""
    parser = cli.build_parser() if parser is None else parser
    found = list(commands(parser))
    parts = [HEADER, _command(parser), _exit_codes(cli.__doc__ or ""), _index(found)]
    parts += [_command(command.parser) for command in found]
    return "\n".join(parts)


def exit_code_rows(docstring: str) -> list[tuple[str, str]]:
    """(code, meaning) from the exit-code table in ``cli.py``'s docstring."""
    rows: list[tuple[str, str]] = []
    table = docstring.split("Exit codes", 1)[-1]
    for line in table.splitlines()[1:]:
        found = _EXIT_LINE.match(line)
        if found:
            rows.append((found[1], found[2].strip()))
        elif line.strip() and rows:  # a wrapped meaning continues the row above
            rows[-1] = (rows[-1][0], f"{rows[-1][1]} {line.strip()}")
    return rows


@dataclass(frozen=True)
class CliCommand:
    parser: argparse.ArgumentParser
    summary: str  # the line its parent's ``--help`` shows for it


def commands(parser: argparse.ArgumentParser) -> Iterator[CliCommand]:
    """Every subcommand, depth first, in the order ``--help`` lists them."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            summaries = {choice.dest: choice.help or "" for choice in action._choices_actions}
            for name, sub in action.choices.items():
                yield CliCommand(sub, summaries.get(name, ""))
                yield from commands(sub)


def _exit_codes(docstring: str) -> str:
    lines = ["## Exit codes", "", "The same for every command.", "", "| code | meaning |"]
    lines.append("|---|---|")
    lines += [f"| {code} | {_cell(meaning)} |" for code, meaning in exit_code_rows(docstring)]
    return "\n".join(lines) + "\n"


def _index(found: list[CliCommand]) -> str:
    lines = ["## Commands", "", "| command | what it does |", "|---|---|"]
    for command in found:
        prog = command.parser.prog
        lines.append(f"| [`{prog}`](#{_anchor(prog)}) | {_cell(command.summary)} |")
    return "\n".join(lines) + "\n"


def _command(sub: argparse.ArgumentParser) -> str:
    parts = [f"## {sub.prog}", "", _paragraph(sub.description or ""), ""]
    parts += ["```text", _usage(sub).rstrip(), "```", ""]
    rows = [_argument_row(action) for action in sub._actions if _documented(action)]
    if rows:
        parts += ["| argument | default | meaning |", "|---|---|---|", *rows, ""]
    if sub.epilog:
        parts += ["```text", sub.epilog.rstrip(), "```", ""]
    return "\n".join(parts)


def _usage(sub: argparse.ArgumentParser) -> str:
    formatter = argparse.HelpFormatter(prog=sub.prog, width=WIDTH)
    formatter.add_usage(sub.usage, sub._actions, sub._mutually_exclusive_groups)
    return formatter.format_help()


def _documented(action: argparse.Action) -> bool:
    return not isinstance(action, argparse._HelpAction | argparse._SubParsersAction)


def _argument_row(action: argparse.Action) -> str:
    meaning = action.help or ""
    if action.choices is not None:
        meaning += "; one of " + ", ".join(f"`{choice}`" for choice in action.choices)
    return f"| `{_name(action)}` | {_default(action)} | {_cell(meaning)} |"


def _name(action: argparse.Action) -> str:
    if not action.option_strings:
        return str(action.metavar or action.dest)
    if action.nargs == 0:  # a flag takes no value
        return ", ".join(action.option_strings)
    metavar = action.metavar or action.dest.upper()
    return ", ".join(action.option_strings) + f" {metavar}"


def _default(action: argparse.Action) -> str:
    if action.required:
        return "required"
    if action.default in (None, False, argparse.SUPPRESS):
        return ""
    return f"`{action.default}`"


def _paragraph(text: str) -> str:
    """Descriptions are wrapped for a terminal; Markdown wraps them itself."""
    return " ".join(text.split())


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _anchor(title: str) -> str:
    """GitHub's heading anchor: lower case, spaces to hyphens, other punctuation dropped."""
    return re.sub(r"[^\w\- ]", "", title.lower()).replace(" ", "-")


if __name__ == "__main__":
    print(render_reference(), end="")
