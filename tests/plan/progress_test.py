from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from kairos_ci.memory.records import Spend
from kairos_ci.plan.progress import (
    EditThrottle,
    ProgressState,
    ProgressUpdate,
    duration,
    marker,
    progress_lines,
    render_progress,
)
from kairos_ci.plan.records import Phase

NOW = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)
UPDATE = ProgressUpdate(
    issue=7,
    state=ProgressState.RESEARCHING,
    phase=Phase.IMPACT,
    elapsed=timedelta(minutes=3, seconds=12),
    deadline=timedelta(minutes=30),
    spend=Spend(0.42, 12_000, 345),
    budget_usd=5.0,
    finding="impact set: 143 references in 37 files",
)


def test_the_comment_shows_state_phase_time_spend_and_finding() -> None:
    assert render_progress(UPDATE) == (
        "<!-- kairos:plan-progress:issue=7 -->\n"
        "### kairos plan: researching\n\n"
        "- Phase: impact (3 of 8)\n"
        "- Elapsed: 3m 12s of 30m\n"
        "- Spend: $0.42 of $5.00 (12,345 tokens)\n"
        "- Latest: impact set: 143 references in 37 files\n"
    )
    assert marker(7) in render_progress(UPDATE)


def test_a_finding_from_the_repository_is_data() -> None:
    hostile = replace(UPDATE, finding="@org/team <!-- x --> [a](b)")
    assert progress_lines(hostile)[-1] == "Latest: `@org/team` &lt;!-- x --&gt; &#91;a&#93;(b)"


def test_durations_read_naturally() -> None:
    assert [duration(timedelta(seconds=s)) for s in (0, 9, 60, 61, 1800)] == [
        "0m",
        "9s",
        "1m",
        "1m 01s",
        "30m",
    ]


def test_one_edit_per_phase_or_per_minute_and_never_an_unchanged_body() -> None:
    throttle = EditThrottle()
    assert throttle.allows(Phase.SURVEY, "a", NOW)
    throttle = throttle.edited(Phase.SURVEY, "a", NOW)
    assert not throttle.allows(Phase.SURVEY, "b", NOW + timedelta(seconds=59))
    assert throttle.allows(Phase.SURVEY, "b", NOW + timedelta(seconds=60))
    assert throttle.allows(Phase.IMPACT, "b", NOW + timedelta(seconds=1))
    assert not throttle.allows(Phase.IMPACT, "a", NOW + timedelta(minutes=5))
    assert throttle.edits == 1
