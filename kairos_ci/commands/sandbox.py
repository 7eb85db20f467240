"""``kairos-ci sandbox EMULATOR``: loopback emulators of the services kairos talks to.

Each emulator is a sub-subcommand with its own ``_add_<name>`` and handler; it
prints its base URL on one line when ready and serves until SIGTERM.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "sandbox",
        help="run a loopback emulator of a service (for tests and demos)",
        description="Run a loopback emulator on 127.0.0.1. It prints its base URL when ready "
        "and serves until SIGTERM.",
    )
    emulators = parser.add_subparsers(dest="emulator", metavar="EMULATOR", required=True)
    for add in (_add_anthropic, _add_github):
        add(emulators)


def _add_anthropic(emulators: Any) -> None:
    parser: argparse.ArgumentParser = emulators.add_parser(
        "anthropic",
        help="the Anthropic Messages API, answering from a script",
        description="Serve POST /v1/messages from a script of replies; "
        "GET /_sandbox/requests returns what it received.",
    )
    parser.add_argument("--script", type=Path, required=True, help="JSON script of replies")
    parser.add_argument("--port", type=int, default=0, help="port (default: any free port)")
    parser.set_defaults(handler=run_anthropic)


def run_anthropic(args: argparse.Namespace) -> int:
    from kairos_ci.errors import UsageError
    from kairos_ci.sandbox.anthropic.script import load_script
    from kairos_ci.sandbox.anthropic.server import serve_until_stopped

    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port {args.port}: expected 0 to 65535")
    script = load_script(args.script)
    try:
        serve_until_stopped(script, args.port, _announce)
    except OSError as err:
        raise UsageError(f"cannot listen on 127.0.0.1:{args.port}: {err.strerror}") from None
    return 0


def _announce(base_url: str) -> None:
    print(base_url, flush=True)


def _add_github(emulators: Any) -> None:
    parser: argparse.ArgumentParser = emulators.add_parser(
        "github",
        help="the GitHub REST API over bare git repositories",
        description="Serve the GitHub REST subset kairos uses. Every DIR/OWNER/NAME.git is a "
        "repository; GET /_sandbox/state returns everything it holds.",
    )
    parser.add_argument("--root", type=Path, required=True, help="holds OWNER/NAME.git repos")
    parser.add_argument("--port", type=int, default=0, help="port (default: any free port)")
    parser.add_argument("--seed", type=Path, help="JSON file: tokens, users, permissions, runs")
    parser.add_argument(
        "--strict",
        action="store_true",
        help="answer an error when a request or response breaks the REST description",
    )
    parser.add_argument(
        "--contract",
        type=Path,
        help="the REST description (github-rest-subset.json); default: "
        "../shared/contracts next to this checkout, when present",
    )
    parser.set_defaults(handler=run_github)


def run_github(args: argparse.Namespace) -> int:
    from kairos_ci.errors import UsageError
    from kairos_ci.sandbox.github.server import serve_until_stopped

    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port {args.port}: expected 0 to 65535")
    if not args.root.is_dir():
        raise UsageError(f"--root {args.root}: not a directory")
    if args.contract is not None and not args.contract.is_file():
        raise UsageError(f"--contract {args.contract}: no such file")
    try:
        serve_until_stopped(args.root, args.seed, args.contract, args.strict, args.port, _announce)
    except OSError as err:
        raise UsageError(f"cannot listen on 127.0.0.1:{args.port}: {err.strerror}") from None
    return 0
