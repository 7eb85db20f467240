"""What each pipeline command was asked, as typed records: parsed once from the command
line (or built by the action from its inputs), then handed to wiring and pipeline."""

from __future__ import annotations

import argparse
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TypeVar


@dataclass(frozen=True)
class RunRequest:
    """`kairos-ci run` and `kairos-ci fix-tests`."""

    repo: Path
    event: str | None = None  # default: GITHUB_EVENT_NAME
    payload: Path | None = None  # default: GITHUB_EVENT_PATH
    repository: str | None = None  # OWNER/NAME; default: GITHUB_REPOSITORY
    config: Path | None = None  # default: the default branch's own config
    dry_run: bool = False
    bundle_out: Path | None = None
    run_id: str | None = None  # default: GITHUB_RUN_ID and attempt
    local: bool = False  # a preview on this checkout: no GitHub, no token, nothing pushed


@dataclass(frozen=True)
class ReviewRequest:
    """`kairos-ci review`."""

    repo: Path
    event: str | None = None
    payload: Path | None = None
    repository: str | None = None
    dry_run: bool = False
    bundle_out: Path | None = None
    run_id: str | None = None
    full: bool = False  # the whole pull request, not only what changed since the last review
    local: str | None = None  # BASE..HEAD: a preview of this checkout's diff, no GitHub


@dataclass(frozen=True)
class ChatRequest:
    """`kairos-ci chat`."""

    repo: Path
    payload: Path | None = None
    repository: str | None = None
    run_id: str | None = None


@dataclass(frozen=True)
class PlanCommandRequest:
    """`kairos-ci plan` and `kairos-ci remember-plans` (which reads repo and state only)."""

    repo: Path
    event: str | None = None  # issue_comment or issues; default: GITHUB_EVENT_NAME
    payload: Path | None = None
    repository: str | None = None
    state: Path | None = None  # the plans and checkpoints; default: under RUNNER_TEMP


@dataclass(frozen=True)
class WorkRequest:
    """`kairos-ci work` and `kairos-ci integrate` (which reads repo and issue only)."""

    repo: Path
    issue: int = 0  # whose approved plan to work on
    worker: str = "1"  # this worker's name among the run's (a matrix leg)
    minutes: float = 50.0  # stop claiming after this long: the job's timeout, less room


@dataclass(frozen=True)
class SwarmRequest:
    """`kairos-ci swarm plan` and `kairos-ci swarm report`."""

    repo: Path
    issue: int = 0  # whose plan's board
    max_workers: int = 4  # plan: the concurrency allowance
    horizon: float = 60.0  # plan: minutes ahead the ready width looks
    run: str | None = None  # report: only this run's legs; relay: the run leaving it
    json: bool = False  # report: the numbers as JSON on stdout
    relay: bool = False  # plan: leave a relay for the next run when work remains


@dataclass(frozen=True)
class NextRequest:
    """`kairos-ci swarm next`: the relay workflow's first job."""

    repo: Path
    run: str = ""  # the swarm run that completed
    conclusion: str = "success"  # how it ended: only a success is relayed


@dataclass(frozen=True)
class FleetRequest:
    """`kairos-ci fleet discover` and `kairos-ci fleet dashboard`."""

    repo: Path  # the fleet repository's checkout
    fleet: Path | None = None  # the fleet file, relative to repo; default: found in it
    shard: int | None = None  # discover: this shard's repositories, not the matrix
    dry_run: bool = False  # dashboard: print the body, write nothing


Request = TypeVar(
    "Request",
    RunRequest,
    ReviewRequest,
    ChatRequest,
    PlanCommandRequest,
    WorkRequest,
    SwarmRequest,
    NextRequest,
    FleetRequest,
)


def from_args(kind: type[Request], args: argparse.Namespace) -> Request:
    """The request a parsed command line makes (options a command lacks keep defaults)."""
    given = {f.name: getattr(args, f.name) for f in fields(kind) if hasattr(args, f.name)}
    return kind(**given)
