"""The seed file: who the sandbox's users are, what they may do, and past workflow runs.

.. code-block:: json

    {
      "users": {
        "kairos-ci[bot]": {"token": "ghs_kairos", "permission": "write", "type": "Bot"},
        "maria": {"token": "ghp_maria", "permission": "admin"},
        "eve": {"tokens": ["ghp_eve"], "permission": "none"}
      },
      "repos": {"octo/app": {"permissions": {"eve": "read"}}},
      "rate_limit": 5000,
      "workflow_runs": [
        {"repo": "octo/app", "name": "CI", "head_branch": "main", "event": "push",
         "status": "completed", "conclusion": "failure",
         "artifacts": [{"name": "junit", "files": {"junit.xml": "<testsuites/>"}}]}
      ]
    }

Without a seed file, every token is accepted as the user ``kairos-ci[bot]`` with write
permission: handy for a local demo, never what a test of permissions wants.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NoReturn

from kairos_ci.errors import InputError
from kairos_ci.sandbox.github.records import ArtifactSeed, RepoRole, RunSeed, Seed, StoredUser

DEFAULT_LOGIN = "kairos-ci[bot]"
SEED_LIMIT_BYTES = 4 * 1024 * 1024


def default_seed() -> Seed:
    bot = StoredUser(DEFAULT_LOGIN, 1, "Bot")
    return Seed(
        tokens={},
        users={DEFAULT_LOGIN: bot},
        permissions={DEFAULT_LOGIN: RepoRole.WRITE},
        any_token_login=DEFAULT_LOGIN,
    )


def load_seed(path: Path) -> Seed:
    try:
        if path.stat().st_size > SEED_LIMIT_BYTES:
            raise InputError(f"{path}: seed file is larger than {SEED_LIMIT_BYTES} bytes")
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as err:
        raise InputError(f"{path}: cannot read the seed file: {err}") from None
    return parse_seed(data, str(path))


def parse_seed(data: Any, source: str = "seed") -> Seed:
    if not isinstance(data, dict):
        raise InputError(f"{source}: the seed must be a JSON object")
    tokens: dict[str, str] = {}
    users: dict[str, StoredUser] = {}
    permissions: dict[str, RepoRole] = {}
    for index, (login, spec) in enumerate(_object(data, "users", source).items(), start=1):
        where = f"{source}: users.{login}"
        spec = spec if isinstance(spec, dict) else _fail(where, "must be an object")
        users[login] = StoredUser(login, index, str(spec.get("type", "User")))
        permissions[login] = _permission(spec.get("permission", "read"), where)
        given = spec.get("tokens", [spec["token"]] if "token" in spec else [])
        for token in given if isinstance(given, list) else _fail(where, "tokens must be a list"):
            tokens[str(token)] = login
    repo_permissions = {
        name.lower(): {
            login: _permission(level, f"{source}: repos.{name}.permissions.{login}")
            for login, level in _object(spec, "permissions", f"{source}: repos.{name}").items()
        }
        for name, spec in _object(data, "repos", source).items()
    }
    runs = tuple(
        _run(item, f"{source}: workflow_runs[{i}]")
        for i, item in enumerate(data.get("workflow_runs", []))
    )
    limit = data.get("rate_limit", 5000)
    if not isinstance(limit, int) or limit < 1:
        _fail(f"{source}: rate_limit", "must be a positive integer")
    return Seed(tokens, users, permissions, repo_permissions, runs, limit)


def parse_run(item: Any, where: str) -> RunSeed:
    return _run(item, where)


def _run(item: Any, where: str) -> RunSeed:
    if not isinstance(item, dict):
        _fail(where, "must be an object")
    try:
        artifacts = tuple(
            ArtifactSeed(
                str(a["name"]),
                {str(k): str(v) for k, v in a.get("files", {}).items()},
                bool(a.get("expired", False)),
            )
            for a in item.get("artifacts", [])
        )
        return RunSeed(
            repo=str(item["repo"]),
            name=str(item.get("name", "CI")),
            head_branch=str(item.get("head_branch", "main")),
            event=str(item.get("event", "push")),
            status=str(item.get("status", "completed")),
            conclusion=item.get("conclusion", "success"),
            head_sha=item.get("head_sha"),
            artifacts=artifacts,
        )
    except (KeyError, TypeError, AttributeError) as err:
        _fail(where, f"missing or malformed field {err}")


def _object(data: Mapping[str, Any], key: str, where: str) -> dict[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        _fail(f"{where}: {key}", "must be an object")
    return dict(value)


def _permission(value: Any, where: str) -> RepoRole:
    try:
        return RepoRole.parse(str(value))
    except KeyError:
        names = ", ".join(str(p) for p in RepoRole)
        _fail(where, f"unknown permission {value!r} (expected one of {names})")


def _fail(where: str, message: str) -> NoReturn:
    raise InputError(f"{where}: {message}")
