"""The sandbox's own endpoints (``/_sandbox/...``) and the artifact storage host.

They are for tests and the demo: read the whole state, inject faults, change the rate
limit, add workflow runs. They need no token, and are never contract-checked.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from kairos_ci.errors import InputError
from kairos_ci.sandbox.github.actions import STORAGE_PREFIX, add_run
from kairos_ci.sandbox.github.app import EmulatedResponse, Request
from kairos_ci.sandbox.github.pull_shapes import PullShapes
from kairos_ci.sandbox.github.records import ContractViolation, FaultRule, JsonObject, LoggedRequest
from kairos_ci.sandbox.github.seed import parse_run
from kairos_ci.sandbox.github.shapes import Shapes
from kairos_ci.sandbox.github.store import FaultPlan, RepoState, Store

_FAULT_KINDS = frozenset(
    {"5xx", "ambiguous", "secondary", "secondary_429", "primary", "slow", "mixed"}
)


class Control:
    def __init__(self, store: Store, shapes: Shapes) -> None:
        self.store = store
        self.shapes = shapes

    def handle(self, request: Request) -> EmulatedResponse:
        key = (request.method, request.path.rstrip("/"))
        try:
            with self.store.lock:
                if key == ("GET", "/_sandbox/state"):
                    only = request.query.get("repo", [None])[-1]
                    return _json(200, self.state(only))
                if key == ("GET", "/_sandbox/health"):
                    return _json(200, {"ok": True})
                if key == ("POST", "/_sandbox/faults"):
                    return _json(200, self._set_faults(_load(request)))
                if key == ("DELETE", "/_sandbox/faults"):
                    self.store.faults = FaultPlan((), 0)
                    return _json(200, {"rules": 0})
                if key == ("DELETE", "/_sandbox/requests"):
                    self.store.requests.clear()
                    return _json(200, {"requests": 0})
                if key == ("POST", "/_sandbox/rate_limit"):
                    return _json(200, self._set_rate(_load(request)))
                if key == ("POST", "/_sandbox/workflow_runs"):
                    return _json(201, self._add_run(_load(request)))
                if request.method == "GET" and request.path.startswith(STORAGE_PREFIX):
                    return self._storage(request)
        except InputError as err:
            return _json(400, {"message": str(err)})
        return _json(404, {"message": "Not Found"})

    def state(self, only: str | None = None) -> JsonObject:
        """Everything held, or only repository ``only`` (OWNER/NAME) and its requests."""
        repos = {
            repo.full_name: self._repo_state(repo)
            for repo in self.store.all_repos()
            if only is None or repo.full_name.lower() == only.lower()
        }
        return {
            "repos": repos,
            "requests": [asdict(r) for r in self.store.requests],
            "violations": [asdict(v) for v in self.store.violations],
        }

    def _repo_state(self, repo: RepoState) -> JsonObject:
        shapes = PullShapes(self.shapes, repo, self.store.now())
        api = f"{self.shapes.base}/repos/{repo.full_name}"
        pulls = [shapes.pull(repo.pulls[n], repo.issues[n], full=True) for n in sorted(repo.pulls)]
        return {
            "pulls": pulls,
            "issues": [shapes.issue(i) for i in repo.issues.values() if not i.is_pull],
            "comments": [
                self.shapes.issue_comment(api, repo.full_name, c) for c in repo.comments.values()
            ],
            "reviews": [
                {**shapes.review(r), "pull_number": r.pull_number} for r in repo.reviews.values()
            ],
            "review_comments": [shapes.review_comment(c) for c in repo.review_comments.values()],
            "reactions": [
                {**self.shapes.reaction(r), "comment_id": r.comment_id}
                for r in repo.reactions.values()
            ],
            "labels": [self.shapes.label(api, lbl) for lbl in repo.labels.values()],
            "refs": dict(repo.git.refs()),
        }

    def _set_faults(self, data: Any) -> JsonObject:
        rules = []
        for index, item in enumerate(data.get("rules", [])):
            if not isinstance(item, dict) or item.get("kind") not in _FAULT_KINDS:
                raise InputError(f"rules[{index}]: kind must be one of {sorted(_FAULT_KINDS)}")
            allowed = set(FaultRule.__dataclass_fields__)
            unknown = set(item) - allowed
            if unknown:
                raise InputError(f"rules[{index}]: unknown fields {sorted(unknown)}")
            fields = dict(item)
            fields["methods"] = tuple(fields.get("methods", ()))
            fields["kinds"] = tuple(fields.get("kinds", ()))
            if set(fields["kinds"]) - _FAULT_KINDS or "mixed" in fields["kinds"]:
                raise InputError(f"rules[{index}]: kinds must be plain fault kinds")
            rules.append(FaultRule(**fields))
        self.store.faults = FaultPlan(tuple(rules), int(data.get("seed", 0)))
        return {"rules": len(rules)}

    def _set_rate(self, data: Any) -> JsonObject:
        if "limit" in data:
            self.store.limit = int(data["limit"])
        if "remaining" in data:
            self.store.limit = int(data["remaining"])
            self.store.used.clear()
        if "reset_in" in data:
            self.store.reset_at = int(self.store.clock()) + int(data["reset_in"])
        return {"limit": self.store.limit, "reset": self.store.reset_at}

    def _add_run(self, data: Any) -> JsonObject:
        seed = parse_run(data, "workflow run")
        owner, _, name = seed.repo.partition("/")
        repo = self.store.repo(owner, name)
        if repo is None:
            raise InputError(f"no repository {seed.repo} under {self.store.root}")
        run = add_run(self.store, repo, seed)
        artifacts = [a.id for a in repo.artifacts.values() if a.run_id == run.id]
        return {"id": run.id, "artifacts": artifacts}

    def _storage(self, request: Request) -> EmulatedResponse:
        """The storage host: serves an artifact zip, and refuses a request that carries
        the GitHub token (a leak on the real storage host), recording a violation."""
        parts = request.path[len(STORAGE_PREFIX) :].split("/")
        authorized = "authorization" in request.headers
        self.store.requests.append(
            LoggedRequest(
                "GET",
                request.path,
                request.query_string,
                200,
                None,
                "artifact-storage",
                None,
                authorized,
            )
        )
        if authorized:
            self.store.violations.append(
                ContractViolation(
                    "request",
                    "GET",
                    request.path,
                    "artifact-storage",
                    None,
                    ("the GitHub token was sent to the artifact storage host",),
                )
            )
            return _json(400, {"message": "Authorization header sent to the storage host"})
        if len(parts) != 3 or parts[2] != f"{self.store.storage_key}.zip":
            return _json(403, {"message": "Signature does not match"})
        for repo in self.store.repos.values():
            if str(repo.id) == parts[0]:
                artifact = repo.artifacts.get(int(parts[1])) if parts[1].isdigit() else None
                if artifact is not None:
                    headers = {"Content-Type": "application/zip"}
                    return EmulatedResponse(200, headers, artifact.content)
        return _json(404, {"message": "Not Found"})


def _load(request: Request) -> Any:
    try:
        data = json.loads(request.body or b"{}")
    except ValueError as err:
        raise InputError(f"body is not JSON: {err}") from None
    if not isinstance(data, dict):
        raise InputError("body must be a JSON object")
    return data


def _json(status: int, body: Any) -> EmulatedResponse:
    return EmulatedResponse(status, {"Content-Type": "application/json"}, json.dumps(body).encode())
