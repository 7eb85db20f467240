"""Command line: the composition root and the one error boundary.

Each subcommand lives in ``kairos_ci/commands/<name>.py`` with ``register`` and
``run``. This module imports nothing heavy: ``--help`` and ``validate`` must not
pay for anthropic or PyGithub.
"""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Sequence

from kairos_ci import __version__
from kairos_ci.commands import (
    action,
    chat,
    demo,
    doctor,
    fix_tests,
    guard,
    memory,
    parse,
    publish,
    review,
    run,
    sandbox,
    validate,
)
from kairos_ci.errors import ConfigError, KairosError

INTERNAL_ERROR_EXIT = 3


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kairos-ci",
        description="A perpetual maintenance agent for GitHub repositories.",
    )
    parser.add_argument("--version", action="version", version=f"kairos-ci {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in (
        validate,
        run,
        demo,
        action,
        memory,
        sandbox,
        parse,
        publish,
        guard,
        fix_tests,
        review,
        chat,
        doctor,
    ):
        command.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # argparse exits 2 on usage errors, 0 on --help
        return int(exit_.code or 0)
    try:
        result: int = args.handler(args)
    except ConfigError as err:
        for problem in err.problems:
            print(problem, file=sys.stderr)
        return err.exit_code
    except KairosError as err:
        print(f"kairos-ci: error: {err}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        print("kairos-ci: interrupted", file=sys.stderr)
        return 130
    except Exception as err:  # noqa: BLE001 - the one boundary: one line, not a stack trace
        if args.debug:
            traceback.print_exc()
        print(f"kairos-ci: internal error: {type(err).__name__}: {err}", file=sys.stderr)
        return INTERNAL_ERROR_EXIT
    return result
