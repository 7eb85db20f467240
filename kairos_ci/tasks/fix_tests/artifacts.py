"""A failed run's JUnit reports, from its artifacts, handled strictly as data.

Artifacts come through the forge (the zip is fetched from storage without the GitHub
token) and are unpacked into a temporary directory with every member checked: no
absolute paths, no ``..``, no backslashes, no symlinks, bounded counts and sizes, and
only ``.xml`` files kept. Nothing in them is ever run. A bad artifact or file is noted
and skipped; the others still count.

A run is bounded as a whole, not only per file: its zips, and the reports in them, share
one budget (``signals.budget.RunTally``). Only what fix-tests needs is kept, the failing
tests and a count, so memory stays flat however many passing tests the reports hold. A
run over its budget gives a partial result that says so.
"""

from __future__ import annotations

import io
import stat
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO

from kairos_ci.errors import KairosError
from kairos_ci.forge.port import Forge
from kairos_ci.forge.records import Artifact
from kairos_ci.signals.budget import RunBudget, RunTally
from kairos_ci.signals.read import parse_report
from kairos_ci.signals.records import ErrorRecord, ReportFormat, TestResult

CHUNK = 64 * 1024
FAILED = ("failed", "errored")


@dataclass(frozen=True)
class ArtifactLimits:
    max_artifacts: int = 20
    max_zip_bytes: int = 100 * 1024 * 1024
    max_members: int = 2000
    max_member_bytes: int = 50 * 1024 * 1024
    max_total_bytes: int = 200 * 1024 * 1024  # unpacked, per artifact
    max_run_zip_bytes: int = 400 * 1024 * 1024  # downloaded, all artifacts of the run
    run: RunBudget = field(default_factory=RunBudget)  # the reports of the run, together


@dataclass(frozen=True)
class Reports:
    failing_tests: tuple[TestResult, ...]  # each failing test once, in report order
    read: int  # test records read, failing or not
    notes: tuple[str, ...]  # what was skipped, and why
    partial: str | None = None  # why the run's budget stopped reading early

    def failing(self) -> tuple[TestResult, ...]:
        return self.failing_tests


@dataclass
class _Gathered:
    """What one run's artifacts have given so far."""

    tally: RunTally
    failing: dict[str, TestResult] = field(default_factory=dict)
    read: int = 0
    zip_bytes: int = 0
    notes: list[str] = field(default_factory=list)

    def reports(self) -> Reports:
        failing = tuple(self.failing.values())
        return Reports(failing, self.read, tuple(self.notes), self.tally.partial)


def junit_from_run(
    forge: Forge, run_id: int, workdir: Path, limits: ArtifactLimits | None = None
) -> Reports:
    limits = limits or ArtifactLimits()
    gathered = _Gathered(RunTally(limits.run))
    artifacts = forge.list_artifacts(run_id)
    if len(artifacts) > limits.max_artifacts:
        gathered.notes.append(
            f"run {run_id}: only the first {limits.max_artifacts} artifacts are read"
        )
    for index, artifact in enumerate(artifacts[: limits.max_artifacts]):
        _artifact(forge, artifact, workdir / f"artifact-{index}", limits, gathered)
    if gathered.tally.partial is not None:
        gathered.notes.append(f"run {run_id}: a partial result: {gathered.tally.partial}")
    return gathered.reports()


def _artifact(
    forge: Forge, artifact: Artifact, target: Path, limits: ArtifactLimits, into: _Gathered
) -> None:
    where = f"artifact {artifact.name!r}"
    if artifact.expired:
        into.notes.append(f"{where}: expired")
        return
    left = limits.max_run_zip_bytes - into.zip_bytes
    if into.tally.partial is not None or left <= 0:
        into.tally.partial = into.tally.partial or (
            f"the run's budget of {limits.max_run_zip_bytes:,} downloaded bytes is spent"
        )
        into.notes.append(f"{where}: not read: {into.tally.partial}")
        return
    try:
        data = forge.download_artifact(artifact.id, min(limits.max_zip_bytes, left))
    except KairosError as err:
        into.notes.append(f"{where}: {err}")
        return
    into.zip_bytes += len(data)
    files, problems = unpack(data, target, limits)
    del data  # the zip's bytes are not needed while its reports are read
    into.notes.extend(f"{where}: {p}" for p in problems)
    _read(files, target, artifact, into)


def unpack(data: bytes, target: Path, limits: ArtifactLimits) -> tuple[list[Path], list[str]]:
    """The ``.xml`` members of a zip, written under ``target``; problems as notes."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as err:
        return [], [f"not a readable zip ({err})"]
    written: list[Path] = []
    problems: list[str] = []
    budget = limits.max_total_bytes
    with archive:
        members = archive.infolist()
        if len(members) > limits.max_members:
            problems.append(f"only the first {limits.max_members} of {len(members)} files are read")
        for info in members[: limits.max_members]:
            why = member_problem(info, limits)
            if why == "skip":
                continue
            if why:
                problems.append(f"{info.filename!r}: {why}")
                continue
            path = target.joinpath(*PurePosixPath(info.filename).parts)
            try:
                size = _extract(archive, info, path, min(budget, limits.max_member_bytes))
            except (zipfile.BadZipFile, OSError, ValueError, EOFError) as err:
                problems.append(f"{info.filename!r}: cannot be unpacked ({err})")
                continue
            budget -= size
            written.append(path)
    return written, problems


def member_problem(info: zipfile.ZipInfo, limits: ArtifactLimits) -> str:
    """Why a member is refused ("skip": silently, it is not a report), or ""."""
    name = info.filename
    mode = info.external_attr >> 16
    if info.is_dir():
        return "skip"
    if stat.S_ISLNK(mode):
        return "a symlink: refused"
    if not name or "\\" in name or name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return "an absolute or Windows path: refused"
    parts = PurePosixPath(name).parts
    if any(part in ("..", ".") or not part.isprintable() for part in parts):
        return "a path that leaves the folder: refused"
    if not name.lower().endswith(".xml"):
        return "skip"
    if info.file_size > limits.max_member_bytes:
        return f"{info.file_size} bytes, over the limit of {limits.max_member_bytes}"
    return ""


def _extract(archive: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path, cap: int) -> int:
    """Copy one member, stopping at ``cap`` bytes whatever its header claims."""
    path.parent.mkdir(parents=True, exist_ok=True)
    size = 0
    with archive.open(info) as source, path.open("xb") as sink:  # x: never through a link
        try:
            for chunk in _chunks(source):
                size += len(chunk)
                if size > cap:
                    raise ValueError(f"larger than {cap} bytes unpacked")
                sink.write(chunk)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            path.unlink()  # ours: created just now, so a partial file never stays
            raise
    return size


def _chunks(source: IO[bytes]) -> Iterator[bytes]:
    while chunk := source.read(CHUNK):
        yield chunk


def _read(files: list[Path], root: Path, artifact: Artifact, into: _Gathered) -> None:
    """Count every test, keep the failing ones; each report file is deleted once read."""
    for path in files:
        display = f"{artifact.name}/{path.relative_to(root).as_posix()}"
        for record in parse_report(path, ReportFormat.JUNIT, display=display, tally=into.tally):
            if isinstance(record, TestResult):
                into.read += 1
                if record.outcome in FAILED:
                    into.failing.setdefault(record.id, record)
            elif isinstance(record, ErrorRecord):
                into.notes.append(f"{record.file}: {record.message}")
        path.unlink()
