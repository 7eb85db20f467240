"""Workflow runs and their artifacts. Runs come from the seed file (or
``POST /_sandbox/workflow_runs``); an artifact download answers 302 to a storage URL
that must be fetched without the GitHub token, as on GitHub."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping

from kairos_ci.sandbox.github.calls import Call, HttpError, Reply
from kairos_ci.sandbox.github.records import (
    JsonObject,
    RepoRole,
    RunSeed,
    StoredArtifact,
    StoredWorkflowRun,
)
from kairos_ci.sandbox.github.shapes import node_id
from kairos_ci.sandbox.github.store import RepoState, Store

STORAGE_PREFIX = "/_storage/artifacts/"


def add_run(store: Store, repo: RepoState, seed: RunSeed) -> StoredWorkflowRun:
    head_sha = seed.head_sha or repo.git.branch_sha(seed.head_branch) or "0" * 40
    run = StoredWorkflowRun(
        id=store.next_id(),
        run_number=len(repo.runs) + 1,
        name=seed.name,
        head_branch=seed.head_branch,
        head_sha=head_sha,
        event=seed.event,
        status=seed.status,
        conclusion=seed.conclusion,
        actor=repo.owner,
        created_at=store.now(),
    )
    repo.runs[run.id] = run
    for artifact in seed.artifacts:
        stored = StoredArtifact(
            id=store.next_id(),
            run_id=run.id,
            name=artifact.name,
            content=_zip(artifact.files),
            expired=artifact.expired,
            created_at=run.created_at,
        )
        repo.artifacts[stored.id] = stored
    return run


def list_runs(call: Call) -> Reply:
    repo = call.the_repo()
    call.require(RepoRole.READ)
    filters = {
        "head_branch": call.arg("branch"),
        "event": call.arg("event"),
        "head_sha": call.arg("head_sha"),
    }
    status = call.arg("status")
    runs = []
    for run in sorted(repo.runs.values(), key=lambda r: r.id, reverse=True):
        if any(value and getattr(run, key) != value for key, value in filters.items()):
            continue
        if status and status not in (run.status, run.conclusion):
            continue
        runs.append(run_shape(call, run))
    body = {"total_count": len(runs), "workflow_runs": runs}
    return Reply(200, body, page_key="workflow_runs")


def get_run(call: Call) -> Reply:
    call.require(RepoRole.READ)
    return Reply(200, run_shape(call, _run(call)))


def list_artifacts(call: Call) -> Reply:
    repo = call.the_repo()
    call.require(RepoRole.READ)
    run = _run(call)
    name = call.arg("name")
    found = [
        artifact_shape(call, a)
        for a in sorted(repo.artifacts.values(), key=lambda a: a.id)
        if a.run_id == run.id and (not name or a.name == name)
    ]
    return Reply(200, {"total_count": len(found), "artifacts": found}, page_key="artifacts")


def download_artifact(call: Call) -> Reply:
    repo = call.the_repo()
    call.require(RepoRole.READ)
    artifact = repo.artifacts.get(call.int_param("artifact_id"))
    if artifact is None or call.params["archive_format"] != "zip":
        raise HttpError(404, "Not Found")
    if artifact.expired:
        raise HttpError(410, "Artifact has expired")
    location = (
        f"{call.shapes.base}{STORAGE_PREFIX}{repo.id}/{artifact.id}/{call.store.storage_key}.zip"
    )
    return Reply(302, headers={"Location": location})


def run_shape(call: Call, run: StoredWorkflowRun) -> JsonObject:
    repo = call.the_repo()
    api = f"{call.shapes.base}/repos/{repo.full_name}"
    url = f"{api}/actions/runs/{run.id}"
    repo_shape = call.shapes.repository(repo.facts(call.store.now()))
    workflow_id = 161335
    return {
        "id": run.id,
        "name": run.name,
        "node_id": node_id("WorkflowRun", run.id),
        "check_suite_id": run.id + 1,
        "check_suite_node_id": node_id("CheckSuite", run.id + 1),
        "head_branch": run.head_branch,
        "head_sha": run.head_sha,
        "path": ".github/workflows/ci.yml",
        "display_title": run.name,
        "run_number": run.run_number,
        "run_attempt": 1,
        "event": run.event,
        "status": run.status,
        "conclusion": run.conclusion,
        "workflow_id": workflow_id,
        "url": url,
        "html_url": call.shapes.html(f"{repo.full_name}/actions/runs/{run.id}"),
        "pull_requests": [],
        "created_at": run.created_at,
        "updated_at": run.created_at,
        "run_started_at": run.created_at,
        "actor": call.shapes.user(run.actor),
        "triggering_actor": call.shapes.user(run.actor),
        "jobs_url": f"{url}/jobs",
        "logs_url": f"{url}/logs",
        "check_suite_url": f"{api}/check-suites/{run.id + 1}",
        "artifacts_url": f"{url}/artifacts",
        "cancel_url": f"{url}/cancel",
        "rerun_url": f"{url}/rerun",
        "previous_attempt_url": None,
        "workflow_url": f"{api}/actions/workflows/{workflow_id}",
        "head_commit": None,
        "repository": repo_shape,
        "head_repository": repo_shape,
    }


def artifact_shape(call: Call, artifact: StoredArtifact) -> JsonObject:
    repo = call.the_repo()
    url = f"{call.shapes.base}/repos/{repo.full_name}/actions/artifacts/{artifact.id}"
    run = repo.runs[artifact.run_id]
    return {
        "id": artifact.id,
        "node_id": node_id("Artifact", artifact.id),
        "name": artifact.name,
        "size_in_bytes": len(artifact.content),
        "url": url,
        "archive_download_url": f"{url}/zip",
        "expired": artifact.expired,
        "created_at": artifact.created_at,
        "expires_at": artifact.created_at,
        "updated_at": artifact.created_at,
        "workflow_run": {
            "id": run.id,
            "repository_id": repo.id,
            "head_repository_id": repo.id,
            "head_branch": run.head_branch,
            "head_sha": run.head_sha,
        },
    }


def _run(call: Call) -> StoredWorkflowRun:
    found = call.the_repo().runs.get(call.int_param("run_id"))
    if found is None:
        raise HttpError(404, "Not Found")
    return found


def _zip(files: Mapping[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()
