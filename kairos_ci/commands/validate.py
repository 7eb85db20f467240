"""``kairos-ci validate [FILE]``: check a config file, one line per problem.

Only checked, not typed: the typed records are what every other command needs, and
creating them would cost this one more than parsing the YAML does.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from kairos_ci.config.load import CONFIG_CANDIDATES, check_config, find_config, read_config
from kairos_ci.errors import ConfigError, UsageError


def run(args: argparse.Namespace) -> int:
    path: Path | None = args.file or find_config(args.repo)
    if path is None:
        looked = ", ".join(CONFIG_CANDIDATES)
        raise UsageError(f"no config file in {args.repo.resolve()} (looked for {looked})")
    try:
        config = check_config(read_config(path), str(path))
    except ConfigError as err:
        for problem in err.problems:
            print(problem)
        return 1
    counts = f"{len(config['linters'])} linters, {len(config['rules'])} rules"
    print(f"{path}: valid ({counts})")
    return 0
