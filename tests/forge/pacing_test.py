"""Waiting policy, driven by scripted failures (plain callables, no network)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from kairos_ci.errors import RateLimited
from kairos_ci.forge.failures import Unavailable
from kairos_ci.forge.pacing import Pacing


def _script(*outcomes: Exception | str) -> Callable[[], str]:
    queue = list(outcomes)

    def call() -> str:
        outcome = queue.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    return call


def test_retry_after_then_backoff() -> None:
    waits: list[float] = []
    pacing = Pacing(sleep=waits.append, backoff_s=1.0)
    call = _script(RateLimited("slow down", 5.0), RateLimited("slow down", None), "ok")
    assert pacing.read(call) == "ok"
    assert waits == [5.0, 2.0]  # the second attempt backs off: 1 * 2**1


def test_writes_are_not_retried_after_a_lost_answer() -> None:
    waits: list[float] = []
    pacing = Pacing(sleep=waits.append)
    with pytest.raises(Unavailable):
        pacing.write(_script(Unavailable("502"), "never reached"))
    assert pacing.write(_script(RateLimited("secondary", 1.0), "ok")) == "ok"
    assert waits == [1.0]


def test_attempts_are_bounded() -> None:
    pacing = Pacing(sleep=lambda _: None, attempts=3)
    with pytest.raises(Unavailable):
        pacing.read(_script(*[Unavailable("502")] * 3, "too late"))
    with pytest.raises(RateLimited):
        pacing.write(_script(*[RateLimited("limit", 1.0)] * 3, "too late"))


def test_write_budget() -> None:
    pacing = Pacing(low_water=10)
    pacing.check_write_budget(None)  # unknown until the first answer
    pacing.check_write_budget(10)
    with pytest.raises(RateLimited, match="is 9"):
        pacing.check_write_budget(9)
