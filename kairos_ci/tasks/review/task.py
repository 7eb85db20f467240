"""Task ``review``: one quiet, precise review per push, read top to bottom.

decide -> diff and scope -> deterministic checks -> linters -> model -> never repeat,
never say what a maintainer ignored -> compose one review (or nothing, when there is
nothing new to say) -> one bundle write.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kairos_ci.agent.llm import Llm
from kairos_ci.agent.records import Charge
from kairos_ci.agent.redact import Redactor
from kairos_ci.agent.spend import BudgetView
from kairos_ci.bundle.intents import PostReview
from kairos_ci.bundle.records import Write
from kairos_ci.config.records import Config, Level, TaskKind
from kairos_ci.forge.markers import fingerprint
from kairos_ci.git import Git
from kairos_ci.memory.records import Memory
from kairos_ci.policy import autonomy, rules
from kairos_ci.policy.records import Situation, Subject, Trigger
from kairos_ci.tasks.review import compose as composing
from kairos_ci.tasks.review import pulldiff, state
from kairos_ci.tasks.review.early import cofailure_findings, flaky_findings
from kairos_ci.tasks.review.integrity import guard_findings
from kairos_ci.tasks.review.leftovers import find_leftovers
from kairos_ci.tasks.review.lines import Readable, added_lines, readable
from kairos_ci.tasks.review.lint import Linted, lint
from kairos_ci.tasks.review.model import ModelInput, ModelReview, model_review
from kairos_ci.tasks.review.packing import pack
from kairos_ci.tasks.review.records import (
    Coverage,
    NotReviewed,
    PullDiff,
    PullView,
    ReviewFinding,
    ReviewLimits,
    ReviewScope,
    Source,
)
from kairos_ci.tasks.review.secrets import find_secrets
from kairos_ci.tasks.review.workflows import find_workflow_risks, is_workflow
from kairos_ci.workspace.commands import CommandRunner

ACTIONS = ("opened", "synchronize", "reopened", "ready_for_review")
FORK_LINT = (
    "not run: the pull request comes from a fork, and kairos never runs a fork's code in "
    "a job that holds secrets"
)
NOTES_FILE = "AGENTS.md"
# Linter rules that flag debugging leftovers (ruff/flake8, ESLint, pylint).
DEBUG_RULES = frozenset({"T100", "T201", "T203", "no-console", "no-debugger", "W1515"})


@dataclass(frozen=True)
class ReviewJob:
    repo: Path
    pull: PullView
    config: Config  # from the base commit, never the head
    memory: Memory
    runner: CommandRunner
    llm: Llm | None
    no_model: str  # why there is no model, when ``llm`` is None
    redactor: Redactor
    budget: BudgetView
    trigger: Trigger = Trigger.PULL_REQUEST
    full: bool = False  # review the whole PR, not only what changed since the last review
    limits: ReviewLimits = field(default_factory=ReviewLimits)


@dataclass(frozen=True)
class ReviewResult:
    level: Level
    why: str
    skip: str | None = None  # no review at all, and why
    scope: ReviewScope | None = None
    said: tuple[ReviewFinding, ...] = ()  # new findings this review says
    composed: composing.Composed | None = None  # None: nothing to post
    coverage: Coverage | None = None
    charges: tuple[Charge, ...] = ()
    signals: tuple[str, ...] = ()
    repeated: int = 0  # findings not said again (said before, or ignored)
    coverage_key: str | None = None  # set when the coverage alone is worth a post


def skip_reason(action: str, pull: PullView, config: Config) -> str | None:
    """Why a ``pull_request`` event gets no review (None: it gets one)."""
    if action not in ACTIONS:
        return f"the {action!r} action is not reviewed (only {', '.join(ACTIONS)})"
    if pull.draft and not config.review.drafts:
        return "the pull request is a draft (set review.drafts to review drafts)"
    return None


def review(job: ReviewJob) -> ReviewResult:
    pull = pulldiff.pull_diff(job.repo, job.pull.base_sha, job.pull.head_sha)
    level, why, skipped = _decide(job, pull)
    if skipped is not None:
        return ReviewResult(level, why, skip=skipped)
    since = None if job.full else state.last_head(job.memory, job.pull.number)
    scope = pulldiff.scope(job.repo, pull, since)
    files = readable(pull, scope, job.limits)
    found = _deterministic(job, pull, scope, files)
    linters, linted = _linters(job, pull, scope)
    model, left_out = _model(job, pull, scope, [*found, *linted.findings])
    said = _one_per_line([*found, *linted.findings, *model.findings])
    new, repeated = state.fresh(said, job.memory, job.pull.number)
    coverage = Coverage(
        files=len(scope.files),
        checked=len(scope.files) - len(files.not_reviewed),
        not_reviewed=(*files.not_reviewed, *left_out),
        linters=linters,
        model=model.note,
        preexisting=linted.preexisting,
    )
    key = _coverage_key(job, coverage)
    composed = None
    if new or key is not None:
        limit = job.config.limits.max_review_comments
        composed = composing.compose(new, pull, scope, coverage, limit)
    return ReviewResult(
        level, why, None, scope, tuple(new), composed, coverage, model.charges, model.signals,
        repeated, key,
    )  # fmt: skip


def review_write(result: ReviewResult, pull: PullView) -> Write | None:
    """The one write this review makes, or None when it has nothing to post."""
    if result.composed is None or result.level < Level.SUGGEST:
        return None
    composed = result.composed
    intent = PostReview(pull.number, composed.body, composed.comments, pull.head_sha)
    key = f"review.pr{pull.number}.{pull.head_sha[:12]}"
    return Write(key, result.level, result.why, intent, TaskKind.REVIEW)


def _decide(job: ReviewJob, pull: PullDiff) -> tuple[Level, str, str | None]:
    paths = tuple(f.path for f in pull.diff.files)
    subject = Subject(
        TaskKind.REVIEW, paths=paths, labels=job.pull.labels, authors=(job.pull.author,)
    )
    matched = rules.evaluate(job.config.rules, subject)
    # Budget does not cap the review itself: only the model costs, and it checks its own.
    situation = Situation(job.trigger, None, from_fork=job.pull.from_fork)
    decision = autonomy.decide(TaskKind.REVIEW, job.config.autonomy, matched, situation)
    if decision.skip:
        return decision.level, decision.why(), "skipped by a config rule"
    if decision.level < Level.SUGGEST:
        return decision.level, decision.why(), f"autonomy is {decision.level}: nothing is posted"
    return decision.level, decision.why(), None


def _deterministic(
    job: ReviewJob, pull: PullDiff, scope: ReviewScope, files: Readable
) -> list[ReviewFinding]:
    lines = list(added_lines(pull, scope, files.files))
    found = [*find_secrets(lines), *find_leftovers(lines, pull.texts, pull.base_texts)]
    for path in files.files:
        text = pull.texts.get(path)
        if is_workflow(path) and text is not None:
            added = scope.lines.get(path, frozenset())
            found += find_workflow_risks(path, text, pull.base_texts.get(path), added)
    found += guard_findings(job.repo, pull.merge_base, pull.head, scope)
    found += cofailure_findings(job.memory, scope)
    found += flaky_findings(job.memory, scope, (f.path for f in pull.diff.files))
    return found


def _linters(job: ReviewJob, pull: PullDiff, scope: ReviewScope) -> tuple[str, Linted]:
    none = Linted((), ())
    if not job.config.linters:
        return "none configured", none
    if job.pull.from_fork:
        return FORK_LINT, none
    if job.trigger is Trigger.PULL_REQUEST_TARGET:
        # That job holds secrets: the pull request's code never runs there (SECURITY R6).
        return "not run: pull_request_target holds secrets, so no pull-request code runs", none
    if not scope.lines:
        return "not run: no added lines in scope", none
    linted = lint(job.repo, job.config.linters, pull, scope, job.runner)
    return "; ".join(linted.notes), linted


def _model(
    job: ReviewJob, pull: PullDiff, scope: ReviewScope, found: Sequence[ReviewFinding]
) -> tuple[ModelReview, tuple[NotReviewed, ...]]:
    """The model's review of what fits its budget, and what did not fit (or was not sent)."""
    if job.llm is None:
        return ModelReview((), (), f"not run: {job.no_model}"), ()
    patches = scope.patches if scope.patches is not None else pull.patches
    secrets: dict[str, set[int]] = {}
    for finding in found:
        if finding.source is Source.SECRET and finding.line is not None:
            secrets.setdefault(finding.path, set()).add(finding.line)
    withheld = {path: frozenset(lines) for path, lines in secrets.items()}
    flagged = {f.path for f in found}
    packed = pack(patches, scope.lines, job.limits.model_chars, flagged, withheld)
    notes = pulldiff.blobs(Git(job.repo), job.pull.base_sha, [NOTES_FILE]).get(NOTES_FILE)
    given = ModelInput(job.pull, packed, notes)
    return model_review(job.llm, job.config, given, job.budget, job.redactor), packed.left_out


def _one_per_line(findings: Sequence[ReviewFinding]) -> list[ReviewFinding]:
    """When a linter's debugging rule and the debug check flag the same line, say it once:
    the linter's finding, unless only the debug check offers a fix."""
    debug = {(f.path, f.line): f for f in findings if f.source is Source.DEBUG}
    linted = {
        (f.path, f.line): f for f in findings if f.source is Source.LINT and f.code in DEBUG_RULES
    }
    dropped = set()
    for spot in debug.keys() & linted.keys():
        mine, theirs = debug[spot], linted[spot]
        dropped.add(id(theirs) if mine.suggestion and not theirs.suggestion else id(mine))
    return [f for f in findings if id(f) not in dropped]


def _coverage_key(job: ReviewJob, coverage: Coverage) -> str | None:
    """A key for what was left out for size, when that alone is worth saying (once)."""
    sized = sorted((n.path, n.why) for n in coverage.not_reviewed if n.for_size)
    if not sized:
        return None
    key = fingerprint("coverage", *(f"{p}\0{w}" for p, w in sized), prefix="coverage")
    return None if state.posted_key(job.pull.number, key) in job.memory.posted else key
