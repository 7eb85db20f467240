"""Small real stand-ins for the planning job's ports: a scripted model, a ticking clock,
a recording progress sink and baseline runner, and a checkpoint store that dies."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from kairos_ci.agent.records import LlmReply, LlmRequest, Text, ToolCall, Usage
from kairos_ci.errors import KairosError
from kairos_ci.plan.checkpoints import CheckpointStore
from kairos_ci.plan.records import Baseline, Phase, ProjectCommand

START = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)
USAGE = Usage(input_tokens=2000, output_tokens=500)


def use(name: str, **arguments: Any) -> LlmReply:
    call = ToolCall(f"call-{name}-{len(str(arguments))}", name, arguments)
    return LlmReply("claude-opus-5-5", (Text("Next."), call), "tool_use", USAGE)


def say(text: str) -> LlmReply:
    return LlmReply("claude-opus-5-5", (Text(text),), "end_turn", USAGE)


class ScriptedLlm:
    """Answers from a script, in order, and records each request; past its end it fails the
    test, so a phase that should have been resumed cannot quietly ask again."""

    def __init__(self, *replies: LlmReply) -> None:
        self.replies = list(replies)
        self.requests: list[LlmRequest] = []

    def complete(self, request: LlmRequest) -> LlmReply:
        self.requests.append(request)
        if not self.replies:
            raise AssertionError(f"the model was asked once too often ({len(self.requests)})")
        return self.replies.pop(0)


class TickingClock:
    """Moves ``step`` forward each time it is read; ``jump`` moves it at once."""

    def __init__(self, start: datetime = START, step: timedelta = timedelta(seconds=2)) -> None:
        self.now = start
        self.step = step

    def __call__(self) -> datetime:
        self.now += self.step
        return self.now

    def jump(self, span: timedelta) -> None:
        self.now += span


class RecordingProgress:
    def __init__(self) -> None:
        self.bodies: list[str] = []
        self.lines: list[tuple[str, ...]] = []

    def show(self, body: str, lines: tuple[str, ...]) -> None:
        self.bodies.append(body)
        self.lines.append(lines)


class RecordingBaseline:
    """Stands in for the verification sandbox: records what it was asked to run."""

    def __init__(self, result: Baseline | None = None) -> None:
        self.result = result
        self.asked: list[ProjectCommand] = []

    def __call__(self, command: ProjectCommand) -> Baseline:
        self.asked.append(command)
        if self.result is None:
            raise KairosError("the sandbox is not available")
        return self.result


class Killed(Exception):
    """The job was killed (the runner's timeout, a cancelled workflow)."""


class KilledAfter:
    """A checkpoint store whose job dies right after ``phase`` is saved."""

    def __init__(self, store: CheckpointStore, phase: Phase) -> None:
        self.store = store
        self.phase = phase

    def load(self, job: str, phase: Phase) -> Mapping[str, Any] | None:
        return self.store.load(job, phase)

    def save(self, job: str, phase: Phase, result: Mapping[str, Any]) -> None:
        self.store.save(job, phase, result)
        if phase is self.phase:
            raise Killed(f"killed after {phase}")

    def save_artefact(self, job: str, name: str, text: str) -> None:
        self.store.save_artefact(job, name, text)
