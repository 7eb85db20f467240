"""Running git: one small wrapper so every call has the same safety rails.

Commands are argv lists, never shell strings. Credentials travel through
``GIT_CONFIG_*`` environment variables of the one command that needs them, so
they never land in ``.git/config`` or in a process listing, and git's own
prompts are disabled so a missing credential fails instead of hanging.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from kairos_ci.context import tool_environment
from kairos_ci.errors import GitError

# The identity kairos commits as. Without a memory key, memory trusts only commits made
# by it (SECURITY MEM-02); with one, only commits carrying the key's MAC (memory/mac.py).
IDENTITY_NAME = "kairos-ci"
IDENTITY_EMAIL = "kairos-ci@users.noreply.github.com"

# A fixed identity and environment: the user's global git config must not change
# what kairos writes (hooks, signing, editors, credential helpers), and neither may
# anything the project's code wrote into a home directory.
_BASE_ENV = {
    "GIT_TERMINAL_PROMPT": "0",
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_AUTHOR_NAME": IDENTITY_NAME,
    "GIT_AUTHOR_EMAIL": IDENTITY_EMAIL,
    "GIT_COMMITTER_NAME": IDENTITY_NAME,
    "GIT_COMMITTER_EMAIL": IDENTITY_EMAIL,
    "LC_ALL": "C",
}


# Command-line config outranks a repository's own .git/config: whatever a tree under test
# planted there, kairos's git runs no hook, no fsmonitor command, no credential helper.
_IMMUNE_CONFIG = {
    "core.hooksPath": os.devnull,
    "core.fsmonitor": "false",
    "credential.helper": "",
    "protocol.ext.allow": "never",
}


@dataclass(frozen=True)
class Git:
    """git in one repository. ``config`` is per-command configuration (e.g. an auth header)."""

    repo: Path
    config: Mapping[str, str] = field(default_factory=dict, repr=False)  # may hold a credential
    timeout_s: float = 300.0

    def run(
        self,
        *args: str,
        input: bytes | None = None,
        check: bool = True,
        extra_env: Mapping[str, str] | None = None,
    ) -> subprocess.CompletedProcess[bytes]:
        argv = ["git", *args]
        try:
            result = subprocess.run(
                argv,
                cwd=self.repo,
                input=input,
                capture_output=True,
                env=self._env(extra_env or {}),
                timeout=self.timeout_s,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise GitError(f"git {args[0]} timed out after {self.timeout_s:.0f}s") from None
        except OSError as err:
            raise GitError(f"cannot run git: {err.strerror}") from None
        if check and result.returncode != 0:
            raise GitError(_failure(args, result))
        return result

    def text(
        self, *args: str, input: bytes | None = None, extra_env: Mapping[str, str] | None = None
    ) -> str:
        """Run and return stdout as text, stripped of the final newline."""
        done = self.run(*args, input=input, extra_env=extra_env)
        return done.stdout.decode("utf-8", "replace").rstrip("\n")

    @contextmanager
    def piped(self, *args: str) -> Iterator[subprocess.Popen[bytes]]:
        """A git that answers through its pipes for as long as the block lasts (``cat-file
        --batch``, one object per question); ended, and killed if need be, after it."""
        try:
            process = subprocess.Popen(
                ["git", *args],
                cwd=self.repo,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                env=self._env({}),
            )
        except OSError as err:
            raise GitError(f"cannot run git: {err.strerror}") from None
        try:
            yield process
        finally:
            _ended(process, self.timeout_s)

    def _env(self, extra: Mapping[str, str]) -> dict[str, str]:
        env = dict(tool_environment())
        env.update(_BASE_ENV)
        config = {**_IMMUNE_CONFIG, **self.config}
        env["GIT_CONFIG_COUNT"] = str(len(config))
        for index, (key, value) in enumerate(config.items()):
            env[f"GIT_CONFIG_KEY_{index}"] = key
            env[f"GIT_CONFIG_VALUE_{index}"] = value
        env.update(extra)
        return env


def _ended(process: subprocess.Popen[bytes], timeout_s: float) -> None:
    for pipe in (process.stdin, process.stdout):
        if pipe is not None:
            pipe.close()
    try:
        process.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _failure(args: Sequence[str], result: subprocess.CompletedProcess[bytes]) -> str:
    stderr = result.stderr.decode("utf-8", "replace").strip().splitlines()
    last = stderr[-1] if stderr else f"exit status {result.returncode}"
    return f"git {args[0]} failed: {last}"
