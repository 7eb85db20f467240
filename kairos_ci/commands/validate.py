"""``kairos-ci validate [FILE]``: check a config file, one line per problem."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from kairos_ci.errors import ConfigError, UsageError


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "validate",
        help="check a kairos config file",
        description="Validate a kairos config. "
        "Exit 0 when valid, 1 when invalid, 2 on usage errors.",
    )
    parser.add_argument(
        "file", nargs="?", type=Path, help="config file (default: the repository's)"
    )
    parser.add_argument("--repo", type=Path, default=Path(), help="repository root (default: .)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    # Imported here so that `kairos-ci --help` does not load YAML and jsonschema.
    from kairos_ci.config.load import CONFIG_CANDIDATES, find_config, load_config

    path: Path | None = args.file or find_config(args.repo)
    if path is None:
        looked = ", ".join(CONFIG_CANDIDATES)
        raise UsageError(f"no config file in {args.repo.resolve()} (looked for {looked})")
    try:
        config = load_config(path)
    except ConfigError as err:
        for problem in err.problems:
            print(problem)
        return 1
    print(f"{path}: valid ({len(config.linters)} linters, {len(config.rules)} rules)")
    return 0
