"""Whether a SARIF run's tool finished: ``invocations[].executionSuccessful``.

A run whose tool says it did not finish and that lists no results scanned nothing: the
reader must report it as an error, never as a clean run with 0 findings. The message
carries the tool's own reason (its first error notification) and its exit code.
"""

from __future__ import annotations

from typing import Any

from kairos_ci.signals.jsondoc import arr, obj, text
from kairos_ci.signals.numbers import clip


def tool_name(run: dict[str, Any]) -> str:
    tool = obj(run.get("tool"))
    return text(obj(tool.get("driver")).get("name")) or text(tool.get("name")) or "sarif"


def failed_invocation(run: dict[str, Any]) -> dict[str, Any] | None:
    """The first invocation that says the tool did not finish, if any."""
    for invocation in arr(run.get("invocations")):
        if obj(invocation).get("executionSuccessful") is False:
            return obj(invocation)
    return None


def did_not_run(run: dict[str, Any], max_chars: int) -> str | None:
    """Why the run counts as not run (failed and no results), or None when it ran."""
    invocation = failed_invocation(run)
    if invocation is None or arr(run.get("results")):
        return None
    notes = [obj(n) for n in arr(invocation.get("toolExecutionNotifications"))]
    errors = [n for n in notes if n.get("level") == "error"] or notes
    said = text(obj(errors[0].get("message")).get("text")) if errors else None
    code = invocation.get("exitCode")
    exit_code = f", exit code {code}" if type(code) is int else ""
    return (
        f"{tool_name(run)} did not complete its analysis (executionSuccessful: false"
        f"{exit_code}) and reported no results, so this is not a clean run: "
        f"{clip(said, max_chars) or 'the log gives no reason'}"
    )
