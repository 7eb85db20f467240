"""Small bundles for tests, with real patches made in the test world's clone."""

from __future__ import annotations

from typing import Any

from kairos_ci.bundle.load import parse_bundle
from kairos_ci.bundle.records import Bundle
from tests.sandbox.github.world import World


def make_patch(world: World, files: dict[str, str | None]) -> tuple[str, str]:
    """(base sha, `git diff --binary` patch) for ``files`` changed on main; None deletes."""
    world.git("checkout", "-q", "main")
    base = world.git("rev-parse", "HEAD")
    for name, text in files.items():
        target = world.work / name
        if text is None:
            target.unlink()
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)
    world.git("add", "-A")
    patch = world.git("diff", "--cached", "--binary", base) + "\n"
    world.git("reset", "-q", "--hard", base)
    return base, patch


def pr_write(
    base: str,
    patch: str,
    *,
    branch: str = "kairos/fix-lint/ruff",
    fingerprint: str = "lint-ruff-1",
    autonomy: str = "approve",
    **extra: Any,
) -> dict[str, Any]:
    payload = {
        "title": "Fix 3 ruff findings",
        "body": "Ran `ruff check --fix`.",
        "labels": ["kairos"],
        "change": {"base_sha": base, "patch": patch, "message": "Fix ruff findings"},
    }
    payload.update(extra)
    return {
        "kind": "pull_request",
        "fingerprint": fingerprint,
        "autonomy": autonomy,
        "task": "fix_lint",
        "why": "ruff reports 3 fixable findings",
        "target": {"branch": branch, "base": "main"},
        "payload": payload,
    }


def comment_write(
    number: int, body: str, fingerprint: str, autonomy: str = "suggest"
) -> dict[str, Any]:
    return {
        "kind": "comment",
        "fingerprint": fingerprint,
        "autonomy": autonomy,
        "why": "test",
        "target": {"number": number},
        "payload": {"body": body},
    }


def review_write(
    number: int, comments: list[dict[str, Any]], fingerprint: str = "review-1"
) -> dict[str, Any]:
    return {
        "kind": "review",
        "fingerprint": fingerprint,
        "autonomy": "suggest",
        "task": "review",
        "why": "findings on changed lines",
        "target": {"pull_number": number},
        "payload": {"body": "kairos review", "comments": comments},
    }


def dashboard_write(body: str, autonomy: str = "suggest") -> dict[str, Any]:
    return {
        "kind": "dashboard",
        "fingerprint": "dashboard",
        "autonomy": autonomy,
        "why": "nightly",
        "target": {"label": "kairos"},
        "payload": {"title": "kairos dashboard", "body": body},
    }


def label_write() -> dict[str, Any]:
    return {
        "kind": "label",
        "fingerprint": "label-kairos",
        "autonomy": "suggest",
        "why": "setup",
        "target": {"name": "kairos"},
        "payload": {"color": "5319e7", "description": "by kairos"},
    }


def bundle(*writes: dict[str, Any], repository: str = "octo/app") -> Bundle:
    return parse_bundle(bundle_data(*writes, repository=repository))


def bundle_data(*writes: dict[str, Any], repository: str = "octo/app") -> dict[str, Any]:
    return {"version": 1, "repository": repository, "writes": list(writes)}


def with_spend(data: dict[str, Any], run_id: str = "4242", **models: float) -> dict[str, Any]:
    """``data`` as a dry-run job leaves it: made by run ``run_id``, which spent ``models``
    (USD by model; tokens follow from it)."""
    spent = {
        name.replace("_", "-"): {
            "usd": usd,
            "input_tokens": int(usd * 100_000),
            "output_tokens": int(usd * 10_000),
        }
        for name, usd in models.items()
    }
    created_by = {"kairos": "0.0.0", "run_id": run_id, "event": "workflow_run"}
    return {
        **data,
        "created_by": created_by,
        "spend": {"at": "2026-11-27T03:00:00Z", "models": spent},
    }
