"""``kairos-ci validate [FILE]``: check a config file, one line per problem."""

from __future__ import annotations

import argparse
from pathlib import Path

from kairos_ci.config.load import CONFIG_CANDIDATES, find_config, load_config
from kairos_ci.errors import ConfigError, UsageError


def run(args: argparse.Namespace) -> int:
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
