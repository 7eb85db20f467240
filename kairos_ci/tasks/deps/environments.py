"""Isolated environments for verifying updates: a venv for Python, node_modules for npm.

No install script ever runs: pip installs wheels only (``--only-binary=:all:``:
building an sdist would run its build code) and npm runs with
``--ignore-scripts``. Installers see the index URLs through their environment,
never argv; the test command later sees neither.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import sys
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from kairos_ci.tasks.deps.records import Manifest
from kairos_ci.tasks.deps.registry import IndexUrls
from kairos_ci.tasks.deps.registry.simple import normalise
from kairos_ci.workspace.commands import CommandResult, CommandRunner, run_command

_NAME = re.compile(r"^\s*[A-Za-z0-9][A-Za-z0-9._-]*")
_PIP_FLAGS = ("--only-binary=:all:", "--no-input", "--disable-pip-version-check")
_NPM_FLAGS = ("--ignore-scripts", "--no-audit", "--no-fund")


@dataclass(frozen=True)
class Installed:
    ok: bool
    why: str  # what failed, for the summary; "" when ok


@dataclass(frozen=True)
class Environments:
    """Where a verification installs things, and how its commands run."""

    scratch: Path  # the checkout under test
    work: Path  # a private temporary directory (venv, caches), outside the checkout
    runner: CommandRunner
    urls: IndexUrls

    @property
    def venv(self) -> Path:
        return self.work / "venv"

    def test_runner(self) -> CommandRunner:
        """How the test command runs: the venv first on PATH, no index URL or credential."""
        bin_dir = self.venv / ("Scripts" if os.name == "nt" else "bin")
        path = os.pathsep.join([str(bin_dir), self.runner.env.get("PATH", "")])
        env = {**self.runner.env, "PATH": path, "VIRTUAL_ENV": str(self.venv)}
        return self.runner.with_env(env)

    def which(self, program: str) -> str | None:
        return shutil.which(program, path=self.runner.env.get("PATH", ""))


def create_venv(envs: Environments) -> Installed:
    """A venv without pip when kairos' interpreter has pip to lend (``pip --python``): fast."""
    python = envs.which("python3") or sys.executable
    bare = ["--without-pip"] if _host_pip() else []
    made = _run(envs, [python, "-m", "venv", *bare, str(envs.venv)], envs.runner.env)
    return _installed(made, "creating a virtual environment")


def install_python(envs: Environments, manifests: Sequence[Manifest]) -> Installed:
    """Install every Python manifest's requirements into the venv, as they stand now."""
    arguments: list[str] = []
    for manifest in manifests:
        if manifest.kind == "requirements":
            arguments += ["-r", str(envs.scratch / manifest.path)]
    # With --hash pins pip checks every requirement's hash, so the hashed files are the
    # whole environment (they are compiled from pyproject.toml in that workflow).
    hashed = any(p.hashes for m in manifests for p in m.pins)
    pyprojects = [m for m in manifests if m.kind == "pyproject" and not hashed]
    specs = [s for m in pyprojects for s in _pyproject_specs(m)]
    if specs:
        listing = envs.work / "pyproject-requirements.txt"
        listing.write_text("\n".join(specs) + "\n", encoding="utf-8")
        arguments += ["-r", str(listing)]
    if not arguments:
        return Installed(True, "")
    python = str(envs.venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python"))
    pip = (
        [sys.executable, "-m", "pip", "--python", python] if _host_pip() else [python, "-m", "pip"]
    )
    argv = [*pip, "install", *_PIP_FLAGS]
    return _installed(_run(envs, [*argv, *arguments], _pip_env(envs)), "pip install")


def update_npm_lock(envs: Environments, directory: str) -> Installed:
    """Let npm itself rewrite package-lock.json for the edited package.json."""
    npm = envs.which("npm")
    if npm is None:
        return Installed(False, "npm is not installed, so package-lock.json cannot be updated")
    argv = [npm, "install", "--package-lock-only", *_NPM_FLAGS]
    return _installed(
        _run(envs, argv, _npm_env(envs), directory), "npm install --package-lock-only"
    )


def install_npm(envs: Environments, directory: str, locked: bool) -> Installed:
    npm = envs.which("npm")
    if npm is None:
        return Installed(False, "npm is not installed")
    verb = ["ci"] if locked else ["install", "--no-package-lock"]
    return _installed(_run(envs, [npm, *verb, *_NPM_FLAGS], _npm_env(envs), directory), "npm")


def _pyproject_specs(manifest: Manifest) -> list[str]:
    table = tomllib.loads(manifest.text).get("project", {})
    own = normalise(str(table.get("name", "")))
    lists = [table.get("dependencies", []), *table.get("optional-dependencies", {}).values()]
    specs = [s for items in lists for s in items if isinstance(s, str)]
    # The project's own extras ("demo[test]") would build the project itself: leave them out.
    return [s for s in specs if normalise(_name(s)) != own]


def _name(spec: str) -> str:
    match = _NAME.match(spec)
    return match[0].strip() if match else spec


def _host_pip() -> bool:
    return importlib.util.find_spec("pip") is not None


def _pip_env(envs: Environments) -> dict[str, str]:
    return {
        **envs.runner.env,
        "PIP_INDEX_URL": envs.urls.pypi.reveal(),
        "PIP_CONFIG_FILE": os.devnull,  # the user's pip.conf must not point elsewhere
        "PIP_CACHE_DIR": str(envs.work / "pip-cache"),
        "PIP_NO_INPUT": "1",
    }


def _npm_env(envs: Environments) -> dict[str, str]:
    return {
        **envs.runner.env,
        "npm_config_registry": envs.urls.npm,
        "npm_config_ignore_scripts": "true",
        "npm_config_cache": str(envs.work / "npm-cache"),
        "npm_config_update_notifier": "false",
        "npm_config_userconfig": os.devnull,
    }


def _run(
    envs: Environments, argv: Sequence[str], env: Mapping[str, str], directory: str = ""
) -> CommandResult:
    cwd = envs.scratch / directory if directory else envs.scratch
    return run_command(argv, cwd, env, envs.runner.timeout_s)


def _installed(result: CommandResult, what: str) -> Installed:
    if result.ok:
        return Installed(True, "")
    if result.exit_code is None:
        return Installed(False, f"{what}: {result.error or 'timed out'}")
    lines = [line for line in (result.stderr or result.stdout).splitlines() if line.strip()]
    errors = [line for line in lines if "error" in line.lower()] or lines
    return Installed(False, f"{what} failed: {' / '.join(errors[-3:])[:500]}")
