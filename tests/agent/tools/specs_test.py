"""The finish tool of a plan step takes the decisions the work built on, or a question;
a test fix's finish takes neither."""

from __future__ import annotations

import time
from pathlib import Path

from kairos_ci.agent.paths import WritePolicy
from kairos_ci.agent.records import AgentLimits, ToolCall
from kairos_ci.agent.redact import Redactor
from kairos_ci.agent.tools import specs
from kairos_ci.agent.tools.context import ToolContext
from kairos_ci.agent.tools.dispatch import Toolbox
from kairos_ci.agent.untrusted import Envelope
from kairos_ci.context import Secret
from kairos_ci.workspace.commands import CommandRunner

ASK = {"text": "Keep the v1 routes?", "options": ["keep", "drop"]}


def context(root: Path, secret: str = "") -> ToolContext:
    return ToolContext(
        root=root,
        write_policy=WritePolicy((), {}),
        test_command=None,
        commands=CommandRunner({}, 60),
        envelope=Envelope("nonce"),
        redactor=Redactor.of([Secret(secret)] if secret else []),
        limits=AgentLimits(),
        deadline=time.monotonic() + 60,
        clock=time.monotonic,
    )


def finish(toolbox: Toolbox, **given: object) -> tuple[bool, str]:
    outcome = toolbox.run(ToolCall("c1", "finish", {"summary": "done", **given}))
    return outcome.result.is_error, outcome.result.content


def test_a_step_s_finish_keeps_what_it_assumed_or_asked(tmp_path: Path) -> None:
    ctx = context(tmp_path)
    step = Toolbox(ctx, specs.STEP)
    assert finish(step, assumed={"D1": "a"}, question=ASK) == (False, "finished")
    assert step.finished == {"summary": "done", "assumed": {"D1": "a"}, "question": ASK}
    bad = {
        "assumed.D1": {"assumed": {"D1": ""}},
        "assumed": {"assumed": {"d1": "a"}},
        "question.options": {"question": {"text": "Which?", "options": ["only"]}},
    }
    for where, given in bad.items():
        refused, why = finish(Toolbox(ctx, specs.STEP), **given)
        assert refused and why.startswith(f"invalid input: {where}"), why


def test_a_test_fix_s_finish_takes_no_question(tmp_path: Path) -> None:
    refused, why = finish(Toolbox(context(tmp_path)), question=ASK)
    assert refused and "Additional properties are not allowed" in why


def test_what_a_step_s_finish_says_is_redacted_like_its_summary(tmp_path: Path) -> None:
    token = "hunter2-deploy-key-7f3a9c"
    step = Toolbox(context(tmp_path, token), specs.STEP)
    asked = {"text": f"Rotate {token}?", "options": [f"yes {token}", "no"]}
    assert finish(step, question=asked) == (False, "finished")
    assert token not in str(step.finished)
    assert step.finished["question"]["options"][1] == "no"
