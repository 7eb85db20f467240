"""The forge port: GitHub as kairos sees it. Every write is an idempotent ``ensure``.

Rerunning any ``ensure_*`` with the same spec changes nothing the second time; a
retried write never duplicates (objects are found again by their hidden marker).
"""

from __future__ import annotations

from typing import Protocol

from kairos_ci.forge.records import (
    Artifact,
    CommentSpec,
    DashboardSpec,
    Ensured,
    Issue,
    LabelSpec,
    PullFile,
    PullRequest,
    PullRequestSpec,
    ReviewSpec,
    WorkflowRun,
)
from kairos_ci.policy.records import Permission


class Forge(Protocol):
    def ensure_pull_request(self, spec: PullRequestSpec) -> Ensured:
        """Open, or update the title and body of, the PR from ``spec.head``.

        A PR with this fingerprint that a human closed is not reopened or recreated.
        """
        ...

    def ensure_review(self, spec: ReviewSpec) -> Ensured:
        """One review carrying every inline comment not posted before (one request).

        Comments on lines outside the diff move into the review body.
        """
        ...

    def ensure_comment(self, spec: CommentSpec) -> Ensured: ...

    def ensure_dashboard(self, spec: DashboardSpec) -> Ensured:
        """Found by label and marker, never by title; edited only when the body changes."""
        ...

    def ensure_label(self, spec: LabelSpec) -> Ensured: ...

    def ensure_labels(self, number: int, labels: tuple[str, ...]) -> Ensured: ...

    def enable_auto_merge(self, number: int, method: str = "squash") -> Ensured: ...

    def get_permission(self, login: str) -> Permission: ...

    def find_pull_request(self, head: str) -> PullRequest | None: ...

    def find_pull_request_for_commit(self, sha: str) -> PullRequest | None:
        """The open PR whose head is ``sha``: how a fork's ``workflow_run`` finds its PR."""
        ...

    def get_pull_request(self, number: int) -> PullRequest: ...

    def add_reaction(self, comment_id: int, content: str) -> Ensured:
        """A reaction (e.g. ``eyes``) on an issue comment. GitHub keeps one per user and
        content, so adding it again changes nothing."""
        ...

    def get_dashboard(self, label: str, fingerprint: str = "dashboard") -> Issue | None: ...

    def list_pull_files(self, number: int) -> tuple[PullFile, ...]: ...

    def list_workflow_runs(
        self,
        branch: str | None = None,
        event: str | None = None,
        limit: int = 30,
        head_sha: str | None = None,
    ) -> tuple[WorkflowRun, ...]:
        """The newest runs first, filtered by each option given (``head_sha``: the runs of
        one commit, as a pull request's head)."""
        ...

    def list_artifacts(self, run_id: int) -> tuple[Artifact, ...]: ...

    def download_artifact(self, artifact_id: int, max_bytes: int) -> bytes:
        """The artifact's zip, fetched from storage without the GitHub token."""
        ...
