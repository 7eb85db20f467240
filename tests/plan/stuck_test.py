from __future__ import annotations

from kairos_ci.plan.stuck import Exchange, StuckPattern, stuck

A = Exchange('read_file {"path": "a.js"}', "text of a")
B = Exchange('read_file {"path": "b.js"}', "text of b")
C = Exchange('search_code {"pattern": "x"}', "no matches")
FAIL = Exchange('read_file {"path": "gone.js"}', "gone.js: no such file", error=True)


def test_the_same_exchange_four_times_running() -> None:
    assert stuck([A, A, A]) is None
    found = stuck([B, A, A, A, A])
    assert found is not None and found.pattern is StuckPattern.REPEATED
    assert str(found) == 'stuck: repeated action and observation (read_file {"path": "a.js"})'


def test_the_same_error_three_times_running() -> None:
    assert stuck([FAIL, FAIL]) is None
    found = stuck([A, FAIL, FAIL, FAIL])
    assert found is not None and found.pattern is StuckPattern.REPEATED_ERROR


def test_a_new_observation_breaks_the_repetition() -> None:
    changed = Exchange(A.action, "text of a, edited")
    assert stuck([A, A, A, changed]) is None


def test_two_exchanges_alternating() -> None:
    assert stuck([A, B, A, B, A]) is None
    found = stuck([C, A, B, A, B, A, B])
    assert found is not None and found.pattern is StuckPattern.ALTERNATING
    assert stuck([A, B, A, C, A, B]) is None
