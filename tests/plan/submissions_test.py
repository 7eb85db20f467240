from __future__ import annotations

from jsonschema import Draft202012Validator

from kairos_ci.plan.submissions import design_tool, draft_tool
from tests.plan.migration_script import DESIGN, DRAFT


def test_the_tools_take_the_plan_schema_s_shapes_with_references_inlined() -> None:
    for tool in (design_tool(), draft_tool()):
        Draft202012Validator.check_schema(tool.input_schema)
        assert "$ref" not in str(tool.input_schema)
    assert not list(Draft202012Validator(design_tool().input_schema).iter_errors(DESIGN))
    assert not list(Draft202012Validator(draft_tool().input_schema).iter_errors(DRAFT))


def test_a_step_without_files_is_not_a_valid_submission() -> None:
    step = {k: v for k, v in DRAFT["steps"][0].items() if k != "files"}
    broken = {**DRAFT, "steps": [step]}
    errors = list(Draft202012Validator(draft_tool().input_schema).iter_errors(broken))
    assert errors and "'files' is a required property" in errors[0].message
