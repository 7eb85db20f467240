"""The run's context: the only module that reads the process environment.

Everything the run needs from ``GITHUB_*``, ``RUNNER_*``, ``ANTHROPIC_*`` and the
action's ``KAIROS_*`` inputs is read here once, into a frozen value.
Secrets are wrapped so that printing the context cannot reveal them.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from kairos_ci.clock import Clock, utc_now
from kairos_ci.errors import UsageError

DEFAULT_API_URL = "https://api.github.com"


@dataclass(frozen=True)
class Secret:
    """A credential. ``str`` and ``repr`` never show it; ``reveal`` does, on purpose."""

    _value: str

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__


@dataclass(frozen=True)
class ActionInputs:
    """The action's inputs, as ``action.yml`` maps them to ``KAIROS_*`` variables."""

    command: str
    config: str | None
    dry_run: bool
    log_level: str
    issue: int = 0  # `command: work`: the issue whose approved plan to carry out
    worker: str = "1"  # `command: work`: this worker's name among the run's legs
    max_workers: int = 0  # `command: swarm-plan`: the most legs at once; 0: its default
    repository: str | None = None  # `command: nightly` in a fleet leg: OWNER/NAME checked out


@dataclass(frozen=True)
class Context:
    in_actions: bool
    event_name: str | None
    event_path: Path | None
    repository: str | None
    sha: str | None
    ref: str | None
    workspace: Path | None
    run_id: str | None
    run_attempt: str | None
    actor: str | None
    api_url: str
    server_url: str
    runner_temp: Path | None
    output_file: Path | None
    summary_file: Path | None
    debug: bool
    github_token: Secret | None
    anthropic_api_key: Secret | None
    anthropic_base_url: str | None
    inputs: ActionInputs
    tool_env: Mapping[str, str]  # what child processes (tests, linters, git) may see
    # PIP_INDEX_URL may embed a token; only the dependency registry client opens it.
    pip_index_url: Secret | None = None
    memory_key: Secret | None = None  # signs and authenticates the memory branch
    webhook_url: Secret | None = None  # alerts go here; a Slack URL is itself a credential
    webhook_key: Secret | None = None  # signs each alert body (HMAC-SHA256)
    clock: Clock = utc_now  # the run's time source; tests hand in a fixed one

    def secrets(self) -> tuple[Secret, ...]:
        held = (
            self.github_token, self.anthropic_api_key, self.memory_key,
            self.webhook_url, self.webhook_key,
        )  # fmt: skip
        return tuple(s for s in held if s is not None)


# What a child tool (git, a linter, the test command) inherits from us: enough to
# find programs and a home, never a token or key.
_TOOL_VARIABLES = ("PATH", "HOME", "TMPDIR", "LANG", "SYSTEMROOT", "VIRTUAL_ENV")


def tool_environment(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment subset that child processes may see."""
    env = os.environ if environ is None else environ
    return {name: env[name] for name in _TOOL_VARIABLES if name in env}


LOG_LEVELS = ("debug", "info", "warning", "error")


def flag(value: str | None, key: str) -> bool:
    """A boolean input: ``true`` or ``false`` (any case), absent is false. Anything else is
    a usage error: a value such as ``true$(x)`` must never fall back to a default that
    writes for real."""
    if value is None or value.strip() == "":
        return False
    word = value.strip().lower()
    if word not in ("true", "false"):
        raise UsageError(f"input `{key}` must be true or false, not {value!r}")
    return word == "true"


def choice(value: str, key: str, allowed: tuple[str, ...]) -> str:
    """An input with a closed set of values; anything else is a usage error."""
    word = value.strip().lower()
    if word not in allowed:
        raise UsageError(f"input `{key}` must be one of {', '.join(allowed)}, not {value!r}")
    return word


def number(value: str | None, key: str) -> int:
    """A whole-number input (an issue number); absent is 0."""
    if value is None or value.strip() == "":
        return 0
    if not value.strip().isdigit():
        raise UsageError(f"input `{key}` must be a whole number, not {value!r}")
    return int(value.strip())


_REPOSITORY = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9._-]{1,100}")


def repository_name(value: str | None, key: str) -> str | None:
    """An OWNER/NAME input; absent is None."""
    if value is None or value.strip() == "":
        return None
    if not _REPOSITORY.fullmatch(value.strip()):
        raise UsageError(f"input `{key}` must be OWNER/NAME, not {value!r}")
    return value.strip()


def from_environ(environ: Mapping[str, str] | None = None, clock: Clock = utc_now) -> Context:
    """Read the context from ``environ`` (default: this process's environment); ``clock``
    is the time every component of the run is handed."""
    env = os.environ if environ is None else environ

    def text(name: str) -> str | None:
        value = env.get(name, "").strip()
        return value or None

    def path(name: str) -> Path | None:
        value = text(name)
        return Path(value) if value else None

    def secret(*names: str) -> Secret | None:
        for name in names:
            value = env.get(name, "")
            if value.strip():
                return Secret(value.strip())
        return None

    return Context(
        in_actions=env.get("GITHUB_ACTIONS") == "true",
        event_name=text("GITHUB_EVENT_NAME"),
        event_path=path("GITHUB_EVENT_PATH"),
        repository=text("GITHUB_REPOSITORY"),
        sha=text("GITHUB_SHA"),
        ref=text("GITHUB_REF"),
        workspace=path("GITHUB_WORKSPACE"),
        run_id=text("GITHUB_RUN_ID"),
        run_attempt=text("GITHUB_RUN_ATTEMPT"),
        actor=text("GITHUB_ACTOR"),
        api_url=(text("GITHUB_API_URL") or DEFAULT_API_URL).rstrip("/"),
        server_url=(text("GITHUB_SERVER_URL") or "https://github.com").rstrip("/"),
        runner_temp=path("RUNNER_TEMP"),
        output_file=path("GITHUB_OUTPUT"),
        summary_file=path("GITHUB_STEP_SUMMARY"),
        debug=env.get("RUNNER_DEBUG") == "1",
        github_token=secret("GITHUB_TOKEN", "GH_TOKEN"),
        anthropic_api_key=secret("ANTHROPIC_API_KEY"),
        anthropic_base_url=text("ANTHROPIC_BASE_URL"),
        tool_env=tool_environment(env),
        inputs=ActionInputs(
            command=(text("KAIROS_COMMAND") or "auto").lower(),
            config=text("KAIROS_CONFIG"),
            dry_run=flag(text("KAIROS_DRY_RUN"), "dry-run"),
            log_level=choice(text("KAIROS_LOG_LEVEL") or "info", "log-level", LOG_LEVELS),
            issue=number(text("KAIROS_ISSUE"), "issue"),
            worker=text("KAIROS_WORKER") or "1",
            max_workers=number(text("KAIROS_MAX_WORKERS"), "max-workers"),
            repository=repository_name(text("KAIROS_REPOSITORY"), "repository"),
        ),
        pip_index_url=secret("PIP_INDEX_URL"),
        memory_key=secret("KAIROS_MEMORY_KEY"),
        webhook_url=secret("KAIROS_WEBHOOK_URL"),
        webhook_key=secret("KAIROS_WEBHOOK_KEY"),
        clock=clock,
    )
