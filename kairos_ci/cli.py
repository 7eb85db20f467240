"""Command line: the composition root and the one error boundary.

Each command's arguments are in ``kairos_ci/commands/parsers.py``; the command itself
is ``kairos_ci/commands/<name>.py``, imported only when it is the one dispatched, so
``--help`` and ``validate`` never pay for git, anthropic or PyGithub.

Exit codes, the same for every command:

    0    ok
    1    refused, or failing checks: invalid config, a failed write, a tool that
         did not run, flagged tests, GitHub or the model said no
    2    usage: a bad flag, a missing file, not a git repository, missing GITHUB_*
    3    internal error (a kairos bug; --debug shows the traceback)
    130  interrupted (Ctrl-C)
    141  stdout closed early (``kairos-ci ... | head``): the shell's code for a
         process ended by SIGPIPE, which is what any other filter would return
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from contextlib import suppress

from kairos_ci import __version__, context
from kairos_ci.commands.parsers import add_commands
from kairos_ci.errors import ConfigError, KairosError

OK_EXIT = 0
FAILED_EXIT = 1
USAGE_EXIT = 2
INTERNAL_ERROR_EXIT = 3
INTERRUPTED_EXIT = 130
BROKEN_PIPE_EXIT = 141
LOG_LEVELS = ("debug", "info", "warning", "error")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kairos-ci",
        description="A perpetual maintenance agent for GitHub repositories.",
    )
    parser.add_argument("--version", action="version", version=f"kairos-ci {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    parser.add_argument(
        "--log-level",
        choices=LOG_LEVELS,
        help="progress messages on stderr (default: the action's log-level input, else info)",
    )
    sub = parser.add_subparsers(dest="name", metavar="COMMAND", required=True)
    add_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        code = _parse_and_run(argv)
        sys.stdout.flush()  # a closed pipe shows up here, not at interpreter exit
    except BrokenPipeError:
        # The reader went away (`| head`): nothing left to say, and nowhere to say it.
        _discard_stdout()
        return BROKEN_PIPE_EXIT
    return code


def _parse_and_run(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # argparse exits 2 on usage errors, 0 on --help
        return int(exit_.code or 0)
    return _run_handler(args)


def _run_handler(args: argparse.Namespace) -> int:
    try:
        # Inside the boundary: reading the context can refuse a bad action input.
        _configure_logging(args.log_level or context.from_environ().inputs.log_level)
        result: int = _handler(args)(args)
    except BrokenPipeError:
        raise  # not an internal error: main answers it
    except ConfigError as err:
        for problem in err.problems:
            print(problem, file=sys.stderr)
        return err.exit_code
    except KairosError as err:
        print(f"kairos-ci: error: {err}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        print("kairos-ci: interrupted", file=sys.stderr)
        return INTERRUPTED_EXIT
    except Exception as err:  # noqa: BLE001 - the one boundary: one line, not a stack trace
        if args.debug:
            traceback.print_exc()
        print(f"kairos-ci: internal error: {type(err).__name__}: {err}", file=sys.stderr)
        return INTERNAL_ERROR_EXIT
    return result


def _handler(args: argparse.Namespace) -> Callable[[argparse.Namespace], int]:
    """The function that runs the parsed command, from its module, imported now."""
    if hasattr(args, "handler"):  # registered by the command's own module
        handler: Callable[[argparse.Namespace], int] = args.handler
        return handler
    module, function = args.command
    found: Callable[[argparse.Namespace], int] = getattr(
        importlib.import_module(f"kairos_ci.commands.{module}"), function
    )
    return found


def _configure_logging(level: str) -> None:
    """Progress lines on stderr; stdout stays the command's own output. Only kairos's
    own loggers follow ``level``: libraries (httpx logs every request at info) stay at
    warning unless asked for debug."""
    name = level.upper() if level.lower() in LOG_LEVELS else "INFO"
    root = "DEBUG" if name == "DEBUG" else "WARNING"
    logging.basicConfig(
        level=root, format="kairos-ci: %(levelname)s: %(message)s", stream=sys.stderr
    )
    logging.getLogger("kairos_ci").setLevel(name)


def _discard_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush cannot fail again."""
    # ValueError: stdout is not a real file (a test's capture); nothing to redirect.
    with suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
