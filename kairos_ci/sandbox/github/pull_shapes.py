"""GitHub's JSON shapes for issues, pull requests, reviews, review comments and files."""

from __future__ import annotations

import zlib

from kairos_ci.errors import GitError
from kairos_ci.sandbox.github.gitview import ViewedFileDiff
from kairos_ci.sandbox.github.records import (
    JsonObject,
    Pull,
    Review,
    StoredIssue,
    StoredReviewComment,
)
from kairos_ci.sandbox.github.shapes import Shapes, node_id
from kairos_ci.sandbox.github.store import RepoState


class PullShapes:
    def __init__(self, shapes: Shapes, repo: RepoState, pushed_at: str) -> None:
        self.s = shapes
        self.repo = repo
        self.api = f"{shapes.base}/repos/{repo.full_name}"
        self._repo_shape = shapes.repository(repo.facts(pushed_at))

    def issue(self, issue: StoredIssue) -> JsonObject:
        api = f"{self.api}/issues/{issue.number}"
        labels = [self.s.label(self.api, lbl) for n in issue.labels if (lbl := self.repo.label(n))]
        comments = sum(1 for c in self.repo.comments.values() if c.issue_number == issue.number)
        shape: JsonObject = {
            "id": issue.id,
            "node_id": node_id("Issue", issue.id),
            "url": api,
            "repository_url": self.api,
            "labels_url": f"{api}/labels{{/name}}",
            "comments_url": f"{api}/comments",
            "events_url": f"{api}/events",
            "html_url": self.s.html(f"{self.repo.full_name}/issues/{issue.number}"),
            "number": issue.number,
            "state": issue.state,
            "state_reason": issue.state_reason,
            "title": issue.title,
            "body": issue.body,
            "user": self.s.user(issue.user),
            "labels": labels,
            "assignee": None,
            "assignees": [],
            "milestone": None,
            "locked": False,
            "active_lock_reason": None,
            "comments": comments,
            "closed_at": issue.closed_at,
            "closed_by": None,
            "created_at": issue.created_at,
            "updated_at": issue.updated_at,
            "author_association": self._association(issue.user.login),
            "reactions": self.s.reactions(f"{api}/reactions"),
            "timeline_url": f"{api}/timeline",
        }
        pull = self.repo.pulls.get(issue.number)
        if pull is not None:
            html = self.s.html(f"{self.repo.full_name}/pull/{issue.number}")
            shape["pull_request"] = {
                "url": f"{self.api}/pulls/{issue.number}",
                "html_url": html,
                "diff_url": f"{html}.diff",
                "patch_url": f"{html}.patch",
                "merged_at": issue.closed_at if pull.merged else None,
            }
            shape["draft"] = pull.draft
        return shape

    def pull(self, pull: Pull, issue: StoredIssue, full: bool) -> JsonObject:
        """``full`` adds what only single-PR answers carry (diff counts, mergeability)."""
        api = f"{self.api}/pulls/{pull.number}"
        html = self.s.html(f"{self.repo.full_name}/pull/{pull.number}")
        base_sha = self.repo.git.branch_sha(pull.base_ref) or pull.head_sha
        shape: JsonObject = {
            "url": api,
            "id": pull.id,
            "node_id": node_id("PullRequest", pull.id),
            "html_url": html,
            "diff_url": f"{html}.diff",
            "patch_url": f"{html}.patch",
            "issue_url": f"{self.api}/issues/{pull.number}",
            "commits_url": f"{api}/commits",
            "review_comments_url": f"{api}/comments",
            "review_comment_url": f"{self.api}/pulls/comments{{/number}}",
            "comments_url": f"{self.api}/issues/{pull.number}/comments",
            "statuses_url": f"{self.api}/statuses/{pull.head_sha}",
            "number": pull.number,
            "state": issue.state,
            "locked": False,
            "title": issue.title,
            "user": self.s.user(issue.user),
            "body": issue.body,
            # The pull-request schemas want a string description where labels allow null.
            "labels": [
                {**label, "description": label["description"] or ""}
                for label in self.issue(issue)["labels"]
            ],
            "milestone": None,
            "active_lock_reason": None,
            "created_at": issue.created_at,
            "updated_at": issue.updated_at,
            "closed_at": issue.closed_at,
            "merged_at": issue.closed_at if pull.merged else None,
            "merge_commit_sha": None,
            "assignee": None,
            "assignees": [],
            "requested_reviewers": [],
            "requested_teams": [],
            "head": self._end(pull.head_ref, pull.head_sha),
            "base": self._end(pull.base_ref, base_sha),
            "_links": self._links(api, html, pull),
            "author_association": self._association(issue.user.login),
            "auto_merge": self._auto_merge(pull, issue),
            "draft": pull.draft,
        }
        if full:
            shape.update(self._counts(pull, base_sha))
        return shape

    def review(self, review: Review) -> JsonObject:
        pull_api = f"{self.api}/pulls/{review.pull_number}"
        html = self.s.html(
            f"{self.repo.full_name}/pull/{review.pull_number}#pullrequestreview-{review.id}"
        )
        return {
            "id": review.id,
            "node_id": node_id("PullRequestReview", review.id),
            "user": self.s.user(review.user),
            "body": review.body,
            "state": review.state,
            "html_url": html,
            "pull_request_url": pull_api,
            "author_association": self._association(review.user.login),
            "_links": {"html": {"href": html}, "pull_request": {"href": pull_api}},
            "submitted_at": review.submitted_at,
            "commit_id": review.commit_id,
        }

    def review_comment(self, c: StoredReviewComment) -> JsonObject:
        url = f"{self.api}/pulls/comments/{c.id}"
        pull_api = f"{self.api}/pulls/{c.pull_number}"
        html = self.s.html(f"{self.repo.full_name}/pull/{c.pull_number}#discussion_r{c.id}")
        return {
            "url": url,
            "pull_request_review_id": c.review_id,
            "id": c.id,
            "node_id": node_id("PullRequestReviewComment", c.id),
            "diff_hunk": c.diff_hunk,
            "path": c.path,
            "position": c.position,
            "original_position": c.position,
            "commit_id": c.commit_id,
            "original_commit_id": c.commit_id,
            "user": self.s.user(c.user),
            "body": c.body,
            "created_at": c.created_at,
            "updated_at": c.updated_at,
            "html_url": html,
            "pull_request_url": pull_api,
            "author_association": self._association(c.user.login),
            "_links": {
                "self": {"href": url},
                "html": {"href": html},
                "pull_request": {"href": pull_api},
            },
            "reactions": self.s.reactions(f"{url}/reactions"),
            "start_line": c.start_line,
            "original_start_line": c.start_line,
            "start_side": c.start_side,
            "line": c.line,
            "original_line": c.line,
            "side": c.side,
            "subject_type": "line",
        }

    def file(self, diff: ViewedFileDiff, head_sha: str) -> JsonObject:
        full = self.repo.full_name
        shape: JsonObject = {
            "sha": diff.blob_sha,
            "filename": diff.filename,
            "status": diff.status,
            "additions": diff.additions,
            "deletions": diff.deletions,
            "changes": diff.additions + diff.deletions,
            "blob_url": self.s.html(f"{full}/blob/{head_sha}/{diff.filename}"),
            "raw_url": self.s.html(f"{full}/raw/{head_sha}/{diff.filename}"),
            "contents_url": f"{self.api}/contents/{diff.filename}?ref={head_sha}",
        }
        if diff.patch:
            shape["patch"] = diff.patch
        if diff.previous_filename:
            shape["previous_filename"] = diff.previous_filename
        return shape

    def ref(self, ref: str, sha: str) -> JsonObject:
        return {
            "ref": ref,
            "node_id": node_id("Ref", zlib.crc32(ref.encode())),
            "url": f"{self.api}/git/{ref}",
            "object": {"type": "commit", "sha": sha, "url": f"{self.api}/git/commits/{sha}"},
        }

    def _end(self, ref: str, sha: str) -> JsonObject:
        owner = self.repo.owner
        return {
            "label": f"{owner.login}:{ref}",
            "ref": ref,
            "sha": sha,
            "user": self.s.user(owner),
            "repo": self._repo_shape,
        }

    def _links(self, api: str, html: str, pull: Pull) -> JsonObject:
        def link(href: str) -> JsonObject:
            return {"href": href}

        return {
            "self": link(api),
            "html": link(html),
            "issue": link(f"{self.api}/issues/{pull.number}"),
            "comments": link(f"{self.api}/issues/{pull.number}/comments"),
            "review_comments": link(f"{api}/comments"),
            "review_comment": link(f"{self.api}/pulls/comments{{/number}}"),
            "commits": link(f"{api}/commits"),
            "statuses": link(f"{self.api}/statuses/{pull.head_sha}"),
        }

    def _auto_merge(self, pull: Pull, issue: StoredIssue) -> JsonObject | None:
        if pull.auto_merge is None:
            return None
        return {
            "enabled_by": self.s.user(pull.auto_merge.enabled_by),
            "merge_method": pull.auto_merge.merge_method,
            "commit_title": f"{issue.title} (#{pull.number})",
            "commit_message": "",
        }

    def _counts(self, pull: Pull, base_sha: str) -> JsonObject:
        try:
            files = self.repo.git.pull_diff(base_sha, pull.head_sha)
        except GitError:  # unrelated histories: GitHub shows no diff either
            files = []
        commits = self.repo.git.commits_between(base_sha, pull.head_sha)
        return {
            "merged": pull.merged,
            "mergeable": None if pull.merged else True,
            "rebaseable": None if pull.merged else True,
            "mergeable_state": "clean" if not pull.merged else "unknown",
            "merged_by": None,
            "comments": sum(
                1 for c in self.repo.comments.values() if c.issue_number == pull.number
            ),
            "review_comments": sum(
                1 for c in self.repo.review_comments.values() if c.pull_number == pull.number
            ),
            "maintainer_can_modify": pull.maintainer_can_modify,
            "commits": len(commits),
            "additions": sum(f.additions for f in files),
            "deletions": sum(f.deletions for f in files),
            "changed_files": len(files),
        }

    def _association(self, login: str) -> str:
        return "OWNER" if login.lower() == self.repo.owner.login.lower() else "CONTRIBUTOR"
