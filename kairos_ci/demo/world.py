"""The demo's little GitHub: a bare ``origin`` holding the sample project, and a clone."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from kairos_ci.git import Git

OWNER, NAME = "octo", "calc"
BOT_TOKEN = "ghs_demo0kairos0bot0token000000000000"  # noqa: S105 - the sandbox's, not a secret
SEED = {"users": {"kairos-ci[bot]": {"token": BOT_TOKEN, "permission": "write", "type": "Bot"}}}


@dataclass(frozen=True)
class DemoWorld:
    root: Path  # served by the GitHub sandbox: root/OWNER/NAME.git
    origin: Path
    work: Path  # the checkout kairos runs in, as actions/checkout would leave it

    @property
    def repository(self) -> str:
        return f"{OWNER}/{NAME}"


def make_world(base: Path) -> DemoWorld:
    root = base / "github"
    origin = root / OWNER / f"{NAME}.git"
    origin.parent.mkdir(parents=True)
    Git(base).run("init", "--quiet", "--bare", "--initial-branch=main", str(origin))
    work = base / "checkout"
    _copy_sample(work)
    git = Git(work)
    git.run("init", "--quiet", "--initial-branch=main")
    git.run("add", "--all")
    git.run("commit", "--quiet", "-m", "calc: a tiny statistics library")
    git.run("remote", "add", "origin", str(origin))
    git.run("push", "--quiet", "origin", "main")
    git.run("remote", "set-head", "origin", "main")
    return DemoWorld(root, origin, work)


def _copy_sample(target: Path) -> None:
    with resources.as_file(resources.files("kairos_ci") / "demo" / "sample") as sample:
        shutil.copytree(sample, target, ignore=shutil.ignore_patterns("__pycache__"))
    (target / ".github").mkdir()
    (target / "kairos.yml").rename(target / ".github" / "kairos.yml")
    (target / ".gitignore").write_text("reports/\n__pycache__/\n")
