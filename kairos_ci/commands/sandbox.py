"""``kairos-ci sandbox EMULATOR``: loopback emulators of the services kairos talks to.

Each emulator is a sub-subcommand with its own ``_add_<name>`` and handler; it
prints its base URL on one line when ready and serves until SIGTERM.
"""

from __future__ import annotations

import argparse

from kairos_ci.errors import UsageError
from kairos_ci.sandbox.anthropic import server as anthropic
from kairos_ci.sandbox.anthropic.script import load_script
from kairos_ci.sandbox.github import server as github


def run_anthropic(args: argparse.Namespace) -> int:

    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port {args.port}: expected 0 to 65535")
    script = load_script(args.script)
    try:
        anthropic.serve_until_stopped(script, args.port, _announce)
    except OSError as err:
        raise UsageError(f"cannot listen on 127.0.0.1:{args.port}: {err.strerror}") from None
    return 0


def _announce(base_url: str) -> None:
    print(base_url, flush=True)


def run_github(args: argparse.Namespace) -> int:

    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port {args.port}: expected 0 to 65535")
    if not args.root.is_dir():
        raise UsageError(f"--root {args.root}: not a directory")
    if args.contract is not None and not args.contract.is_file():
        raise UsageError(f"--contract {args.contract}: no such file")
    try:
        github.serve_until_stopped(
            args.root, args.seed, args.contract, args.strict, args.port, _announce
        )
    except OSError as err:
        raise UsageError(f"cannot listen on 127.0.0.1:{args.port}: {err.strerror}") from None
    return 0
