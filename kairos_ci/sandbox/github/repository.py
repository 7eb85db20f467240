"""Repository routes: the repository, git refs, collaborator permission, rate limit."""

from __future__ import annotations

import re

from kairos_ci.sandbox.github.calls import Call, HttpError, Reply, validation_failed
from kairos_ci.sandbox.github.records import RepoRole

_SHA = re.compile(r"^[0-9a-f]{40}$")
_LEGACY = {
    RepoRole.ADMIN: "admin",
    RepoRole.MAINTAIN: "write",
    RepoRole.WRITE: "write",
    RepoRole.TRIAGE: "read",
    RepoRole.READ: "read",
    RepoRole.NONE: "none",
}


def get_repo(call: Call) -> Reply:
    repo = call.the_repo()
    call.require(RepoRole.READ)
    shape = call.shapes.repository(repo.facts(call.store.now()))
    perm = call.permission()
    shape["permissions"] = {
        "admin": perm >= RepoRole.ADMIN,
        "maintain": perm >= RepoRole.MAINTAIN,
        "push": perm >= RepoRole.WRITE,
        "triage": perm >= RepoRole.TRIAGE,
        "pull": perm >= RepoRole.READ,
    }
    return Reply(200, shape)


def get_ref(call: Call) -> Reply:
    repo = call.the_repo()
    call.require(RepoRole.READ)
    ref = "refs/" + call.params["ref"].removeprefix("refs/")
    sha = repo.git.resolve(ref) if ref.startswith(("refs/heads/", "refs/tags/")) else None
    if sha is None:
        raise HttpError(404, "Not Found")
    return Reply(200, call.pull_shapes().ref(ref, sha))


def create_ref(call: Call) -> Reply:
    repo = call.the_repo()
    call.require(RepoRole.WRITE)
    body = call.json_object()
    ref = str(body.get("ref", ""))
    sha = str(body.get("sha", ""))
    if not ref.startswith("refs/") or ref.count("/") < 2:
        raise HttpError(
            422, "Reference name must start with 'refs/' and have at least two slashes."
        )
    if not _SHA.match(sha) or repo.git.resolve(sha) is None:
        raise HttpError(422, "Object does not exist")
    if repo.git.resolve(ref) is not None:
        raise HttpError(422, "Reference already exists")
    repo.git.update_ref(ref, sha, "0" * 40)
    shape = call.pull_shapes().ref(ref, sha)
    return Reply(201, shape, headers={"Location": shape["url"]})


def update_ref(call: Call) -> Reply:
    repo = call.the_repo()
    call.require(RepoRole.WRITE)
    ref = "refs/" + call.params["ref"].removeprefix("refs/")
    body = call.json_object()
    sha = str(body.get("sha", ""))
    old = repo.git.resolve(ref)
    if old is None:
        raise validation_failed("Reference", "ref", "invalid", "Reference does not exist")
    if not _SHA.match(sha) or repo.git.resolve(sha) is None:
        raise validation_failed("Reference", "sha", "invalid", "Object does not exist")
    if not body.get("force") and not repo.git.is_ancestor(old, sha):
        raise validation_failed("Reference", "sha", "custom", "Update is not a fast forward")
    repo.git.update_ref(ref, sha, old)
    return Reply(200, call.pull_shapes().ref(ref, sha))


def delete_ref(call: Call) -> Reply:
    repo = call.the_repo()
    call.require(RepoRole.WRITE)
    ref = "refs/" + call.params["ref"].removeprefix("refs/")
    if repo.git.resolve(ref) is None:
        raise HttpError(422, "Reference does not exist")
    repo.git.delete_ref(ref)
    return Reply(204)


def collaborator_permission(call: Call) -> Reply:
    repo = call.the_repo()
    if call.permission() < RepoRole.WRITE:
        raise HttpError(403, "Must have push access to view collaborator permission.")
    login = call.params["username"]
    user = call.store.users.get(login)
    if user is None:
        raise HttpError(404, "Not Found")
    level = call.store.permission(repo, user)
    collaborator = call.shapes.user(user)
    collaborator["role_name"] = str(level)
    collaborator["permissions"] = {
        "admin": level >= RepoRole.ADMIN,
        "maintain": level >= RepoRole.MAINTAIN,
        "push": level >= RepoRole.WRITE,
        "triage": level >= RepoRole.TRIAGE,
        "pull": level >= RepoRole.READ,
    }
    body = {"permission": _LEGACY[level], "role_name": str(level), "user": collaborator}
    return Reply(200, body)


def rate_limit(call: Call) -> Reply:
    store = call.store
    core = {
        "limit": store.limit,
        "remaining": store.remaining(call.user.login),
        "reset": store.reset_at,
        "used": store.used.get(call.user.login, 0),
    }
    return Reply(200, {"resources": {"core": core}, "rate": core})
