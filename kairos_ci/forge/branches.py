"""Branches on ``origin``: building kairos's commit from a patch, and pushing it.

Everything goes through git plumbing in a private index, so the user's working tree
and index are never touched. A branch is only ever updated when every commit on it
is kairos's own: one human commit and kairos stops, and says so.
"""

from __future__ import annotations

import base64
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from kairos_ci.errors import GitError, PolicyViolation
from kairos_ci.forge.records import Change
from kairos_ci.git import IDENTITY_EMAIL, Git
from kairos_ci.policy.records import PathChange

_SYMLINK = "120000"


class HumanCommits(PolicyViolation):
    """The branch carries commits that are not kairos's: it belongs to a human now."""

    def __init__(self, branch: str, authors: tuple[str, ...]) -> None:
        self.branch = branch
        self.authors = authors
        who = ", ".join(authors)
        super().__init__(
            f"{branch} has commits by {who}; kairos does not update a branch a human has "
            "committed to"
        )


@dataclass(frozen=True)
class BuiltCommit:
    sha: str
    base_sha: str
    changes: tuple[PathChange, ...]
    added_lines: int
    deleted_lines: int
    deleted_files: int
    patch_bytes: int


@dataclass(frozen=True)
class Pushed:
    change: Change
    sha: str


def auth_config(server_url: str, token: str) -> dict[str, str]:
    """Per-command git config that authenticates HTTPS pushes to ``server_url``."""
    basic = base64.b64encode(f"x-access-token:{token}".encode()).decode()
    return {f"http.{server_url.rstrip('/')}/.extraheader": f"AUTHORIZATION: basic {basic}"}


@dataclass(frozen=True)
class Branches:
    repo: Path
    remote: str = "origin"
    auth: Mapping[str, str] = field(default_factory=dict)

    def build(self, base_sha: str, patch: str, message: str) -> BuiltCommit:
        """kairos's commit: ``patch`` applied to ``base_sha`` (fetched when missing)."""
        git = Git(self.repo)
        self._have(base_sha)
        with tempfile.TemporaryDirectory(prefix="kairos-index-") as tmp:
            env = {"GIT_INDEX_FILE": str(Path(tmp) / "index")}
            git.run("read-tree", base_sha, extra_env=env)
            try:
                git.run(
                    "apply",
                    "--cached",
                    "--whitespace=nowarn",
                    "-",
                    input=patch.encode(),
                    extra_env=env,
                )
            except GitError as err:
                raise GitError(f"the patch does not apply on {base_sha[:12]}: {err}") from None
            tree = git.text("write-tree", extra_env=env)
        sha = git.text("commit-tree", tree, "-p", base_sha, "-m", message)
        return _describe(git, base_sha, sha, len(patch.encode()))

    def push(self, branch: str, built: BuiltCommit, base: str) -> Pushed:
        """Create or update ``branch`` to ``built``; leave it when it already has this change."""
        with self._outbox() as (git, url):
            heads = _remote_heads(git, url, branch, base)
            remote_sha = heads.get(branch)
            if remote_sha is None:
                git.run("push", "--quiet", url, f"{built.sha}:refs/heads/{branch}")
                return Pushed(Change.CREATED, built.sha)
            wanted = [f"refs/heads/{name}" for name in heads]
            git.run("fetch", "--quiet", "--no-tags", "--no-write-fetch-head", url, *wanted)
            bases = tuple(dict.fromkeys(s for s in (built.base_sha, heads.get(base)) if s))
            _check_owner(git, branch, remote_sha, bases)
            if _same_change(git, remote_sha, built):
                return Pushed(Change.UNCHANGED, remote_sha)
            lease = f"--force-with-lease=refs/heads/{branch}:{remote_sha}"
            git.run("push", "--quiet", lease, url, f"{built.sha}:refs/heads/{branch}")
            return Pushed(Change.UPDATED, built.sha)

    def describe(self, base_sha: str, sha: str) -> BuiltCommit:
        """A commit kairos already made (a merge, say), described like one it built."""
        return _describe(Git(self.repo), base_sha, sha, 0)

    def fetch(self, branch: str) -> None:
        """``branch``'s commits from the remote into the checkout's objects (no ref moves)."""
        url = _remote_url(Git(self.repo), self.remote)
        Git(self.repo, config=dict(self.auth)).run(
            "fetch", "--quiet", "--no-tags", "--no-write-fetch-head", url, f"refs/heads/{branch}"
        )

    @contextmanager
    def _outbox(self) -> Iterator[tuple[Git, str]]:
        """A bare repository only kairos writes, borrowing the checkout's objects (kairos's
        commits are there): fetches and pushes read none of the checkout's own config, so
        an ``http.proxy``, ``sslVerify`` or ``insteadOf`` left there by an earlier step of
        the job cannot touch a request that carries the token."""
        checkout = Git(self.repo)
        url = _remote_url(checkout, self.remote)
        objects = checkout.text("rev-parse", "--path-format=absolute", "--git-path", "objects")
        with tempfile.TemporaryDirectory(prefix="kairos-outbox-") as tmp:
            path = Path(tmp) / "outbox.git"
            Git(Path(tmp)).run("init", "--quiet", "--bare", "--template=", str(path))
            (path / "objects" / "info" / "alternates").write_text(objects + "\n")
            yield Git(path, config=dict(self.auth)), url

    def _have(self, sha: str) -> None:
        git = Git(self.repo)
        if git.run("cat-file", "-e", f"{sha}^{{commit}}", check=False).returncode != 0:
            url = _remote_url(git, self.remote)
            Git(self.repo, config=dict(self.auth)).run("fetch", "--quiet", "--no-tags", url, sha)


def _remote_url(git: Git, remote: str) -> str:
    """The remote's URL as configured, before any ``insteadOf`` rewriting; a URL or path
    given instead of a remote name is used as it is."""
    if "/" in remote or ":" in remote:
        url = remote
    else:
        url = git.text("config", "--get", f"remote.{remote}.url")
    if url.startswith("-"):  # would be read as an option
        raise GitError(f"remote {remote!r} does not look like a repository URL")
    if "://" in url or ":" in url.split("/", 1)[0]:
        return url
    return str((git.repo / url).resolve())


def _remote_heads(git: Git, url: str, *branches: str) -> dict[str, str]:
    refs = [f"refs/heads/{b}" for b in branches]
    heads = {}
    for line in git.text("ls-remote", url, *refs).splitlines():
        sha, ref = line.split("\t", 1)
        heads[ref.removeprefix("refs/heads/")] = sha
    return heads


def _check_owner(git: Git, branch: str, remote_sha: str, bases: tuple[str, ...]) -> None:
    out = git.text(
        "log", "--format=%an <%ae>%x00%ae%x00%ce", remote_sha, *(f"^{b}" for b in bases), "--"
    )
    foreign = []
    for line in out.splitlines():
        who, author, committer = line.split("\0")
        if author != IDENTITY_EMAIL or committer != IDENTITY_EMAIL:
            foreign.append(who)
    if foreign:
        raise HumanCommits(branch, tuple(dict.fromkeys(foreign)))


def _same_change(git: Git, remote_sha: str, built: BuiltCommit) -> bool:
    """Same patch as what the branch holds (on whatever base it was built): no rebase."""
    fork = git.text("merge-base", remote_sha, built.base_sha)
    ours = _patch_id(git, built.base_sha, built.sha)
    theirs = _patch_id(git, fork, remote_sha)
    return ours == theirs


def _patch_id(git: Git, old: str, new: str) -> str:
    diff = git.run("diff", "--no-color", "--no-ext-diff", old, new).stdout
    if not diff.strip():
        return ""
    return git.text("patch-id", "--stable", input=diff).split(" ")[0]


def _describe(git: Git, base_sha: str, sha: str, patch_bytes: int) -> BuiltCommit:
    raw = git.run("diff-tree", "-r", "-M", "--no-abbrev", "-z", base_sha, sha).stdout
    fields = raw.decode("utf-8", "surrogateescape").split("\0")
    changes: list[PathChange] = []
    deleted = 0
    index = 0
    while index < len(fields) - 1:
        meta = fields[index].lstrip(":").split()
        status = meta[4]
        if status[0] in "RC":
            old, path = fields[index + 1], fields[index + 2]
            index += 3
        else:
            old, path = None, fields[index + 1]
            index += 2
        deleted += status == "D"
        target = git.text("cat-file", "blob", meta[3]) if meta[1] == _SYMLINK else None
        changes.append(PathChange(path=path, old_path=old, symlink_target=target))
    added = removed = 0
    for line in git.text("diff", "--numstat", "-M", base_sha, sha).splitlines():
        plus, minus, _ = line.split("\t", 2)
        added += int(plus) if plus.isdigit() else 0
        removed += int(minus) if minus.isdigit() else 0
    return BuiltCommit(sha, base_sha, tuple(changes), added, removed, deleted, patch_bytes)
