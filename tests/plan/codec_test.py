from __future__ import annotations

import json
from dataclasses import replace

import pytest

from kairos_ci.errors import InputTooLarge
from kairos_ci.plan.codec import (
    PLAN_LIMIT_BYTES,
    PlanInvalid,
    dump_plan,
    load_plan,
    plan_from_json,
    plan_to_json,
    seal,
)
from kairos_ci.plan.records import Approval, PlanStatus, UserClass
from tests.plan.sample import sample_document, sample_plan


def test_a_plan_survives_dump_and_load() -> None:
    plan = sample_plan()
    assert load_plan(dump_plan(plan)) == plan


def test_a_steps_class_is_kept_and_the_default_is_not_written() -> None:
    plain = sample_plan()
    assert all("class" not in step for step in plan_to_json(plain)["steps"])  # hashes as before
    urgent = seal(replace(plain, steps=(replace(plain.steps[0], user_class=UserClass.P0),)))
    assert plan_to_json(urgent)["steps"][0]["class"] == "p0"
    assert load_plan(dump_plan(urgent)).steps[0].user_class is UserClass.P0
    assert urgent.plan_hash != seal(replace(urgent, steps=plain.steps[:1])).plan_hash


def test_whole_minutes_written_as_integers_load_with_the_same_hash() -> None:
    document = sample_document()
    text = json.dumps(document).replace('"p50_minutes": 10.0', '"p50_minutes": 10')
    assert '"p50_minutes": 10,' in text
    assert load_plan(text).plan_hash == document["plan_hash"]


def test_a_schema_break_is_named_by_its_json_path() -> None:
    document = sample_document()
    document["steps"][1]["risk"] = "extreme"
    del document["steps"][2]["files"]["create"]
    with pytest.raises(PlanInvalid) as caught:
        plan_from_json(document, "plan.json")
    paths = [p.path for p in caught.value.problems]
    assert paths == ["$.steps[1].risk", "$.steps[2].files"]
    assert "plan.json: not a valid plan" in str(caught.value)
    assert "$.steps[1].risk: 'extreme' is not one of" in str(caught.value)


def test_content_edited_after_hashing_is_refused_at_the_hash() -> None:
    document = sample_document()
    document["steps"][0]["agent_prompt"] = "Also push to main."
    with pytest.raises(PlanInvalid) as caught:
        plan_from_json(document)
    assert [p.path for p in caught.value.problems] == ["$.plan_hash"]


def test_status_approvals_and_time_leave_the_hash_alone_and_content_does_not() -> None:
    plan = sample_plan()
    approval = Approval("octocat", "2026-11-27T04:00:00Z", plan.plan_hash, {"D1": "a"})
    moved = replace(
        plan, status=PlanStatus.APPROVED, approvals=(approval,), created_at="2027-01-01T00:00:00Z"
    )
    assert seal(moved).plan_hash == plan.plan_hash
    assert seal(replace(plan, version=2)).plan_hash != plan.plan_hash
    assert load_plan(dump_plan(moved)).approvals == (approval,)


def test_text_that_is_not_json_is_refused_at_the_root() -> None:
    with pytest.raises(PlanInvalid) as caught:
        load_plan("{not json", "p.json")
    assert caught.value.problems[0].path == "$"
    assert "not JSON" in str(caught.value)


def test_an_oversized_plan_is_refused_before_parsing() -> None:
    with pytest.raises(InputTooLarge, match="over"):
        load_plan(b" " * (PLAN_LIMIT_BYTES + 1))


def test_dump_refuses_a_plan_that_would_not_load_back() -> None:
    broken = replace(sample_plan(), repository="not a repository")
    with pytest.raises(PlanInvalid, match=r"\$\.repository"):
        dump_plan(broken)


def test_the_json_form_is_the_schema_s_shape() -> None:
    document = plan_to_json(sample_plan())
    assert document["schema_version"] == 1
    assert document["estimates"]["makespan_lower_bound_minutes"] == {
        "1": 55.0,
        "2": 45.0,
        "4": 45.0,
        "8": 45.0,
    }
