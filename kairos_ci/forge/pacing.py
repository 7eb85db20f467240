"""How the forge waits: rate limits, outages, and the write budget.

Secondary limits are honoured with ``Retry-After`` first, then the reset time, then
exponential backoff (the adapter turns headers into ``RateLimited.retry_after_s``).
A wait longer than ``max_wait_s`` is not waited: the error goes up, so the run can
report the write as failed instead of sleeping through its job timeout.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from kairos_ci.errors import RateLimited
from kairos_ci.forge.failures import Unavailable

T = TypeVar("T")


@dataclass(frozen=True)
class Pacing:
    sleep: Callable[[float], None] = field(default=time.sleep)
    attempts: int = 4
    backoff_s: float = 2.0
    max_wait_s: float = 120.0
    # Below this many remaining requests no new write starts: what is left is kept
    # for reads and for the other jobs sharing the token.
    low_water: int = 50

    def backoff(self, attempt: int) -> float:
        return min(self.backoff_s * 2.0**attempt, self.max_wait_s)

    def wait(self, seconds: float) -> None:
        if seconds > 0:
            self.sleep(seconds)

    def check_write_budget(self, remaining: int | None) -> None:
        if remaining is not None and remaining < self.low_water:
            raise RateLimited(
                f"x-ratelimit-remaining is {remaining} (below {self.low_water}): "
                "no new writes are started in this run",
            )

    def read(self, call: Callable[[], T]) -> T:
        """A read: retried through rate limits and outages, then the last error goes up."""
        attempt = 0
        while True:
            try:
                return call()
            except RateLimited as err:
                self._after_limit(err, attempt)
            except Unavailable:
                if attempt + 1 >= self.attempts:
                    raise
                self.wait(self.backoff(attempt))
            attempt += 1

    def write(self, call: Callable[[], T]) -> T:
        """A write: retried through rate limits only (GitHub refused it, nothing landed).

        ``Unavailable`` goes straight up: the write may have landed, so the caller must
        look before it tries again.
        """
        attempt = 0
        while True:
            try:
                return call()
            except RateLimited as err:
                self._after_limit(err, attempt)
            attempt += 1

    def _after_limit(self, err: RateLimited, attempt: int) -> None:
        wait = err.retry_after_s if err.retry_after_s is not None else self.backoff(attempt)
        if wait > self.max_wait_s or attempt + 1 >= self.attempts:
            raise err
        self.wait(wait)
