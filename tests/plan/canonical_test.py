from __future__ import annotations

import math

import pytest

from kairos_ci.plan.canonical import canonical_bytes, content_hash


def test_keys_are_sorted_with_no_spaces_and_whole_floats_as_integers() -> None:
    assert canonical_bytes({"b": [1.0, 2.5], "a": "é"}) == '{"a":"é","b":[1,2.5]}'.encode()


def test_the_hash_ignores_status_approvals_time_and_itself() -> None:
    base = {"goal": "x", "status": "draft", "approvals": [], "created_at": "t", "plan_hash": "h"}
    other = {"goal": "x", "status": "approved", "approvals": [1], "created_at": "u"}
    assert content_hash(base) == content_hash(other)
    assert content_hash(base) != content_hash({**base, "goal": "y"})


def test_values_json_cannot_carry_are_refused() -> None:
    with pytest.raises(ValueError, match="NaN"):
        canonical_bytes({"x": math.nan})
    with pytest.raises(TypeError, match="set"):
        canonical_bytes({"x": {1}})
