"""Dispatch one tool call: validate its input, run it, and say what the policy refused.

``run_tests`` runs only the configured test command, with test ids appended as
plain arguments (none may look like a flag), on the worktree, in the jail, with a
timeout bounded by the loop's wall-time budget.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from kairos_ci.agent.records import Denial, ToolCall, ToolResult, ToolSpec
from kairos_ci.agent.tools import files, specs
from kairos_ci.agent.tools.context import Data, ToolContext, ToolFailed
from kairos_ci.agent.tools.history import git_history
from kairos_ci.agent.untrusted import Profile, cap, normalise
from kairos_ci.errors import PolicyViolation
from kairos_ci.guard.classify import is_protected_test_path

MAX_SUMMARY_CHARS = 8000
MAX_TARGET_CHARS = 120


@dataclass(frozen=True)
class ToolOutcome:
    result: ToolResult
    denial: Denial | None = None
    summary: str | None = None  # set by finish
    signals: tuple[str, ...] = ()


class Toolbox:
    """The eight tools over one worktree. Counts test runs against the limit."""

    def __init__(self, ctx: ToolContext, tools: Sequence[ToolSpec] = specs.ALL) -> None:
        self.ctx = ctx
        self.specs = {spec.name: spec for spec in tools}  # the session's: finish varies
        # finish's whole input once accepted, every text in it as ``_text`` makes it.
        self.finished: Mapping[str, Any] = {}
        self.test_runs = 0
        self.written: set[str] = set()  # only these paths belong in the patch
        self.test_notes: dict[str, str] = {}  # changed test file -> the model's why, from finish

    def run(self, call: ToolCall) -> ToolOutcome:
        spec = self.specs.get(call.name)
        if spec is None:
            return self._refused(call, f"there is no tool named {call.name!r}")
        problem = input_problem(spec.input_schema, call.input)
        if problem:
            return ToolOutcome(ToolResult(call.id, f"invalid input: {problem}", is_error=True))
        if call.name == "finish":
            return self._finish(call)
        try:
            data = self._handler(call.name)(self.ctx, call.input)
        except PolicyViolation as refusal:
            return self._refused(call, str(refusal))
        except ToolFailed as failure:
            return ToolOutcome(ToolResult(call.id, str(failure), is_error=True))
        if data.wrote is not None:
            self.written.add(data.wrote)
        return ToolOutcome(ToolResult(call.id, data.text), signals=data.signals)

    def _handler(self, name: str) -> Callable[[ToolContext, Mapping[str, Any]], Data]:
        handlers: dict[str, Callable[[ToolContext, Mapping[str, Any]], Data]] = {
            "list_files": files.list_files,
            "read_file": files.read_file,
            "search_code": files.search_code,
            "git_history": git_history,
            "replace_in_file": files.replace_in_file,
            "write_file": files.write_file,
            "run_tests": self._run_tests,
        }
        return handlers[name]

    def _finish(self, call: ToolCall) -> ToolOutcome:
        notes = {
            PurePosixPath(str(item["path"])).as_posix(): self._text(str(item["why"]), 2000)
            for item in call.input.get("test_changes", [])
        }
        unexplained = sorted(
            p for p in self.written if is_protected_test_path(p) and p not in notes
        )
        if unexplained:
            why = (
                "finish needs `test_changes`: for each test file you changed or added, say "
                "why the old test was wrong, or what the new one checks: "
            )
            return ToolOutcome(ToolResult(call.id, why + ", ".join(unexplained), is_error=True))
        self.test_notes = {path: note for path, (note, _) in notes.items() if path in self.written}
        self.finished = self._shown(call.input)
        summary, stripped = self._text(str(call.input["summary"]), MAX_SUMMARY_CHARS)
        signals = tuple(f"{kind} stripped from the model's summary" for kind in stripped)
        return ToolOutcome(ToolResult(call.id, "finished"), summary=summary, signals=signals)

    def _path(self, call: ToolCall) -> str:
        """The path a call named, as a report may show it: one line, redacted, short."""
        raw = call.input.get("path")
        if not isinstance(raw, str):
            return ""
        clean = normalise(raw, Profile.TEXT).text
        return " ".join(self.ctx.redactor.text(clean).split())[:MAX_TARGET_CHARS]

    def _text(self, raw: str, limit: int) -> tuple[str, tuple[str, ...]]:
        """The model's words as kairos may show them: normalised, redacted, capped."""
        clean = normalise(raw, Profile.TEXT)
        return cap(self.ctx.redactor.text(clean.text).strip(), limit), tuple(clean.stripped)

    def _shown(self, value: Any) -> Any:
        """``value`` (JSON the schema admitted) with each string as ``_text`` makes it:
        what finish says may reach a comment, so it is redacted like the summary."""
        if isinstance(value, str):
            return self._text(value, MAX_SUMMARY_CHARS)[0]
        if isinstance(value, Mapping):
            return {key: self._shown(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self._shown(item) for item in value]
        return value

    def _run_tests(self, ctx: ToolContext, args: Mapping[str, Any]) -> Data:
        if ctx.test_command is None:
            raise ToolFailed("this project configures no test command (tests.run)")
        if self.test_runs >= ctx.limits.max_test_runs:
            raise ToolFailed(f"the test run limit ({ctx.limits.max_test_runs}) is reached")
        tests = [str(t) for t in args.get("tests", [])]
        for test in tests:
            if test.startswith("-") or "\0" in test or "\n" in test:
                raise PolicyViolation(f"{test[:MAX_TARGET_CHARS]!r} is not a test id")
        timeout = min(ctx.limits.test_timeout_s, ctx.deadline - ctx.clock())
        if timeout <= 1:
            raise ToolFailed("no wall time left to run the tests")
        self.test_runs += 1
        argv = (*ctx.test_command, *tests)
        result = ctx.commands.run(argv, ctx.root, timeout)
        if result.error:
            raise ToolFailed(result.error)
        status = "timed out" if result.timed_out else f"exit code {result.exit_code}"
        text = f"{status}\n--- stdout ---\n{result.stdout}\n--- stderr ---\n{result.stderr}"
        return ctx.data("test output", text, Profile.TEXT)

    def _refused(self, call: ToolCall, reason: str) -> ToolOutcome:
        # Both may quote model-chosen text, and both end up in reports: redact them.
        target, reason = self.ctx.redactor.text(_target(call)), self.ctx.redactor.text(reason)
        denial = Denial(call.name, target, reason, self._path(call))
        signal = f"policy refused {call.name} {target}: {reason}"
        result = ToolResult(call.id, f"refused by policy: {reason}", is_error=True)
        return ToolOutcome(result, denial=denial, signals=(signal,))


def _target(call: ToolCall) -> str:
    """What the call aimed at, for reports: quoted and short (it is model-chosen text)."""
    for key in ("path", "pattern", "tests"):
        if key in call.input:
            return repr(call.input[key])[:MAX_TARGET_CHARS]
    return ""


def input_problem(
    schema: Mapping[str, Any], value: Mapping[str, Any], max_message: int | None = None
) -> str | None:
    """The first way a tool call's ``value`` breaks its ``schema``, named by its path, with
    jsonschema's message (cut to ``max_message``), or None."""
    import jsonschema

    error = jsonschema.exceptions.best_match(
        jsonschema.Draft202012Validator(schema).iter_errors(dict(value))
    )
    if error is None:
        return None
    where = ".".join(str(p) for p in error.absolute_path)
    message = error.message[:max_message]
    return f"{where}: {message}" if where else message
