from __future__ import annotations

from datetime import UTC, datetime

import pytest

from kairos_ci.memory.names import JOURNAL_NAME, journal_name, journal_time


def test_names_sort_by_time_and_differ_by_content() -> None:
    early = journal_name("2026-11-27T03:00:00Z", "123", b"a")
    late = journal_name("2026-11-27T04:00:00Z", "99", b"a")
    assert early < late
    assert early.startswith("20261127T030000Z-123-")
    assert journal_name("2026-11-27T03:00:00Z", "123", b"a") == early
    assert journal_name("2026-11-27T03:00:00Z", "123", b"b") != early
    assert journal_time(late) == datetime(2026, 11, 27, 4, tzinfo=UTC)


def test_any_run_id_gives_a_safe_name() -> None:
    name = journal_name("2026-11-27T03:00:00Z", "../../etc/passwd 🙂" + "x" * 80, b"a")
    assert JOURNAL_NAME.match(name)
    assert "/" not in name


def test_a_run_time_must_be_a_timestamp() -> None:
    with pytest.raises(ValueError):
        journal_name("yesterday", "1", b"a")
