"""Benchmark: how many GitHub API requests the standard scenarios cost.

    python bench/api_calls.py

Runs the real PyGithub adapter against the GitHub sandbox (loopback, real git) and
applies a bundle per scenario, then prints the requests each one made: all of them,
the reads, and the content-creating ones (POST/PATCH/PUT/DELETE, GraphQL mutations).

- review: one review with 40 inline comments on an open PR (first run).
- review, rerun: the same review again (every comment already posted).
- nightly, nothing to do: the dashboard is already current.
- nightly, one PR: one new fix PR (pushed with git, not REST) plus its label and the
  dashboard update that lists it.
- nightly, one PR, rerun: the same bundle again.
"""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kairos_ci.bundle.apply import ApplySettings, apply
from kairos_ci.bundle.load import parse_bundle
from kairos_ci.config.load import parse_config
from kairos_ci.forge.branches import Branches
from kairos_ci.forge.github import GitHubSettings, connect
from kairos_ci.forge.pacing import Pacing
from kairos_ci.sandbox.github.seed import parse_seed
from kairos_ci.sandbox.github.server import GitHubSandbox, running_sandbox

TOKEN = "ghs_bench"
CONFIG = parse_config(
    b"version: 1\nautonomy:\n  default: approve\nlimits:\n  max_review_comments: 50\n", "bench"
)
LINES = 60


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        root, work = _world(Path(tmp))
        seed = parse_seed({"users": {"kairos-ci[bot]": {"token": TOKEN, "permission": "write"}}})
        with running_sandbox(root, seed, None, strict=False) as sandbox:
            rows = _scenarios(sandbox, work)
    print(f"{'scenario':<28} {'requests':>8} {'reads':>6} {'writes':>7}")
    for name, counts in rows:
        print(f"{name:<28} {counts['all']:>8} {counts['reads']:>6} {counts['writes']:>7}")
    return 0


def _scenarios(sandbox: GitHubSandbox, work: Path) -> list[tuple[str, dict[str, int]]]:
    forge = connect(
        sandbox.base_url,
        TOKEN,
        "octo/app",
        settings=GitHubSettings(seconds_between_requests=None, seconds_between_writes=None),
        pacing=Pacing(sleep=lambda _: None),
    )
    branches = Branches(work)

    def run(writes: list[dict[str, Any]]) -> dict[str, int]:
        bundle = parse_bundle({"version": 1, "repository": "octo/app", "writes": writes})
        return _count(sandbox, lambda: apply(bundle, forge, branches, ApplySettings(CONFIG)))

    human = _human_pull(sandbox, work)
    review = [_review(human)]
    board = _dashboard("## Needs your decision\n\n_Nothing needs your decision._")
    run([board])  # the dashboard exists before the nightly scenarios
    base = _git(work, "rev-parse", "HEAD")
    pr_writes = [_label(), _pull_request(base, _patch(work)), _dashboard("## Open\n\n- #2 Fix")]
    return [
        ("review (40 comments)", run(review)),
        ("review, rerun", run(review)),
        ("nightly, nothing to do", run([board])),
        ("nightly, one PR", run(pr_writes)),
        ("nightly, one PR, rerun", run(pr_writes)),
    ]


def _count(sandbox: GitHubSandbox, action: Callable[[], Any]) -> dict[str, int]:
    sandbox.control_call("DELETE", "/_sandbox/requests")
    result = action()
    assert not result.failed, result.failed
    made = [r for r in sandbox.store.requests if r.operation != "artifact-storage"]
    writes = sum(1 for r in made if r.method != "GET")
    return {"all": len(made), "reads": len(made) - writes, "writes": writes}


def _world(tmp: Path) -> tuple[Path, Path]:
    root = tmp / "github"
    origin = root / "octo" / "app.git"
    origin.parent.mkdir(parents=True)
    _git(tmp, "init", "-q", "--bare", "-b", "main", str(origin))
    work = tmp / "work"
    _git(tmp, "clone", "-q", str(origin), str(work))
    _git(work, "checkout", "-q", "-b", "main")
    (work / "app.py").write_text("".join(f"line {i}\n" for i in range(1, LINES + 1)))
    _git(work, "add", "-A")
    _git(work, "commit", "-q", "-m", "initial")
    _git(work, "push", "-q", "origin", "main")
    return root, work


def _human_pull(sandbox: GitHubSandbox, work: Path) -> int:
    _git(work, "checkout", "-q", "-b", "feature")
    (work / "app.py").write_text("".join(f"changed {i}\n" for i in range(1, LINES + 1)))
    _git(work, "commit", "-q", "-am", "a human's change")
    _git(work, "push", "-q", "origin", "feature")
    _git(work, "checkout", "-q", "main")
    from github import Auth, Github

    gh = Github(auth=Auth.Token(TOKEN), base_url=sandbox.base_url, retry=None, lazy=True)
    pull = gh.get_repo("octo/app").create_pull(base="main", head="feature", title="F", body="")
    return int(pull.number)


def _patch(work: Path) -> str:
    (work / "app.py").write_text("fixed\n" + "".join(f"line {i}\n" for i in range(2, LINES + 1)))
    patch = _git(work, "diff", "--binary") + "\n"
    _git(work, "checkout", "-q", "--", "app.py")
    return patch


def _review(number: int) -> dict[str, Any]:
    comments = [
        {"path": "app.py", "line": n, "body": f"finding {n}", "fingerprint": f"f-{n}"}
        for n in range(1, 41)
    ]
    return _write(
        "review", "review-1", {"pull_number": number}, {"body": "r", "comments": comments}
    )


def _dashboard(body: str) -> dict[str, Any]:
    return _write("dashboard", "dashboard", {"label": "kairos"}, {"title": "kairos", "body": body})


def _label() -> dict[str, Any]:
    return _write("label", "label", {"name": "kairos"}, {"color": "5319e7"})


def _pull_request(base: str, patch: str) -> dict[str, Any]:
    payload = {
        "title": "Fix lint",
        "body": "Ran the linter's fix.",
        "labels": ["kairos"],
        "change": {"base_sha": base, "patch": patch, "message": "Fix lint"},
    }
    target = {"branch": "kairos/fix-lint/ruff", "base": "main"}
    return _write("pull_request", "lint-1", target, payload)


def _write(kind: str, fp: str, target: dict[str, Any], payload: dict[str, Any]) -> dict[str, Any]:
    return {
        "kind": kind,
        "fingerprint": fp,
        "autonomy": "approve",
        "why": "bench",
        "target": target,
        "payload": payload,
    }


def _git(cwd: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=b", "-c", "user.email=b@example.com", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


if __name__ == "__main__":
    raise SystemExit(main())
