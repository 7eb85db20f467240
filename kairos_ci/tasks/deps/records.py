"""Frozen records shared by the registries, the manifests and the planner."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from kairos_ci.stages.records import ProposedChange, Skipped

Ecosystem = Literal["pypi", "npm"]
UpdateType = Literal["patch", "minor", "major"]
RejectedKey = tuple[str, str]  # (group key, versions hash) of a PR closed unmerged


@dataclass(frozen=True)
class DistFile:
    """One downloadable file of a release, as the index lists it."""

    filename: str
    url: str
    sha256: str | None  # None when the index does not give one
    uploaded: datetime | None
    yanked: bool = False


@dataclass(frozen=True)
class Release:
    version: str
    released: datetime | None  # earliest upload time; None when the registry does not say
    yanked: bool  # yanked (PyPI) or deprecated (npm): never proposed
    files: tuple[DistFile, ...] = ()


@dataclass(frozen=True)
class Link:
    """A link for the PR body: release notes, changelog or repository."""

    label: str
    url: str


@dataclass(frozen=True)
class Package:
    ecosystem: Ecosystem
    name: str
    registry: str  # the registry's URL, never with credentials
    releases: tuple[Release, ...]

    def release(self, version: str) -> Release | None:
        return next((r for r in self.releases if r.version == version), None)


@dataclass(frozen=True)
class RegistryFailure:
    """A registry could not answer for one package: reported, never fatal."""

    ecosystem: Ecosystem
    registry: str  # URL without credentials
    package: str
    error: str

    def __str__(self) -> str:
        return f"{self.registry}: {self.package}: {self.error}"


@dataclass(frozen=True)
class HashBlock:
    """The ``--hash=`` options of one requirement, to be rewritten as a whole."""

    start: int
    end: int
    prefix: str  # the first option up to its digest, e.g. "--hash=sha256:"
    separator: str  # text between two hash options, reused for new ones
    algorithms: tuple[str, ...]


@dataclass(frozen=True)
class Pin:
    """One exact pin in one manifest, with where its version string sits in the text."""

    ecosystem: Ecosystem
    name: str  # as written
    key: str  # normalised name (PEP 503 for PyPI, as-is for npm)
    version: str
    manifest: str  # repository-relative path
    section: str  # e.g. "dependencies", "optional-dependencies.test", "devDependencies"
    start: int  # character offsets of the version string
    end: int
    hashes: HashBlock | None = None


@dataclass(frozen=True)
class ManifestProblem:
    """A manifest or an entry kairos cannot update, and why."""

    manifest: str
    what: str
    why: str

    def __str__(self) -> str:
        return f"{self.manifest}: {self.what}: {self.why}"


@dataclass(frozen=True)
class Manifest:
    path: str  # repository-relative, POSIX separators
    ecosystem: Ecosystem
    kind: Literal["requirements", "pyproject", "package.json"]
    text: str
    pins: tuple[Pin, ...]
    problems: tuple[ManifestProblem, ...] = ()


@dataclass(frozen=True)
class Bump:
    """One package moving from ``old`` to ``new`` everywhere it is pinned at ``old``."""

    ecosystem: Ecosystem
    name: str  # as written in the first manifest that pins it
    key: str
    old: str
    new: str
    update_type: UpdateType
    released: datetime | None
    pins: tuple[Pin, ...]
    hashes: tuple[str, ...] = ()  # sha256 of every file of ``new``, when a pin has --hash

    def __str__(self) -> str:
        return f"{self.name} {self.old} -> {self.new}"


@dataclass(frozen=True)
class Held:
    """A pinned package that gets no update this run, and why."""

    ecosystem: Ecosystem
    name: str
    version: str
    why: str


@dataclass(frozen=True)
class PlanGroup:
    """The bumps that travel together in one pull request."""

    key: str
    bumps: tuple[Bump, ...]
    versions_hash: str  # identity of the exact set of target versions

    @property
    def branch(self) -> str:
        return f"kairos/deps/{self.key}"


@dataclass(frozen=True)
class UpdatePlan:
    groups: tuple[PlanGroup, ...]  # to verify and propose
    blocked: tuple[PlanGroup, ...]  # a PR with exactly these versions was closed unmerged
    held: tuple[Held, ...]
    failures: tuple[RegistryFailure, ...]
    problems: tuple[ManifestProblem, ...]


@dataclass(frozen=True)
class Dropped:
    """A member taken out of its group, and why. No separate PR is made for it."""

    bump: Bump
    why: str

    def __str__(self) -> str:
        return f"{self.bump}: {self.why}"


@dataclass(frozen=True)
class ManifestSet:
    manifests: tuple[Manifest, ...]
    problems: tuple[ManifestProblem, ...]  # unreadable files and entries left alone
    lockfiles: tuple[str, ...]  # repository-relative paths of lockfiles present


@dataclass(frozen=True)
class GroupUpdate:
    """What ``update_group`` did for one group."""

    result: ProposedChange | Skipped
    proposed: tuple[Bump, ...]
    dropped: tuple[Dropped, ...]
    rejection_key: RejectedKey | None  # (group, versions hash): record it if the PR is rejected
    body: str  # the full PR body in Markdown; "" when nothing is proposed


@dataclass(frozen=True)
class BranchState:
    """What the forge and memory say about ``kairos/deps/<group>`` today."""

    versions_hash: str | None  # what the open PR proposes, from its marker or memory
    conflicts: bool  # it no longer merges cleanly into the base
    foreign_commits: bool  # someone other than kairos pushed to it


@dataclass(frozen=True)
class BranchDecision:
    action: Literal["create", "update", "rebase", "keep", "leave"]
    why: str
