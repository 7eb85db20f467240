"""Applying a bundle: each write through the forge (or git, for branches), each with
an outcome. One failed write never stops the others; a rerun changes nothing."""

from __future__ import annotations

from dataclasses import dataclass, field

from kairos_ci.agent.redact import Redactor
from kairos_ci.bundle import policy, secrets
from kairos_ci.bundle.intents import (
    AddLabels,
    EditDashboard,
    EnableAutoMerge,
    EnsureLabel,
    OpenPullRequest,
    PostComment,
    PostReview,
)
from kairos_ci.bundle.records import ORDER, ApplyResult, Bundle, Status, Write, WriteOutcome
from kairos_ci.config.records import Config
from kairos_ci.context import Secret
from kairos_ci.dashboard.parse import ticked
from kairos_ci.dashboard.records import Action
from kairos_ci.errors import KairosError
from kairos_ci.forge.branches import Branches, HumanCommits
from kairos_ci.forge.port import Forge
from kairos_ci.forge.records import (
    Change,
    CommentSpec,
    DashboardSpec,
    Ensured,
    LabelSpec,
    PullRequestSpec,
    ReviewSpec,
)
from kairos_ci.forge.review import with_outside
from kairos_ci.workspace.scratch import symlinks_at


@dataclass(frozen=True)
class ApplySettings:
    config: Config | None = None
    budget: policy.ChangeBudget = field(default_factory=policy.ChangeBudget)
    dry_run: bool = False
    secrets: tuple[Secret, ...] = ()  # published in no disguise (nor is any token shape)


def apply(
    bundle: Bundle,
    forge: Forge | None,
    branches: Branches | None,
    settings: ApplySettings | None = None,
) -> ApplyResult:
    """Apply every write policy and the secret scan allow, in a safe order. ``forge`` may
    be None in a dry run."""
    settings = settings or ApplySettings()
    redactor = Redactor.of(settings.secrets)
    leaks = secrets.refusals(bundle, redactor)
    refused = policy.refusals(bundle, settings.config, settings.budget)
    ordered = sorted(enumerate(bundle.writes), key=lambda pair: ORDER.index(pair[1].kind))
    outcomes: dict[int, WriteOutcome] = {}
    for index, write in ordered:
        if index in leaks:  # a failure, not a skip: someone must look at what was written
            outcomes[index] = WriteOutcome(
                secrets.shown(write, redactor), Status.FAILED, leaks[index]
            )
            continue
        if index in refused:
            outcomes[index] = WriteOutcome(write, Status.SKIPPED, refused[index])
            continue
        try:
            outcomes[index] = _apply_one(write, forge, branches, settings)
        except KairosError as err:
            outcomes[index] = WriteOutcome(write, Status.FAILED, str(err))
    return ApplyResult(tuple(outcomes[i] for i in range(len(bundle.writes))))


def _apply_one(
    write: Write, forge: Forge | None, branches: Branches | None, settings: ApplySettings
) -> WriteOutcome:
    intent = write.intent
    if isinstance(intent, OpenPullRequest):
        return _pull_request(write, intent, forge, branches, settings)
    if settings.dry_run or forge is None:
        return WriteOutcome(write, Status.PLANNED, "dry run: not applied")
    ensured: Ensured
    match intent:
        case PostReview():
            cap = policy.review_comment_cap(settings.config)
            ensured = forge.ensure_review(_review(intent, write.fingerprint, cap))
        case PostComment(number=number, body=body):
            ensured = forge.ensure_comment(CommentSpec(number, write.fingerprint, body))
        case EditDashboard(label=label, title=title, body=body):
            ensured = forge.ensure_dashboard(DashboardSpec(title, body, label, write.fingerprint))
        case EnsureLabel(name=name, color=color, description=description):
            ensured = forge.ensure_label(LabelSpec(name, color, description))
        case AddLabels(number=number, labels=labels):
            ensured = forge.ensure_labels(number, labels)
        case EnableAutoMerge():
            ensured = _auto_merge(forge, intent)
    return _outcome(write, ensured)


def _pull_request(
    write: Write,
    intent: OpenPullRequest,
    forge: Forge | None,
    branches: Branches | None,
    settings: ApplySettings,
) -> WriteOutcome:
    change = intent.change
    if branches is None:
        return WriteOutcome(write, Status.PLANNED, "dry run: the change was not built")
    built = branches.build(change.base_sha, change.patch, change.message)
    symlinks = symlinks_at(branches.repo, change.base_sha)
    refusal = policy.change_refusal(built, settings.config, settings.budget, symlinks)
    if refusal:
        return WriteOutcome(write, Status.SKIPPED, refusal)
    if settings.dry_run or forge is None:
        return WriteOutcome(
            write, Status.PLANNED, f"dry run: would push {len(built.changes)} files"
        )
    unticked = _unticked_approval(write, forge, settings.config)
    if unticked:
        return WriteOutcome(write, Status.SKIPPED, unticked)
    try:
        pushed = branches.push(intent.branch, built, intent.base)
    except HumanCommits as err:
        return _human_owned(write, forge, err)
    spec = PullRequestSpec(
        head=intent.branch,
        base=intent.base,
        title=intent.title,
        body=intent.body,
        fingerprint=write.fingerprint,
        labels=intent.labels,
        draft=intent.draft,
    )
    ensured = forge.ensure_pull_request(spec)
    if pushed.change is not Change.UNCHANGED and ensured.change is Change.UNCHANGED:
        ensured = Ensured(Change.UPDATED, ensured.number, ensured.url, "new commit pushed")
    return _outcome(write, ensured)


def _unticked_approval(write: Write, forge: Forge, config: Config | None) -> str | None:
    """An approval counts only while the box is ticked on the dashboard (read again here)."""
    if write.approval is None:
        return None
    label = config.dashboard.label if config is not None else "kairos"
    board = forge.get_dashboard(label)
    approved = {b.key for b in ticked(board.body if board else None) if b.action is Action.APPROVE}
    return (
        None if write.approval in approved else f"{write.approval} is not ticked on the dashboard"
    )


def _human_owned(write: Write, forge: Forge, err: HumanCommits) -> WriteOutcome:
    """Say so on the PR (once: the comment is found again by its marker)."""
    pull = forge.find_pull_request(err.branch)
    if pull is not None and pull.state == "open":
        body = (
            f"kairos stopped updating `{err.branch}`: it has commits by "
            f"{', '.join(err.authors)}. The branch is yours now; close this pull request "
            "if you want kairos to propose the change again on a new branch."
        )
        forge.ensure_comment(CommentSpec(pull.number, f"{write.fingerprint}.owned", body))
    return WriteOutcome(
        write, Status.SKIPPED, str(err), pull.url if pull else None, human_owned=True
    )


def _auto_merge(forge: Forge, intent: EnableAutoMerge) -> Ensured:
    number = intent.pull_number
    if number is None:
        pull = forge.find_pull_request(str(intent.branch))
        if pull is None or pull.state != "open":
            raise KairosError(f"no open pull request from {intent.branch} to auto-merge")
        number = pull.number
    return forge.enable_auto_merge(number, intent.method)


def _review(intent: PostReview, fingerprint: str, cap: int | None) -> ReviewSpec:
    body, comments = intent.body, intent.comments
    if cap is not None and len(comments) > cap:
        body = with_outside(body, list(comments[cap:]))
        comments = comments[:cap]
    return ReviewSpec(intent.pull_number, fingerprint, body, comments, intent.commit_id)


def _outcome(write: Write, ensured: Ensured) -> WriteOutcome:
    if ensured.change is Change.UNCHANGED:
        return WriteOutcome(
            write, Status.UNCHANGED, ensured.note, ensured.url, number=ensured.number
        )
    reason = ensured.note or ensured.change.value
    return WriteOutcome(write, Status.APPLIED, reason, ensured.url, number=ensured.number)
