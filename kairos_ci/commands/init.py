"""``kairos-ci init``: detect the project and write ``.github/kairos.yml`` and the kairos
workflows, each installing the project's dependencies the way its own CI does.

Detection reads files only; it never runs the project's code. A second run changes
nothing and says so; an existing file that differs is left alone unless ``--force``;
``--dry-run`` prints what would be written. Exit 0 when every file is written or
already up to date, 1 when a file was left alone, 2 on usage errors.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from kairos_ci.adopt.detect import detect
from kairos_ci.adopt.outcome import outcome
from kairos_ci.adopt.records import FileOutcome, FileStatus, PlannedFile
from kairos_ci.adopt.render import describe, planned_files
from kairos_ci.adopt.scan import scan
from kairos_ci.config.load import find_config
from kairos_ci.errors import InputError, UsageError

_DONE = {
    FileStatus.NEW: "wrote {path} (new)",
    FileStatus.REPLACED: "wrote {path} (replaced: --force)",
    FileStatus.UNCHANGED: "unchanged {path}",
    FileStatus.KEPT: "left alone {path}: it exists and differs (--force replaces it)",
}
_WOULD = {
    FileStatus.NEW: "would write {path} (new)",
    FileStatus.REPLACED: "would write {path} (replacing it: --force)",
    FileStatus.UNCHANGED: "unchanged {path}",
    FileStatus.KEPT: "would leave alone {path}: it exists and differs (--force replaces it)",
}


def init_command(args: argparse.Namespace) -> int:
    repo: Path = args.repo
    if not repo.is_dir():
        raise UsageError(f"--repo {repo}: not a directory")
    existing = find_config(repo)
    adoption = detect(scan(repo), existing.relative_to(repo).as_posix() if existing else None)
    outcomes = [outcome(f, _current(repo, f), force=args.force) for f in planned_files(adoption)]
    if not args.dry_run:  # every write before any output: a closed stdout stops nothing
        for done in outcomes:
            if done.writes:
                _write(repo, done.file)
    for line in describe(adoption):
        print(line)
    for done in outcomes:
        if args.dry_run and done.writes:
            print(f"--- {done.file.path} ({done.status})\n{done.file.text}", end="")
        print((_WOULD if args.dry_run else _DONE)[done.status].format(path=done.file.path))
    print(_summary(outcomes, dry_run=args.dry_run))
    return 1 if any(done.status is FileStatus.KEPT for done in outcomes) else 0


def _current(repo: Path, planned: PlannedFile) -> str | None:
    """The file's text now; None when it does not exist."""
    path = _target(repo, planned)
    if not path.exists():
        return None
    try:
        return path.read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return ""  # unreadable as text: differs from anything init would write


def _target(repo: Path, planned: PlannedFile) -> Path:
    """The path to write, refused when it or a folder on the way is a symlink: init writes
    regular files inside the repository only."""
    relative = Path(planned.path)
    for step in (relative, *relative.parents[:-1]):  # the file, then each folder up to repo
        at = repo / step
        if at.is_symlink() or (step == relative and at.exists() and not at.is_file()):
            raise InputError(
                f"{planned.path}: {step.as_posix()} is a symlink or not a regular file; "
                "init writes regular files inside the repository only"
            )
    return repo / relative


def _write(repo: Path, planned: PlannedFile) -> None:
    path = _target(repo, planned)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(planned.text, "utf-8")


def _summary(outcomes: list[FileOutcome], *, dry_run: bool) -> str:
    if all(done.status is FileStatus.UNCHANGED for done in outcomes):
        return "init: nothing to do: every file is already up to date"
    counts = {status: sum(d.status is status for d in outcomes) for status in FileStatus}
    written = counts[FileStatus.NEW] + counts[FileStatus.REPLACED]
    verb = "would write" if dry_run else "wrote"
    line = (
        f"init: {verb} {written}, {counts[FileStatus.UNCHANGED]} unchanged, "
        f"{counts[FileStatus.KEPT]} left alone"
    )
    if not dry_run and written:
        line += "; next: kairos-ci doctor, then commit the files"
    return line
