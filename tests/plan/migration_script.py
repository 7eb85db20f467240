"""What a plan model would hand in for the Express -> Fastify migration of the fixture app."""

from __future__ import annotations

from typing import Any

from kairos_ci.agent.records import LlmReply
from tests.plan.fakes import use

DESIGN: dict[str, Any] = {
    "design_choices": [
        {
            "id": "C1",
            "choice": "Build the app with fastify() and register routes as plugins.",
            "rationale": "Plugins keep the users and orders routers separate, as now.",
            "rejected": [{"option": "Keep express behind a proxy", "why": "Two servers."}],
        }
    ],
    "decision_points": [
        {
            "id": "D1",
            "question": "Keep the Express middleware through @fastify/express?",
            "options": [
                {"key": "a", "label": "Bridge", "consequence": "Faster; one more dependency."},
                {"key": "b", "label": "Rewrite as hooks", "consequence": "More work; no bridge."},
            ],
            "default": "a",
            "blocks_steps": ["S3"],
            "required": True,
        }
    ],
    "risks": [
        {
            "id": "R1",
            "description": "Fastify validates JSON bodies differently; a 400 may become a 415.",
            "likelihood": "medium",
            "impact": "medium",
            "mitigation": "Add a test posting a body without content type.",
            "steps": ["S4"],
            "uncovered": [],
        }
    ],
}


def step(sid: str, title: str, files: list[str], deps: list[str], p50: float) -> dict[str, Any]:
    return {
        "id": sid,
        "title": title,
        "description": f"{title}, keeping every route's behaviour.",
        "files": {"modify": files, "create": [], "delete": []},
        "depends_on": deps,
        "risk": "medium",
        "verification": {
            "commands": ["npm test"],
            "expected_tests": ["app lists orders", "app asks for a user"],
            "guard_scope": ["test/**"],
        },
        "estimate": {"p50_minutes": p50, "p90_minutes": p50 * 2, "tier": "work"},
        "agent_prompt": f"{title}. Run npm test before finishing.",
        "acceptance": ["npm test passes"],
    }


STEPS = [
    step("S1", "Depend on fastify instead of express", ["package.json"], [], 5),
    step("S2", "Create the app with fastify", ["src/app.js", "src/server.js"], ["S1"], 20),
    step("S3", "Port the routers", ["src/routes/users.js", "src/routes/orders.js"], ["S2"], 15),
    step("S4", "Drive the tests through fastify.inject", ["test/app.test.js"], ["S2", "S3"], 10),
]

DRAFT: dict[str, Any] = {
    "goal": {
        "summary": "Serve the shop API with Fastify instead of Express, same routes and codes.",
        "kind": "migration",
        "acceptance_criteria": [
            {
                "id": "AC1",
                "text": "WHEN the suite runs THEN every test that passed at base SHALL pass",
                "check": {"kind": "baseline_kept"},
            },
            {
                "id": "AC2",
                "text": "No file SHALL require express",
                "check": {"kind": "no_match", "pattern": "require\\('express'\\)"},
            },
        ],
        "non_goals": ["Changing the API."],
    },
    "steps": STEPS,
    "test_strategy": {
        "baseline": "Record the baseline before S1.",
        "per_step": "npm test after each step.",
        "final_gate": "The whole suite, and no express import left.",
        "new_tests": ["A body without content type."],
        "guard": "The guard watches test/** for weakened assertions.",
    },
    "exclusions": [],
}


def design_replies() -> list[LlmReply]:
    return [
        use("read_file", path="src/app.js"),
        use("search_code", pattern="require\\('express'\\)"),
        use("submit_design", **DESIGN),
    ]


def draft_replies() -> list[LlmReply]:
    return [use("submit_plan", **DRAFT)]
