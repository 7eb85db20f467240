from __future__ import annotations

import pytest

from kairos_ci.signals.numbers import clip, seconds, whole


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0.123", 0.123),
        ("54", 54.0),
        ("0,288", 0.288),  # comma decimal (xunit/mstest): junitparser would read 288
        ("1,234.5", 1234.5),  # thousands separator
        ("3.5s", 3.5),
        (" 2.0 ", 2.0),
        ("", None),
        ("-345345", None),  # junit-report-bad-duration.xml
        ("nan", None),
        ("inf", None),
        ("abc", None),
        (None, None),
    ],
)
def test_seconds_reads_what_reports_write(raw: str | None, expected: float | None) -> None:
    assert seconds(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (3, 3),
        ("17", 17),
        (4.0, 4),
        (4.5, None),
        (True, None),
        ("9" * 5000, None),  # CPython refuses > 4,300 digits; we refuse far earlier
        ("-1", None),
        ("x", None),
        (None, None),
        ([1], None),
    ],
)
def test_whole_rejects_what_is_not_a_small_count(raw: object, expected: int | None) -> None:
    assert whole(raw) == expected


def test_whole_minimum() -> None:
    assert whole(0, minimum=1) is None
    assert whole(1, minimum=1) == 1


def test_clip_says_it_cut() -> None:
    assert clip("  ", 5) is None
    assert clip(None, 5) is None
    assert clip(" ab ", 5) == "ab"
    cut = clip("x" * 20, 5)
    assert cut is not None
    assert cut.startswith("xxxxx…") and "cut at 5 of 20" in cut
