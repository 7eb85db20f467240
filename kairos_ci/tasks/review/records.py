"""What a pull-request review works on and produces, as frozen values."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field

from kairos_ci.diff.records import Diff


class Source(enum.StrEnum):
    """Which check found something; also the order findings are ranked in."""

    SECRET = "secret"  # noqa: S105 - the name of a check, not a password
    GUARD = "guard"
    WORKFLOW = "workflow"
    LINT = "lint"
    DEBUG = "debug"
    COFAILURE = "co-failure"
    FLAKY = "flaky"
    MODEL = "model"


RANK = {source: index for index, source in enumerate(Source)}


@dataclass(frozen=True)
class SuggestedEdit:
    """Replace head lines ``start..end`` with ``text`` (empty text deletes them)."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class ReviewFinding:
    """One thing the review says. ``line`` is on the head side; None: not tied to a line."""

    source: Source
    rule: str  # "ruff/F401", "kairos/likely-secret": what `/kairos ignore RULE` names
    path: str
    line: int | None
    title: str  # one line, safe markdown, for the body's lists
    detail: str  # the comment's text, safe markdown
    fingerprint: str  # stable when lines move: tool, rule, path and what was found
    start_line: int | None = None  # a comment over start_line..line
    suggestion: SuggestedEdit | None = None
    severity: int = 1  # 0 error, 1 warning, 2 note: ranks within a source

    @property
    def code(self) -> str:
        """The rule's own name, without its tool (``F401``, ``likely-secret``)."""
        return self.rule.rsplit("/", 1)[-1]


@dataclass(frozen=True)
class PullView:
    """The pull request under review, from the event or from the API."""

    number: int
    head_sha: str
    base_sha: str
    author: str
    from_fork: bool
    draft: bool = False
    title: str = ""
    body: str = ""  # untrusted: only ever data for the model
    labels: tuple[str, ...] = ()
    author_is_bot: bool = False


@dataclass(frozen=True)
class ReviewScope:
    """What this run reviews: the whole pull request, or what changed since ``since``."""

    files: frozenset[str]  # paths to look at (a deleted file by its old path)
    lines: Mapping[str, frozenset[int]]  # head lines added in scope, per file
    since: str | None = None  # the head reviewed last time, when reviewing incrementally
    note: str = ""  # why the scope is what it is, for the summary
    patches: Mapping[str, str] | None = None  # the changes since ``since``; None: the PR's


@dataclass(frozen=True)
class PullDiff:
    """The pull request's diff (merge base to head) and the head text of its files."""

    merge_base: str
    head: str
    diff: Diff
    texts: Mapping[str, str | None]  # head text of each changed file; None: binary or too big
    patches: Mapping[str, str] = field(default_factory=dict)  # each file's part of the diff
    base_texts: Mapping[str, str | None] = field(default_factory=dict)  # by head path

    def added(self, path: str) -> frozenset[int]:
        found = self.diff.file(path)
        return found.added if found is not None else frozenset()


@dataclass(frozen=True)
class NotReviewed:
    path: str
    why: str
    for_size: bool = False  # left out to stay within a budget (not: binary, generated...)


@dataclass(frozen=True)
class Coverage:
    """What was read and what was not, and why: the footer never claims completeness."""

    files: int  # changed files in scope
    checked: int  # of them, read by the deterministic checks
    not_reviewed: tuple[NotReviewed, ...] = ()
    linters: str = ""  # how the linters ran, or why they did not
    model: str = ""  # what the model read, or why it did not run
    # Lint findings on added lines that the merge base already had, left out; None when
    # no linter ran on the head.
    preexisting: int | None = None


@dataclass(frozen=True)
class ReviewLimits:
    """How much one review reads; what is over a limit is listed as not reviewed."""

    max_files: int = 1000  # files the deterministic checks read
    max_added_lines: int = 50_000  # added lines they read
    model_chars: int = 80_000  # characters of numbered diff the model is shown
