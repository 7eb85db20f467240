"""Every error kairos-ci raises on purpose.

Foreign errors (PyGithub, anthropic, git, OSError on a report) are translated into
these at the adapter that met them. Only ``cli.main`` catches ``KairosError``
broadly, once, and turns it into one human line and an exit code.

    KairosError
    ├── UsageError              bad command line                       exit 2
    ├── ConfigError             invalid kairos config (has .problems)  exit 1
    ├── InputError              an input file kairos was asked to read exit 1
    │   └── InputTooLarge       past a size, depth or expansion cap
    ├── GitError                a git command failed                   exit 1
    ├── MemoryError_            the memory branch cannot be used       exit 1
    │   ├── MemoryConflict      compare-and-swap lost every retry
    │   ├── MemoryCorrupt       unreadable or schema-invalid content
    │   └── MemoryTooNew        written by a newer kairos: never overwrite
    ├── LeaseHeld               another run holds the lease            exit 1
    ├── ForgeError              GitHub said no                         exit 1
    │   ├── Forbidden           missing permission: the user must act
    │   ├── NotFound
    │   └── RateLimited         primary or secondary limit, with a wait
    ├── ModelError              the LLM could not be used              exit 1
    │   ├── ModelUnavailable    still failing after the SDK's retries: skip, try next run
    │   ├── ModelAuthFailed     key rejected, no permission or no credit: the user must act
    │   ├── ModelRefused        the API rejected the request as sent (a kairos bug or bad model)
    │   └── BudgetExceeded      a spend cap would be crossed
    └── PolicyViolation         something tried to cross a policy line exit 1
"""

from __future__ import annotations

from dataclasses import dataclass


class KairosError(Exception):
    """Base of every deliberate kairos-ci error; ``str()`` is one human line."""

    exit_code = 1


class UsageError(KairosError):
    exit_code = 2


@dataclass(frozen=True)
class ConfigProblem:
    """One thing wrong with a config file, located as precisely as the YAML allows."""

    source: str
    key_path: str
    line: int | None
    column: int | None
    message: str

    def __str__(self) -> str:
        where = self.source
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        key = self.key_path or "(root)"
        return f"{where}: {key}: {self.message}"


class ConfigError(KairosError):
    def __init__(self, problems: tuple[ConfigProblem, ...]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class InputError(KairosError):
    """An input file kairos was asked to read is unusable."""


class InputTooLarge(InputError):
    """An input is past a size, depth or expansion cap."""


class GitError(KairosError):
    """A git command failed; the message is git's last line."""


class MemoryError_(KairosError):
    """The memory branch cannot be used."""


class MemoryConflict(MemoryError_):
    """Compare-and-swap lost every retry: others kept writing."""


class MemoryCorrupt(MemoryError_):
    """Memory content is unreadable or breaks its schema."""


class MemoryTooNew(MemoryError_):
    """Memory written by a newer kairos: read nothing, overwrite nothing."""


class LeaseHeld(KairosError):
    """Another run holds the lease (or a non-owner tried to release it)."""


class ForgeError(KairosError):
    """GitHub said no."""


class Forbidden(ForgeError):
    """The token lacks a permission: the user must act."""


class NotFound(ForgeError):
    """The object does not exist, or the token cannot see it."""


class RateLimited(ForgeError):
    def __init__(self, message: str, retry_after_s: float | None = None) -> None:
        self.retry_after_s = retry_after_s
        super().__init__(message)


class ModelError(KairosError):
    """The model could not be used for this task."""


class ModelUnavailable(ModelError):
    """The API stayed overloaded or down after the SDK's retries."""


class ModelAuthFailed(ModelError):
    """The API key was refused."""


class ModelRefused(ModelError):
    """The API refused the request itself (for example a spend limit)."""


class BudgetExceeded(ModelError):
    """A spend cap would be crossed."""


class PolicyViolation(KairosError):
    """Something tried to cross a policy line."""
