"""The idempotent forge: every write looks first, by hidden marker, then creates,
updates or leaves alone. When GitHub's answer is lost (5xx, timeout) the write may
have landed, so the loop looks again before trying again: nothing is ever duplicated.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TypeVar

from kairos_ci.forge import review
from kairos_ci.forge.api import Api
from kairos_ci.forge.failures import Unavailable
from kairos_ci.forge.markers import carries, fingerprints, fit, same_text, with_marker
from kairos_ci.forge.pacing import Pacing
from kairos_ci.forge.records import (
    Artifact,
    Change,
    Comment,
    CommentSpec,
    DashboardSpec,
    Ensured,
    Issue,
    Label,
    LabelSpec,
    PullFile,
    PullRequest,
    PullRequestSpec,
    ReviewSpec,
    WorkflowRun,
)
from kairos_ci.policy.records import Permission

T = TypeVar("T")


class MarkerForge:
    """The ``Forge`` port over raw API calls (``api.Api``)."""

    def __init__(self, api: Api, pacing: Pacing, own_login: str | None = None) -> None:
        self.api = api
        self.pacing = pacing
        self.own_login = own_login

    # -- pull requests ---------------------------------------------------------------

    def find_pull_request(self, head: str) -> PullRequest | None:
        pulls = self._read(lambda: self.api.list_pulls(head))
        ordered = sorted(pulls, key=lambda p: (p.state != "open", -p.number))
        return ordered[0] if ordered else None

    def find_pull_request_for_commit(self, sha: str) -> PullRequest | None:
        # GET /commits/{sha}/pulls is not in the API subset kairos may use: match heads.
        pulls = self._read(self.api.list_open_pulls)
        return min((p for p in pulls if p.head_sha == sha), key=lambda p: p.number, default=None)

    def ensure_pull_request(self, spec: PullRequestSpec) -> Ensured:
        body = fit(with_marker(spec.body, spec.fingerprint, "pull_request"))

        def current(pull: PullRequest) -> bool:
            same = pull.title == spec.title and same_text(pull.body, body)
            return same and set(spec.labels) <= set(pull.labels)

        def update(pull: PullRequest) -> None:
            if pull.title != spec.title or not same_text(pull.body, body):
                self.api.edit_pull(pull.number, spec.title, body)
            missing = [n for n in spec.labels if n not in pull.labels]
            if missing:
                self.api.add_labels(pull.number, missing)

        def create() -> PullRequest:
            pull = self.api.create_pull(spec, body)
            if spec.labels:
                self.api.add_labels(pull.number, list(spec.labels))
            return pull

        return self._converge(
            f"pull request from {spec.head}",
            lambda: self._find_pull(spec),
            current,
            create,
            update,
            lambda p: (p.number, p.url),
        )

    # -- reviews ---------------------------------------------------------------------

    def get_pull_request(self, number: int) -> PullRequest:
        return self._read(lambda: self.api.get_pull(number))

    def ensure_review(self, spec: ReviewSpec) -> Ensured:
        number = spec.pull_number
        files = self._read(lambda: self.api.list_files(number))
        inline, outside, summary = review.split(spec, files)
        if not inline:
            # GitHub lists no review bodies through the REST subset, so a review with
            # nothing inline is kept as one marker-found comment instead.
            return self.ensure_comment(CommentSpec(number, spec.fingerprint, summary))
        body = fit(with_marker(summary, spec.fingerprint, "review"))
        tried = False
        for attempt in range(self.pacing.attempts):
            posted = {
                fp
                for c in self._read(lambda: self.api.list_review_comments(number))
                for fp in fingerprints(c.body)
                if self._mine(c.author)
            }
            todo = [c for c in inline if c.fingerprint not in posted]
            if not todo:
                change = Change.CREATED if tried else Change.UNCHANGED
                return Ensured(change, number, note=f"{len(inline)} inline comments in place")
            payload = review.payload(body, todo, spec.commit_id)
            tried = True
            try:
                self._budget()
                review_id = self.pacing.write(partial(self.api.create_review, number, payload))
                note = f"{len(todo)} inline comments, {len(outside)} in the body"
                return Ensured(Change.CREATED, review_id, note=note)
            except Unavailable:
                self.pacing.wait(self.pacing.backoff(attempt))
        raise Unavailable(f"review on #{number}: GitHub kept failing; it may have landed")

    # -- comments, dashboard, labels -------------------------------------------------

    def ensure_comment(self, spec: CommentSpec) -> Ensured:
        body = fit(with_marker(spec.body, spec.fingerprint, "comment"))
        number = spec.issue_number

        def find() -> Comment | None:
            for comment in self.api.list_comments(number):
                if carries(comment.body, spec.fingerprint) and self._mine(comment.author):
                    return comment
            return None

        def current(comment: Comment) -> bool:
            return same_text(comment.body, body)

        def update(comment: Comment) -> None:
            self.api.edit_comment(comment.id, body)

        return self._converge(
            f"comment on #{number}",
            find,
            current,
            lambda: self.api.create_comment(number, body),
            update,
            lambda c: (c.id, c.url),
        )

    def add_reaction(self, comment_id: int, content: str) -> Ensured:
        # GitHub answers 200 for a reaction that exists: a retry after a lost answer is safe.
        for attempt in range(self.pacing.attempts):
            try:
                self._budget()
                created = self.pacing.write(partial(self.api.add_reaction, comment_id, content))
                change = Change.CREATED if created else Change.UNCHANGED
                return Ensured(change, comment_id, note=f"{content} reaction")
            except Unavailable:
                self.pacing.wait(self.pacing.backoff(attempt))
        raise Unavailable(f"reaction on comment {comment_id}: GitHub kept failing")

    def get_dashboard(self, label: str, fingerprint: str = "dashboard") -> Issue | None:
        return self._read(lambda: self._find_dashboard(label, fingerprint))

    def ensure_dashboard(self, spec: DashboardSpec) -> Ensured:
        body = fit(with_marker(spec.body, spec.fingerprint, "dashboard"))

        def current(issue: Issue) -> bool:
            same = (issue.state, issue.title) == ("open", spec.title)
            return same and same_text(issue.body, body)

        def update(issue: Issue) -> None:
            changes: dict[str, object] = {}
            if not same_text(issue.body, body):
                changes["body"] = body
            if issue.title != spec.title:
                changes["title"] = spec.title
            if issue.state != "open":
                changes["state"] = "open"
            self.api.edit_issue(issue.number, changes)

        return self._converge(
            "dashboard issue",
            lambda: self._find_dashboard(spec.label, spec.fingerprint),
            current,
            lambda: self.api.create_issue(spec.title, body, [spec.label]),
            update,
            lambda i: (i.number, i.url),
        )

    def ensure_label(self, spec: LabelSpec) -> Ensured:
        wanted = Label(spec.name, spec.color.lower().lstrip("#"), spec.description)

        def current(label: Label) -> bool:
            same_text = (label.description or "") == (wanted.description or "")
            return label.color.lower() == wanted.color and same_text

        def create() -> Label:
            self.api.create_label(wanted)
            return wanted

        def update(_: Label) -> None:
            self.api.edit_label(wanted)

        return self._converge(
            f"label {spec.name!r}",
            lambda: self.api.get_label(spec.name),
            current,
            create,
            update,
            lambda _: (None, None),
        )

    def ensure_labels(self, number: int, labels: tuple[str, ...]) -> Ensured:
        def current(issue: Issue) -> bool:
            return set(labels) <= set(issue.labels)

        def update(issue: Issue) -> None:
            self.api.add_labels(number, [n for n in labels if n not in issue.labels])

        def create() -> Issue:
            raise AssertionError("an issue is never created to label it")

        return self._converge(
            f"labels of #{number}",
            lambda: self.api.get_issue(number),
            current,
            create,
            update,
            lambda i: (i.number, i.url),
        )

    def enable_auto_merge(self, number: int, method: str = "squash") -> Ensured:
        pull = self._read(lambda: self.api.get_pull(number))
        if pull.state != "open":
            return Ensured(Change.UNCHANGED, number, pull.url, f"#{number} is {pull.state}")
        if pull.auto_merge == method.lower():
            return Ensured(Change.UNCHANGED, number, pull.url, f"auto-merge ({method}) is on")
        self._budget()
        self._write_idempotent(lambda: self.api.enable_auto_merge(pull.node_id, method))
        return Ensured(Change.UPDATED, number, pull.url, f"auto-merge ({method}) enabled")

    # -- reads -----------------------------------------------------------------------

    def get_permission(self, login: str) -> Permission:
        return self._read(lambda: self.api.permission(login))

    def list_pull_files(self, number: int) -> tuple[PullFile, ...]:
        return tuple(self._read(lambda: self.api.list_files(number)))

    def list_workflow_runs(
        self,
        branch: str | None = None,
        event: str | None = None,
        limit: int = 30,
        head_sha: str | None = None,
    ) -> tuple[WorkflowRun, ...]:
        return tuple(self._read(lambda: self.api.list_runs(branch, event, limit, head_sha)))

    def list_artifacts(self, run_id: int) -> tuple[Artifact, ...]:
        return tuple(self._read(lambda: self.api.list_artifacts(run_id)))

    def download_artifact(self, artifact_id: int, max_bytes: int) -> bytes:
        return self._read(lambda: self.api.download_artifact(artifact_id, max_bytes))

    # -- the loop --------------------------------------------------------------------

    def _converge(
        self,
        what: str,
        find: Callable[[], T | Ensured | None],
        current: Callable[[T], bool],
        create: Callable[[], T],
        update: Callable[[T], None],
        ident: Callable[[T], tuple[int | None, str | None]],
    ) -> Ensured:
        """Look, then create / update / leave; after a lost answer, look again."""
        tried_create = False
        for attempt in range(self.pacing.attempts):
            found = self._read(find)
            if isinstance(found, Ensured):
                return found
            try:
                if found is None:
                    self._budget()
                    tried_create = True
                    made = self.pacing.write(create)
                    return Ensured(Change.CREATED, *ident(made))
                item = found
                if current(item):
                    change = Change.CREATED if tried_create else Change.UNCHANGED
                    return Ensured(change, *ident(item))
                self._budget()
                self.pacing.write(partial(update, item))
                change = Change.CREATED if tried_create else Change.UPDATED
                return Ensured(change, *ident(item))
            except Unavailable:
                self.pacing.wait(self.pacing.backoff(attempt))
        raise Unavailable(f"{what}: GitHub kept failing; the write may or may not have landed")

    def _write_idempotent(self, call: Callable[[], None]) -> None:
        for attempt in range(self.pacing.attempts):
            try:
                self.pacing.write(call)
                return
            except Unavailable:
                if attempt + 1 >= self.pacing.attempts:
                    raise
                self.pacing.wait(self.pacing.backoff(attempt))

    def _find_pull(self, spec: PullRequestSpec) -> PullRequest | Ensured | None:
        """The open PR from the branch, or the answer when there must be none."""
        pulls = self.api.list_pulls(spec.head)
        for pull in pulls:
            if pull.state != "open":
                continue
            if not fingerprints(pull.body) or not self._mine(pull.author):
                # Someone else opened a PR from this branch: theirs to word.
                note = f"#{pull.number} from {spec.head} is not kairos's; left as it is"
                return Ensured(Change.UNCHANGED, pull.number, pull.url, note)
            return pull
        for pull in pulls:
            if carries(pull.body, spec.fingerprint):
                how = "merged" if pull.merged else "closed without merging"
                note = f"#{pull.number} was {how}; this change is not proposed again"
                return Ensured(Change.UNCHANGED, pull.number, pull.url, note)
        return None

    def _find_dashboard(self, label: str, fingerprint: str) -> Issue | None:
        mine = [
            i
            for i in self.api.list_issues(label)
            if carries(i.body, fingerprint) and self._mine(i.author)
        ]
        mine.sort(key=lambda i: (i.state != "open", i.number))
        return mine[0] if mine else None

    def _read(self, call: Callable[[], T]) -> T:
        return self.pacing.read(call)

    def _budget(self) -> None:
        self.pacing.check_write_budget(self.api.rate_remaining())

    def _mine(self, author: str) -> bool:
        return self.own_login is None or author == self.own_login
