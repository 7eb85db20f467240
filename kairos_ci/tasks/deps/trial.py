"""One scratch checkout, tried with different sets of bumps.

Each attempt starts from the base: the touched files are restored from git,
the chosen pins are rewritten, lockfiles are regenerated, the environments are
brought to exactly those versions, and the configured tests run.
"""

from __future__ import annotations

import dataclasses
import posixpath
from collections import defaultdict
from collections.abc import Sequence

from kairos_ci.config.records import Config
from kairos_ci.errors import InputError
from kairos_ci.git import Git
from kairos_ci.stages.evidence import run_tests
from kairos_ci.tasks.deps.environments import (
    Environments,
    Installed,
    install_npm,
    install_python,
    update_npm_lock,
)
from kairos_ci.tasks.deps.manifests.edit import PinEdit, rewrite
from kairos_ci.tasks.deps.records import Bump, ManifestSet
from kairos_ci.tasks.deps.verify import Trial
from kairos_ci.workspace.commands import CommandResult

_LOCK = "package-lock.json"


class GroupTrial:
    def __init__(
        self,
        envs: Environments,
        git: Git,
        base_sha: str,
        found: ManifestSet,
        config: Config,
        group: Sequence[Bump],
    ) -> None:
        self._envs = envs
        self._git = git
        self._base = base_sha
        self._manifests = {m.path: m for m in found.manifests}
        self._locks = set(found.lockfiles)
        self._config = config
        self._touched: set[str] = set()
        # node_modules are installed where the group's npm pins are, for every attempt.
        npm_pins = (p for b in group if b.ecosystem == "npm" for p in b.pins)
        self._npm_dirs = sorted({posixpath.dirname(p.manifest) for p in npm_pins})

    def attempt(self, members: Sequence[Bump]) -> Trial:
        texts, lock = self._apply(members)
        if not lock.ok:
            return Trial(False, lock.why)
        installed = self._install(texts)
        if not installed.ok:
            return Trial(False, installed.why)
        runner = self._envs.test_runner()
        tests, command, _ = run_tests(self._envs.scratch, self._config, runner, run_commands=True)
        failing = [t.id for t in tests if t.outcome in ("failed", "errored")]
        if command is not None and command.ok and not failing:
            return Trial(True)
        return Trial(False, _test_failure(failing, command))

    def write(self, members: Sequence[Bump]) -> tuple[str, ...]:
        """Leave the scratch with exactly ``members`` applied and staged; the changed paths."""
        _, lock = self._apply(members)
        if not lock.ok:
            raise InputError(lock.why)
        return tuple(sorted(self._touched))

    def _apply(self, members: Sequence[Bump]) -> tuple[dict[str, str], Installed]:
        if self._touched:
            self._git.run("checkout", self._base, "--", *sorted(self._touched))
        edits: dict[str, list[PinEdit]] = defaultdict(list)
        for bump in members:
            for pin in bump.pins:
                edits[pin.manifest].append(PinEdit(pin, bump.new, bump.hashes or None))
        texts = {path: rewrite(self._manifests[path].text, items) for path, items in edits.items()}
        for path, text in texts.items():
            (self._envs.scratch / path).write_bytes(text.encode("utf-8"))
        self._touched = set(texts)
        lock = self._relock(texts)
        if self._touched:
            self._git.run("add", "--", *sorted(self._touched))
        return texts, lock

    def _relock(self, texts: dict[str, str]) -> Installed:
        for path, text in sorted(texts.items()):
            lock = posixpath.join(posixpath.dirname(path), _LOCK)
            if self._manifests[path].kind != "package.json" or lock not in self._locks:
                continue
            done = update_npm_lock(self._envs, posixpath.dirname(path))
            # npm may reformat package.json while locking; the edit must stay byte-exact.
            (self._envs.scratch / path).write_bytes(text.encode("utf-8"))
            if not done.ok:
                return done
            self._touched.add(lock)
        return Installed(True, "")

    def _install(self, texts: dict[str, str]) -> Installed:
        python = [
            dataclasses.replace(m, text=texts.get(m.path, m.text))
            for m in self._manifests.values()
            if m.ecosystem == "pypi"
        ]
        if python:
            done = install_python(self._envs, python)
            if not done.ok:
                return done
        for directory in self._npm_dirs:
            lock = posixpath.join(directory, _LOCK)
            done = install_npm(self._envs, directory, locked=lock in self._locks)
            if not done.ok:
                return done
        return Installed(True, "")


def _test_failure(failing: list[str], command: CommandResult | None) -> str:
    if failing:
        more = f" and {len(failing) - 5} more" if len(failing) > 5 else ""
        return "tests fail: " + ", ".join(failing[:5]) + more
    if command is None:
        return "the test command did not run"
    if command.exit_code is None:
        return f"the test command {command.error or 'timed out'}"
    lines = [line for line in (command.stderr + command.stdout).splitlines() if line.strip()]
    tail = lines[-1][:200] if lines else "no output"
    return f"the test command exited {command.exit_code}: {tail}"
