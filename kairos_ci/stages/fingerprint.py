"""What a verification's result depends on: the base tree, the config and the tools.

A change's verification runs the project's own commands on the base commit with the fix
applied. Run again on the same base tree, with the same effective config (kairos's own
version included: a new kairos may verify differently) and the same tools, it says the
same. An open change records this fingerprint in memory (``Work.verified``); a later
nightly that finds it unchanged reuses that verification instead of running the fix, the
suite and the linters again (issue 21).

Each part is computed once per run, and only when asked: the tools' digest, the one part
that may start a process, last.
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
from collections.abc import Mapping
from functools import cached_property
from pathlib import Path
from typing import Any

from kairos_ci import __version__
from kairos_ci.config.records import Config
from kairos_ci.git import Git
from kairos_ci.plan.canonical import canonical_bytes
from kairos_ci.stages.tool_versions import tools_digest
from kairos_ci.workspace.commands import CommandRunner

# Where the config was read from (it names the commit) is not what it says.
_NOT_CONTENT = frozenset({"source"})


class Fingerprint:
    """The run's fingerprint of one base commit: ``key`` is what memory records."""

    def __init__(self, repo: Path, base_sha: str, config: Config, runner: CommandRunner) -> None:
        self._repo, self._base_sha, self._config, self._runner = repo, base_sha, config, runner

    @cached_property
    def tree(self) -> str:
        return Git(self._repo).text("rev-parse", f"{self._base_sha}^{{tree}}")

    @cached_property
    def config(self) -> str:
        return config_digest(self._config)

    @cached_property
    def tools(self) -> str | None:
        commands = [self._config.tests.run] if self._config.tests.run else []
        for linter in self._config.linters:
            commands += [linter.run, *([linter.fix] if linter.fix else [])]
        return tools_digest(commands, self._runner)

    @property
    def key(self) -> str:
        """What memory records for a change verified this run; "" when a tool's version
        could not be told (nothing is recorded, so nothing is reused)."""
        return "" if self.tools is None else f"{self.tree} {self.config} {self.tools}"

    def differs(self, recorded: str) -> str:
        """Why ``recorded`` is not this run's fingerprint; "" when it is."""
        parts = recorded.split()
        if len(parts) != 3:
            return "no verification recorded"
        tree, config, tools = parts
        if tree != self.tree:
            return "the base tree changed"
        if config != self.config:
            return "the config changed"
        if self.tools is None:
            return "a tool's version could not be told"
        return "the tools changed" if tools != self.tools else ""


def config_digest(config: Config) -> str:
    """16 hex digits of the effective config and this kairos's version."""
    content = {k: v for k, v in _plain(config).items() if k not in _NOT_CONTENT}
    data = canonical_bytes({"kairos": __version__, "config": content})
    return hashlib.sha256(data).hexdigest()[:16]


def _plain(value: Any) -> Any:
    """Records as JSON data: dataclasses become objects, enums their values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return _plain(value.value)
    if isinstance(value, Mapping):
        return {str(_plain(key)): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple | frozenset | set):
        items = [_plain(item) for item in value]
        return items if isinstance(value, list | tuple) else sorted(items, key=repr)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)
