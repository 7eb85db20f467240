"""The linters on the merge base: what the pull request did not introduce is left out.

Only a linter with findings on added lines runs on the base, in one scratch checkout of
the merge base made the first time one is needed, through the same jailed runner as
the head. When it cannot run there, nothing is left out, and the note says why: an
unfiltered review is noisy, a review that hides a new finding would be wrong.
"""

from __future__ import annotations

import posixpath
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from kairos_ci.config.records import LinterConfig
from kairos_ci.diff.records import ChangeKind, Mapped, Placement
from kairos_ci.signals import records as signals
from kairos_ci.stages.evidence import run_linter
from kairos_ci.tasks.review.baseline import Spot, TreeLines, introduced
from kairos_ci.tasks.review.records import PullDiff
from kairos_ci.workspace.commands import CommandRunner
from kairos_ci.workspace.scratch import scratch_checkout


@dataclass(frozen=True)
class Compared:
    kept: tuple[Placement, ...]  # the findings the pull request introduced
    preexisting: int  # findings on added lines that the base already had
    problem: str = ""  # why the base could not be compared ("" when it was, or no need)
    on_base: bool = False  # the linter ran on the base too


class BaseLint:
    """The linters' findings on the merge base, compared with the head's, one linter at
    a time. The scratch checkout lives as long as ``stack``."""

    def __init__(self, repo: Path, pull: PullDiff, runner: CommandRunner, stack: ExitStack) -> None:
        self._repo, self._pull, self._runner, self._stack = repo, pull, runner, stack
        self._tree: Path | None = None
        # Base path -> head path, for the files the pull request renamed.
        self._renamed = {
            f.old_path: f.path
            for f in pull.diff.files
            if f.kind is ChangeKind.RENAMED and f.old_path is not None
        }

    def compare(
        self, linter: LinterConfig, head: Path, mapped: Mapped, placed: Sequence[Placement]
    ) -> Compared:
        """``placed``: the head's findings on added lines in scope (a part of ``mapped``)."""
        if not placed:
            return Compared((), 0)
        tree = self._base_tree()
        evidence, _ = run_linter(tree, linter, self._runner, run_command_=True)
        if evidence.did_not_run:
            why = f"{linter.name} did not run on the base ({evidence.did_not_run})"
            return Compared(tuple(placed), 0, why)
        paths = {p.path for p in placed if p.path is not None}
        pairs = _head_spots(linter.name, mapped, paths, TreeLines(head))
        before = self._base_spots(linter.name, evidence.findings, paths, TreeLines(tree))
        new = introduced([spot for _, spot in pairs], before)
        fresh = {id(p) for i, (p, _) in enumerate(pairs) if i in new}
        compared = {id(p) for p, _ in pairs}
        # A finding that could not be compared is kept: hiding a new one would be wrong.
        kept = tuple(p for p in placed if id(p) in fresh or id(p) not in compared)
        return Compared(kept, len(placed) - len(kept), on_base=True)

    def _base_tree(self) -> Path:
        if self._tree is None:
            checkout = scratch_checkout(self._repo, self._pull.merge_base)
            self._tree = self._stack.enter_context(checkout).path
        return self._tree

    def _base_spots(
        self,
        linter: str,
        findings: Sequence[signals.Finding],
        paths: set[str],
        lines: TreeLines,
    ) -> list[Spot]:
        spots = []
        for found in findings:
            if not found.path:
                continue
            old = posixpath.normpath(found.path)
            path = self._renamed.get(old, old)
            if path in paths:
                text = lines.text(old, found.start_line)
                spots.append(Spot(_rule(linter, found), path, text, found.start_line))
        return spots


def _head_spots(
    linter: str, mapped: Mapped, paths: set[str], lines: TreeLines
) -> list[tuple[Placement, Spot]]:
    """Every head finding in the files that matter, with whether it lies on added lines."""
    pairs = []
    for placements, added in ((mapped.inside, True), (mapped.outside, False)):
        for placement in placements:
            found, path = placement.subject, placement.path
            if path not in paths or path is None or not isinstance(found, signals.Finding):
                continue
            text = lines.text(path, found.start_line)
            spot = Spot(_rule(linter, found), path, text, found.start_line, added)
            pairs.append((placement, spot))
    return pairs


def _rule(linter: str, found: signals.Finding) -> str:
    return f"{linter}/{found.rule or 'error'}"
