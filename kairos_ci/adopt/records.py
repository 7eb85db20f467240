"""What detection found and what init will write, as frozen records."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum


@dataclass(frozen=True)
class ProjectFiles:
    """The files detection may look at: manifests as text, and which paths exist."""

    texts: Mapping[str, str]  # repository-relative path -> text, for the manifests read
    present: frozenset[str]  # every path seen; directories end with "/"
    unreadable: tuple[str, ...] = ()  # "<path>: why", for manifests that could not be read

    def text(self, path: str) -> str | None:
        return self.texts.get(path)

    def has(self, path: str) -> bool:
        return path in self.present


@dataclass(frozen=True)
class ActionStep:
    """A pinned ``uses:`` step and its ``with:`` inputs."""

    uses: str  # owner/name@<40-hex sha>
    version: str  # the release the SHA is, for the comment
    inputs: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Install:
    """One job's install step: shell lines, and the zizmor audits they knowingly trip."""

    lines: tuple[str, ...] = ()
    audit_ignores: tuple[str, ...] = ()  # zizmor audit names, each explained in workflows.py


@dataclass(frozen=True)
class Toolchain:
    """How one language's tools get onto the runner, the way the project's CI does it."""

    language: str  # "python", "node", "java"
    setup: ActionStep
    install: Install  # for jobs that run the project's tests
    review_install: Install  # for the review job: linters only, no code of the project
    sources: tuple[str, ...]  # the files the install was read from


@dataclass(frozen=True)
class TestSetup:
    run: str  # the test command, made to write JUnit
    junit: tuple[str, ...]  # globs of the reports it writes
    source: str  # why this command: the file that named the runner


@dataclass(frozen=True)
class LinterSetup:
    name: str
    run: str
    format: str  # one of the config schema's linter formats
    source: str  # the config file that showed the linter is used
    report: str | None = None
    fix: str | None = None


@dataclass(frozen=True)
class LanguageFindings:
    """One language's part of the adoption."""

    toolchain: Toolchain
    tests: TestSetup | None
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Adoption:
    """Everything init decided about the repository."""

    toolchains: tuple[Toolchain, ...]
    tests: TestSetup | None
    linters: tuple[LinterSetup, ...]
    notes: tuple[str, ...]  # what the user should know: guesses, gaps, unreadable files
    ci_workflow: str | None = None  # the name of the project's CI workflow, for fix-tests
    config_path: str = ".github/kairos.yml"


@dataclass(frozen=True)
class PlannedFile:
    path: str  # repository-relative
    text: str


class FileStatus(StrEnum):
    NEW = "new"
    UNCHANGED = "unchanged"
    REPLACED = "replaced"  # existed with other content; --force given
    KEPT = "kept"  # existed with other content; left alone without --force


@dataclass(frozen=True)
class FileOutcome:
    file: PlannedFile
    status: FileStatus

    @property
    def writes(self) -> bool:
        return self.status in (FileStatus.NEW, FileStatus.REPLACED)


@dataclass(frozen=True)
class DetectedLinter:
    setup: LinterSetup
    language: str  # whose toolchain installs it: "python", "node", "java"
    packages: tuple[str, ...]  # what that toolchain installs for it, when the project does not
