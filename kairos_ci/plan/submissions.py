"""The tools through which the plan model hands in a phase's result.

Their input schemas are cut from schemas/plan.schema.json (references inlined), so what
the model submits has the plan's own shape, and the plan schema checks it again once
kairos has assembled the whole plan.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from kairos_ci.agent.records import ToolSpec
from kairos_ci.config.schema import load_schema

DESIGN = "submit_design"
DRAFT = "submit_plan"


def design_tool() -> ToolSpec:
    defs = _defs()
    schema = _object(
        {
            "design_choices": _array(defs["design_choice"], 50),
            "decision_points": _array(defs["decision_point"], 12),
            "risks": _array(defs["risk"], 100),
        }
    )
    return ToolSpec(DESIGN, "Hand in the design: choices, decision points and risks.", schema)


def draft_tool() -> ToolSpec:
    defs = _defs()
    exclusion = _object(
        {
            "path": defs["path"],
            "reason": {"type": "string", "minLength": 1, "maxLength": 500},
        }
    )
    schema = _object(
        {
            "goal": defs["goal"],
            "steps": _array(defs["step"], 200),
            "test_strategy": defs["test_strategy"],
            "exclusions": _array(exclusion, 2000),
        }
    )
    return ToolSpec(DRAFT, "Hand in the plan: goal, steps, test strategy, exclusions.", schema)


def _object(properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": list(properties),
        "properties": properties,
    }


def _array(items: Any, most: int) -> dict[str, Any]:
    return {"type": "array", "maxItems": most, "items": items}


@cache
def _defs() -> dict[str, Any]:
    schema = load_schema("plan")
    return {name: _inlined(value, schema["$defs"]) for name, value in schema["$defs"].items()}


def _inlined(value: Any, defs: dict[str, Any]) -> Any:
    if isinstance(value, dict):
        ref = value.get("$ref")
        if isinstance(ref, str):
            return _inlined(defs[ref.removeprefix("#/$defs/")], defs)
        return {key: _inlined(item, defs) for key, item in value.items()}
    if isinstance(value, list):
        return [_inlined(item, defs) for item in value]
    return value
