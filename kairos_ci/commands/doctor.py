"""``kairos-ci doctor``: can kairos work here? One line per check, and how to fix it.

Checks the config (as committed at HEAD, or ``--config``), that every configured
command's program is on PATH, that the jail runs, and, from inside it, that the jail
holds. Exits 1 when any check fails.
"""

from __future__ import annotations

import argparse
import json
import shutil
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from kairos_ci import context
from kairos_ci.commands.adapters import jail_setup
from kairos_ci.config.load import CONFIG_CANDIDATES, load_config, load_config_at
from kairos_ci.errors import ConfigError, GitError, UsageError
from kairos_ci.git import Git
from kairos_ci.isolation.detect import find_jail
from kairos_ci.isolation.selftest import self_test
from kairos_ci.workspace.commands import CommandRunner

if TYPE_CHECKING:
    from kairos_ci.config.records import Command, Config
    from kairos_ci.isolation.bubblewrap import Bubblewrap

Status = Literal["ok", "warn", "FAIL"]

_NO_JAIL = "model tasks will not run: code the model writes never runs outside the sandbox"
_INSTALL_BWRAP = "install bubblewrap (apt-get install bubblewrap) where kairos runs"
_ALLOW_USERNS = (
    "let bubblewrap create user namespaces (Ubuntu 24.04 runners: "
    "sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0)"
)
_LEAK = "do not run model tasks here; upgrade bubblewrap, and report this with --json output"
_PROBE_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class DoctorCheck:
    status: Status
    name: str  # what was checked: a config key, "config", "jail: ..."
    detail: str  # what was found, and why it matters
    fix: str = ""  # how to fix it; empty when there is nothing to do

    def __str__(self) -> str:
        line = f"{self.status:<4}  {self.name}: {self.detail}"
        return f"{line} (fix: {self.fix})" if self.fix else line


def run(args: argparse.Namespace) -> int:
    return doctor_main(context.from_environ(), args)


def doctor_main(ctx: context.Context, args: argparse.Namespace) -> int:
    if not args.repo.is_dir():  # else git's complaint would be about the working directory
        raise UsageError(f"--repo {args.repo}: not a directory")
    checks = diagnose(ctx, args)
    failed = any(check.status == "FAIL" for check in checks)
    if args.json:
        print(json.dumps({"ok": not failed, "checks": [asdict(c) for c in checks]}, indent=2))
    else:
        for check in checks:
            print(check)
        print(_summary(checks))
    return 1 if failed else 0


def diagnose(ctx: context.Context, args: argparse.Namespace) -> list[DoctorCheck]:
    config, checks = _config(args)
    if config is not None:
        checks += _programs(config, args.repo, ctx.tool_env.get("PATH", ""))
    jail, jail_checks = _jail(ctx)
    checks += jail_checks
    if jail is not None:
        checks += _isolation(ctx, jail)
    return checks


def _config(args: argparse.Namespace) -> tuple[Config | None, list[DoctorCheck]]:
    # Imported here so that `kairos-ci --help` does not load YAML and jsonschema.

    try:
        if args.config:
            config = load_config(args.config)
        else:
            head = Git(args.repo).text("rev-parse", "--verify", "HEAD^{commit}")
            config = load_config_at(args.repo, head)
    except ConfigError as err:
        fix = "correct the config (kairos-ci validate FILE lists every problem)"
        return None, [DoctorCheck("FAIL", "config", str(p), fix) for p in err.problems]
    except GitError as err:
        fix = "run it in a git checkout with a commit, or pass --config FILE"
        return None, [DoctorCheck("FAIL", "config", f"cannot read the config at HEAD: {err}", fix)]
    if not args.config and config.source.partition("@")[0] not in CONFIG_CANDIDATES:
        add = f"commit one of {', '.join(CONFIG_CANDIDATES)} to configure tests and linters"
        return config, [DoctorCheck("warn", "config", "no config, defaults apply", add)]
    shape = f"{len(config.linters)} linters, {len(config.rules)} rules"
    return config, [DoctorCheck("ok", "config", f"{config.source} is valid ({shape})")]


def _programs(config: Config, repo: Path, path: str) -> list[DoctorCheck]:
    checks = []
    for key, command, what in _commands(config):
        program = command.argv[0]
        found = _locate(program, repo, path)
        if found is None:
            fix = f"install it, or change {key} in {config.source}"
            detail = f"{program!r} ({what}) is not on PATH"
            checks.append(DoctorCheck("FAIL", key, detail, fix))
        else:
            checks.append(DoctorCheck("ok", key, f"{program!r} found at {found}"))
    return checks


def _commands(config: Config) -> Iterator[tuple[str, Command, str]]:
    """Each configured command: its key as ``kairos-ci validate`` names it, and its role."""
    if config.tests.run is not None:
        yield "tests.run", config.tests.run, "the test command"
    for index, linter in enumerate(config.linters):
        yield f"linters[{index}].run", linter.run, f"linter {linter.name}"
        if linter.fix is not None:
            yield f"linters[{index}].fix", linter.fix, f"fixer of {linter.name}"


def _locate(program: str, repo: Path, path: str) -> str | None:
    if "/" in program:  # a path: commands run in the checkout, so relative to it
        return shutil.which(str(repo / program))
    return shutil.which(program, path=path)


def _jail(ctx: context.Context) -> tuple[Bubblewrap | None, list[DoctorCheck]]:

    setup = jail_setup(ctx)
    found = find_jail(setup)
    if found.jail is None:
        fix = _INSTALL_BWRAP if shutil.which("bwrap", path=setup.path) is None else _ALLOW_USERNS
        detail = f"{'; '.join(found.problems)}; {_NO_JAIL}"
        return None, [DoctorCheck("FAIL", "jail", detail, fix)]
    ran = DoctorCheck("ok", "jail", f"bubblewrap at {found.jail.executable} runs commands")
    return found.jail, [ran, *(DoctorCheck("warn", "jail", problem) for problem in found.problems)]


def _isolation(ctx: context.Context, jail: Bubblewrap) -> list[DoctorCheck]:

    runner = CommandRunner(ctx.tool_env, _PROBE_TIMEOUT_S, jail=jail)
    home = ctx.tool_env.get("HOME")
    probes = self_test(runner, Path(home) if home else Path.home())
    return [
        DoctorCheck("ok", p.name, p.detail)
        if p.ok
        else DoctorCheck("FAIL", p.name, p.detail, _LEAK)
        for p in probes
    ]


def _summary(checks: list[DoctorCheck]) -> str:
    counts = {status: sum(c.status == status for c in checks) for status in ("ok", "warn", "FAIL")}
    return f"doctor: {counts['ok']} ok, {counts['warn']} warn, {counts['FAIL']} FAIL"
