"""``kairos-ci memory show|verify|compact``: look at and tend the memory branch.

``show`` and ``verify`` read the remote-tracking branch when the clone has one
(no network), and fetch the branch from the remote otherwise (or with --fetch).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kairos_ci.commands.arguments import git_checkout

if TYPE_CHECKING:
    from kairos_ci.memory.store import Loaded, MemoryStore

DEFAULT_BRANCH = "kairos/memory"
_ACTIONS = {
    "show": "print what memory holds (Markdown, or JSON with --json)",
    "verify": "check every file on the branch; exit 0 when valid, 1 when not",
    "compact": "fold all journals into the snapshot now",
}
_EPILOG = """\
environment:
  GITHUB_TOKEN (or GH_TOKEN)   fetching and pushing the branch
  GITHUB_SERVER_URL            the server the token is for
  KAIROS_MEMORY_KEY            signs and checks the memory branch

example:
  kairos-ci memory {example}
"""
_EXAMPLES = {"show": "show --json", "verify": "verify --fetch", "compact": "compact --repo ."}


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "memory",
        help="show, verify or compact the memory branch",
        description="Look at and tend kairos's memory branch.",
        epilog=_EPILOG.format(example=_EXAMPLES["show"]),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = parser.add_subparsers(dest="memory_action", metavar="ACTION", required=True)
    for name, help_text in _ACTIONS.items():
        action = actions.add_parser(
            name,
            help=help_text,
            description=help_text,
            epilog=_EPILOG.format(example=_EXAMPLES[name]),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        action.add_argument(
            "--repo", type=git_checkout, default=".", help="repository (default: .)"
        )
        action.add_argument(
            "--branch", help=f"memory branch (default: memory.branch or {DEFAULT_BRANCH})"
        )
        action.add_argument("--remote", default="origin", help="remote name or URL (origin)")
        if name != "compact":
            action.add_argument(
                "--fetch", action="store_true", help="fetch even if a tracking branch exists"
            )
        if name == "show":
            action.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    # Imported here: `kairos-ci --help` must not load jsonschema.
    from kairos_ci import context
    from kairos_ci.memory.store import MemoryStore
    from kairos_ci.memory.tip import no_cycle_collection

    ctx = context.from_environ()
    store = MemoryStore(
        repo=args.repo,
        branch=args.branch or _configured_branch(args.repo),
        remote=args.remote,
        token=ctx.github_token,
        server_url=ctx.server_url,
        clock=ctx.clock,
        key=ctx.memory_key,
    )
    if args.memory_action == "compact":
        result = store.compact()
        done = f"compacted at {result.commit}" if result.changed else "nothing to compact"
        print(f"memory {store.branch}: {done}")
        return 0
    ref = None if args.fetch else store.tracking_ref()
    if args.memory_action == "verify":
        return _verify(store, ref)
    with no_cycle_collection():
        # Memory makes no reference cycles: everything ``show`` loads is freed by reference
        # counts as it returns, so the collector, back on after, never walks it all.
        _show(store, ref, json_output=args.json)
        del store  # and its cache of parsed files
    return 0


def _show(store: MemoryStore, ref: str | None, *, json_output: bool) -> None:
    loaded = store.load_ref(ref) if ref else store.load()
    if json_output:
        _print_json(loaded, store.branch)
    else:
        _print_markdown(loaded, store.branch, ref)


def _configured_branch(repo: Path) -> str:
    from kairos_ci.config.load import find_config, load_config

    path = find_config(repo)
    return load_config(path).memory.branch if path else DEFAULT_BRANCH


def _verify(store: MemoryStore, ref: str | None) -> int:
    verification = store.verify(ref)
    where = ref or f"{store.remote} {store.branch}"
    if verification.ok:
        print(f"memory {where} at {verification.commit}: valid")
        return 0
    print(f"memory {where}: not valid")
    for problem in verification.problems:
        print(f"  {problem}")
    return 1


def _print_markdown(loaded: Loaded, branch: str, ref: str | None) -> None:
    from kairos_ci.memory.summary import render

    if loaded.commit is None:
        print(f"no memory yet: branch {branch} does not exist (the first save creates it)")
        return
    print(f"<!-- {ref or branch} at {loaded.commit} -->")
    print(render(loaded.memory, loaded.notes), end="")


def _print_json(loaded: Loaded, branch: str) -> None:
    """Streamed: a large memory is never held as one string (see ``memory.view``)."""
    from kairos_ci.memory.records import SCHEMA_VERSION
    from kairos_ci.memory.view import write_json

    header = {
        "schema_version": SCHEMA_VERSION,
        "branch": branch,
        "commit": loaded.commit,
        "notes": list(loaded.notes),
        "keyed": loaded.keyed,
        "journals": list(loaded.journals),
    }
    write_json(header, loaded.memory, sys.stdout)
