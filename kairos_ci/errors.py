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
    pass


class InputTooLarge(InputError):
    pass


class GitError(KairosError):
    pass


class MemoryError_(KairosError):
    pass


class MemoryConflict(MemoryError_):
    pass


class MemoryCorrupt(MemoryError_):
    pass


class MemoryTooNew(MemoryError_):
    pass


class LeaseHeld(KairosError):
    pass


class ForgeError(KairosError):
    pass


class Forbidden(ForgeError):
    pass


class NotFound(ForgeError):
    pass


class RateLimited(ForgeError):
    def __init__(self, message: str, retry_after_s: float | None = None) -> None:
        self.retry_after_s = retry_after_s
        super().__init__(message)


class ModelError(KairosError):
    pass


class ModelUnavailable(ModelError):
    pass


class ModelAuthFailed(ModelError):
    pass


class ModelRefused(ModelError):
    pass


class BudgetExceeded(ModelError):
    pass


class PolicyViolation(KairosError):
    pass
