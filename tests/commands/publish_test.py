"""``kairos-ci publish BUNDLE`` as the second job of the hardened setup runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kairos_ci.clock import utc_now
from kairos_ci.memory.records import Spend, SpendLedger
from kairos_ci.memory.store import MemoryStore
from kairos_ci.sandbox.github.server import GitHubSandbox
from tests.bundle.builders import (
    bundle_data,
    comment_write,
    dashboard_write,
    make_patch,
    pr_write,
    review_write,
    with_spend,
)
from tests.sandbox.github.world import (
    KAIROS_TOKEN,
    MAINTAINER_TOKEN,
    World,
    add_branch,
    client,
    make_world,
    strict_sandbox,
    writes_made,
)


@pytest.fixture
def world(tmp_path: Path) -> World:
    return make_world(tmp_path)


@pytest.fixture
def sandbox(world: World) -> Iterator[GitHubSandbox]:
    with strict_sandbox(world) as running:
        yield running


def _publish(
    world: World,
    sandbox: GitHubSandbox,
    data: dict[str, Any],
    *extra: str,
    token: str | None = KAIROS_TOKEN,
    event: tuple[str, dict[str, Any]] | None = None,
) -> tuple[subprocess.CompletedProcess[str], str, str]:
    folder = world.work.parent
    config = folder / "kairos.yml"
    config.write_text("version: 1\nautonomy:\n  fix_lint: approve\n")
    if "--default-config" in extra:
        extra = tuple(e for e in extra if e != "--default-config")
    else:
        extra = ("--config", str(config), *extra)
    path = folder / "bundle.json"
    path.write_text(json.dumps(data))
    summary, output = folder / "summary.md", folder / "output.txt"
    summary.write_text("")
    output.write_text("")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "KAIROS_"))}
    env.update(
        GITHUB_API_URL=sandbox.base_url,
        GITHUB_REPOSITORY=world.full_name,
        GITHUB_STEP_SUMMARY=str(summary),
        GITHUB_OUTPUT=str(output),
    )
    if token:
        env["GITHUB_TOKEN"] = token
    if event is not None:
        name, payload = event
        (folder / "event.json").write_text(json.dumps(payload))
        env.update(GITHUB_EVENT_NAME=name, GITHUB_EVENT_PATH=str(folder / "event.json"))
    done = subprocess.run(
        [sys.executable, "-m", "kairos_ci", "publish", str(path), *extra],
        cwd=world.work,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return done, summary.read_text(), output.read_text()


def test_publish_applies_then_finds_nothing_left_to_do(
    world: World, sandbox: GitHubSandbox
) -> None:
    base, patch = make_patch(world, {"app.py": "fixed\n"})
    data = bundle_data(pr_write(base, patch), dashboard_write("## Needs your decision\n"))
    done, summary, output = _publish(world, sandbox, data)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("writes: 2 applied")
    assert "| applied | pull request kairos/fix-lint/ruff -&gt; main | approve |" in summary
    urls = json.loads(output.split("pr-urls<<")[1].splitlines()[1])
    assert urls == [f"{sandbox.base_url}/octo/app/pull/1"]
    again, _, _ = _publish(world, sandbox, data)
    assert again.stdout.strip().endswith("writes: 2 unchanged")


def test_the_repository_config_caps_what_the_bundle_asks_for(
    world: World, sandbox: GitHubSandbox
) -> None:
    base, patch = make_patch(world, {"app.py": "fixed\n"})
    done, summary, _ = _publish(
        world, sandbox, bundle_data(pr_write(base, patch)), "--default-config"
    )
    assert done.returncode == 0, done.stderr
    assert "needs autonomy approve; allowed for fix_lint is suggest" in summary
    assert writes_made(sandbox) == []


def test_dry_run_shows_the_plan_and_writes_nothing(world: World, sandbox: GitHubSandbox) -> None:
    base, patch = make_patch(world, {"app.py": "fixed\n"})
    data = bundle_data(pr_write(base, patch), comment_write(1, "hello", "c-1"))
    done, summary, _ = _publish(world, sandbox, data, "--dry-run", token=None)
    assert done.returncode == 0, done.stderr
    assert "### Writes (dry run: nothing applied)" in summary
    assert "| planned | comment on #1 |" in summary
    assert writes_made(sandbox) == []
    assert world.git("ls-remote", "--heads", "origin").count("refs/heads/") == 1


def test_bad_bundles_and_setups_fail_in_one_line(world: World, sandbox: GitHubSandbox) -> None:
    broken = bundle_data(comment_write(1, "x", "c-1"))
    broken["writes"][0]["autonomy"] = "everything"
    done, _, _ = _publish(world, sandbox, broken)
    assert done.returncode == 1 and "writes[0].autonomy" in done.stderr
    assert "Traceback" not in done.stderr
    elsewhere = bundle_data(comment_write(1, "x", "c-1"), repository="octo/other")
    done, _, _ = _publish(world, sandbox, elsewhere)
    assert done.returncode == 2 and "the bundle is for octo/other" in done.stderr
    done, _, _ = _publish(world, sandbox, bundle_data(comment_write(1, "x", "c-1")), token=None)
    assert done.returncode == 2 and "needs GITHUB_TOKEN" in done.stderr


def test_a_failed_write_fails_the_step(world: World, sandbox: GitHubSandbox) -> None:
    done, summary, _ = _publish(world, sandbox, bundle_data(comment_write(42, "x", "c-1")))
    assert done.returncode == 1
    assert "| failed | comment on #42 |" in summary
    shown = done.stdout.replace(f"::add-mask::{KAIROS_TOKEN}", "") + done.stderr + summary
    assert KAIROS_TOKEN not in shown  # only ever handed to the runner to mask


def test_a_bundle_that_would_publish_a_secret_is_refused(
    world: World, sandbox: GitHubSandbox
) -> None:
    # Reversed, the token is no token shape: only the publish job's own secrets find it.
    disguised = KAIROS_TOKEN[::-1]
    base, patch = make_patch(world, {"app.py": "fixed\n"})
    write = pr_write(base, patch, body=f"Fixed. {disguised}")
    write["why"] = f"ruff says {disguised}"  # the summary shows it: redacted there
    done, summary, _ = _publish(world, sandbox, bundle_data(write))
    assert done.returncode == 1, done.stderr  # the publishing step fails: someone must look
    assert done.stdout.strip().endswith("writes: 1 failed")
    assert "| failed | pull request kairos/fix-lint/ruff -&gt; main |" in summary
    assert "| ruff says [REDACTED] |" in summary
    assert "not published: a secret or token in the why text, PR body" in summary
    assert disguised not in done.stdout + done.stderr + summary
    assert writes_made(sandbox) == []
    assert world.git("ls-remote", "--heads", "origin").count("refs/heads/") == 1


def _ledger(world: World) -> SpendLedger:
    return MemoryStore(world.work, "kairos/memory", clock=utc_now).load().memory.spend


def _failed_run(head_repo: str, head_sha: str = "a" * 40) -> tuple[str, dict[str, Any]]:
    """The event both jobs of a two-job fix-tests workflow see: a CI run that failed."""
    run = {
        "id": 77,
        "name": "CI",
        "conclusion": "failure",
        "head_sha": head_sha,
        "head_branch": "feature",
        "event": "pull_request",
        "pull_requests": [],
        "head_repository": {"full_name": head_repo},
        "actor": {"login": "maria", "type": "User"},
    }
    repository = {"full_name": "octo/app", "default_branch": "main"}
    return "workflow_run", {"action": "completed", "workflow_run": run, "repository": repository}


def test_a_dry_run_jobs_spend_is_recorded_once(world: World, sandbox: GitHubSandbox) -> None:
    data = with_spend(
        bundle_data(dashboard_write("## Runs\n")), claude_sonnet_4_5=0.5, claude_haiku_4_5=0.02
    )
    done, summary, _ = _publish(world, sandbox, data, event=_failed_run("octo/app"))
    assert done.returncode == 0, done.stderr
    assert "spend of run 4242: memory: saved at " in summary
    expected = {
        "claude-sonnet-4-5": Spend(0.5, 50_000, 5_000),
        "claude-haiku-4-5": Spend(0.02, 2_000, 200),
    }
    ledger = _ledger(world)
    assert ledger.runs == {"4242": expected}
    assert ledger.days == {"2026-11-27": expected}  # the dry run's day, not publish's
    assert ledger.months == {"2026-11": expected}

    again, summary, _ = _publish(world, sandbox, data, event=_failed_run("octo/app"))
    assert again.returncode == 0, again.stderr
    assert "spend of run 4242: already in memory" in summary
    assert _ledger(world) == ledger


def test_spend_is_not_recorded_for_a_fork_or_a_dry_run(
    world: World, sandbox: GitHubSandbox
) -> None:
    data = with_spend(bundle_data(dashboard_write("## Runs\n")), claude_sonnet_4_5=0.5)
    done, summary, _ = _publish(world, sandbox, data, event=_failed_run("mallory/app"))
    assert done.returncode == 0, done.stderr
    assert "spend of run 4242: a fork's pull request is handled read-only" in summary
    done, summary, _ = _publish(world, sandbox, data, "--dry-run", token=None)
    assert done.returncode == 0, done.stderr
    assert "spend of run 4242: not saved (dry run)" in summary
    assert "kairos/memory" not in world.git("ls-remote", "--heads", "origin")


def test_an_unreadable_event_records_no_spend(world: World, sandbox: GitHubSandbox) -> None:
    data = with_spend(bundle_data(), claude_sonnet_4_5=0.5)
    done, summary, _ = _publish(world, sandbox, data, event=("workflow_run", {"action": 1}))
    assert done.returncode == 0, done.stderr
    assert "spend of run 4242: not recorded: the workflow_run event could not be read" in summary
    assert "kairos/memory" not in world.git("ls-remote", "--heads", "origin")


def _fork_pull(world: World, sandbox: GitHubSandbox) -> tuple[int, str]:
    """A pull request whose head the event says is a fork's: its number and head commit."""
    sha = add_branch(world, "feature", {"app.py": "changed\n"})
    world.git("push", "-q", "origin", "feature")
    repo = client(sandbox, MAINTAINER_TOKEN).get_repo(world.full_name)
    return repo.create_pull(
        base="main", head="feature", title="A fork's change", body=""
    ).number, sha


def test_a_forks_run_publishes_only_a_review_on_its_own_pull_request(
    world: World, sandbox: GitHubSandbox
) -> None:
    number, sha = _fork_pull(world, sandbox)
    data = bundle_data(
        review_write(number, [], fingerprint="review-own"),
        review_write(number + 1, [], fingerprint="review-other"),
        comment_write(number, "hello", "c-1"),
        dashboard_write("## Owned by a fork\n"),
    )
    done, summary, _ = _publish(world, sandbox, data, event=_failed_run("mallory/app", sha))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("writes: 1 applied, 3 skipped")
    assert f"the run was for #{number}, not #{number + 1}" in summary
    assert summary.count("a fork's run may publish only a review on its pull request") == 2
    assert writes_made(sandbox) == [
        ("POST", "/repos/octo/app/pulls"),  # the fork's pull request, opened above
        ("POST", f"/repos/octo/app/issues/{number}/comments"),  # a review with no inline comment
    ]


def test_a_forks_run_without_an_open_pull_request_publishes_nothing(
    world: World, sandbox: GitHubSandbox
) -> None:
    data = bundle_data(review_write(1, []))
    done, summary, _ = _publish(world, sandbox, data, event=_failed_run("mallory/app"))
    assert done.returncode == 0, done.stderr
    assert f"no open pull request has head {'a' * 12}" in summary
    assert writes_made(sandbox) == []
    done, summary, _ = _publish(
        world, sandbox, data, "--dry-run", token=None, event=_failed_run("mallory/app")
    )
    assert "run 77's pull request is looked up only with a token" in summary


def test_a_run_from_this_repository_is_not_limited_to_reviews(
    world: World, sandbox: GitHubSandbox
) -> None:
    data = bundle_data(comment_write(1, "hello", "c-1"))
    done, summary, _ = _publish(
        world, sandbox, data, "--dry-run", token=None, event=_failed_run("octo/app")
    )
    assert done.returncode == 0, done.stderr
    assert "| planned | comment on #1 |" in summary
