from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kairos_ci.plan.deadline import DEFAULT_SHARES, Deadline
from kairos_ci.plan.records import Phase

START = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


def test_the_first_phase_gets_its_share_of_the_whole() -> None:
    deadline = Deadline(START)
    assert deadline.allowance(Phase.INTAKE, START) == 30 * MINUTE * DEFAULT_SHARES[Phase.INTAKE]
    assert deadline.ends == START + 30 * MINUTE


def test_unused_time_rolls_forward_to_later_phases() -> None:
    shares = dict.fromkeys(Phase, 1.0)  # eight equal shares of 80 minutes
    deadline = Deadline(START, 80 * MINUTE, shares)
    assert deadline.allowance(Phase.INTAKE, START) == 10 * MINUTE
    # intake took 1 minute of its 10: the 9 left are shared by the seven phases after it
    assert deadline.allowance(Phase.SURVEY, START + MINUTE) == 79 * MINUTE / 7
    # the last phase gets whatever is left
    assert deadline.allowance(Phase.PUBLISH, START + 50 * MINUTE) == 30 * MINUTE


def test_an_overrun_shrinks_what_follows_and_the_end_is_the_end() -> None:
    deadline = Deadline(START, 80 * MINUTE, dict.fromkeys(Phase, 1.0))
    late = START + 70 * MINUTE
    assert deadline.allowance(Phase.SURVEY, late) == 10 * MINUTE / 7
    after = START + 90 * MINUTE
    assert deadline.expired(after) and deadline.allowance(Phase.DRAFT, after) == timedelta(0)
    assert deadline.elapsed(after) == 90 * MINUTE and deadline.remaining(after) == timedelta(0)
    assert deadline.phase_ends(Phase.PUBLISH, late) == deadline.ends


def test_shares_and_total_are_checked() -> None:
    with pytest.raises(ValueError, match="missing: survey"):
        Deadline(START, shares={**DEFAULT_SHARES, Phase.SURVEY: 0})
    with pytest.raises(ValueError, match="positive"):
        Deadline(START, total=timedelta(0))
