"""A board as JSON (``board/<plan id>.json`` on the memory branch), and back.

Reading checks every field's type and every state and reason by name: the branch is
shared, and a board that does not read is an error naming the field, never a guess.
"""

from __future__ import annotations

import json
from dataclasses import MISSING, fields
from typing import Any, TypeVar

from kairos_ci.coordinator.records import (
    BlockReason,
    Board,
    BoardTask,
    FullSuite,
    Question,
    Relay,
    TaskEvent,
    TaskLease,
    TaskStatus,
    WorkResult,
)
from kairos_ci.errors import InputError
from kairos_ci.plan.records import UserClass

VERSION = 1
T = TypeVar("T")


def dumps(board: Board) -> bytes:
    doc = {
        "version": VERSION,
        "plan_id": board.plan_id,
        "plan_hash": board.plan_hash,
        "fence": board.fence,
        "budget_usd": board.budget_usd,
        "decisions": dict(board.decisions),
        "tasks": [_task_doc(task) for task in board.tasks],
        "questions": [{**vars(q), "options": list(q.options)} for q in board.questions],
        "pulls": dict(board.pulls),
        "relay": vars(board.relay) if board.relay else None,
        "full_suite": vars(board.full_suite) if board.full_suite else None,
    }
    return json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def loads(raw: bytes, source: str) -> Board:
    try:
        doc = json.loads(raw)
    except ValueError as err:
        raise InputError(f"{source}: not JSON: {err}") from None
    try:
        return _board(doc)
    except (KeyError, TypeError, ValueError) as err:
        raise InputError(f"{source}: not a task board: {err!r}") from None


def _board(doc: dict[str, Any]) -> Board:
    if doc["version"] != VERSION:
        raise ValueError(f"version {doc['version']!r} (this kairos reads {VERSION})")
    decisions = {str(k): _opt(v, str) for k, v in _typed(doc["decisions"], dict).items()}
    return Board(
        plan_id=_typed(doc["plan_id"], str),
        plan_hash=_typed(doc["plan_hash"], str),
        tasks=tuple(_task(item) for item in _typed(doc["tasks"], list)),
        decisions=decisions,
        budget_usd=float(_typed(doc["budget_usd"], (int, float))),
        fence=_typed(doc["fence"], int),
        # Boards written before questions and pull requests were kept have none.
        questions=tuple(_question(item) for item in _typed(doc.get("questions", []), list)),
        pulls={str(k): _typed(v, str) for k, v in _typed(doc.get("pulls", {}), dict).items()},
        relay=_record(Relay, doc.get("relay")),
        full_suite=_record(FullSuite, doc.get("full_suite")),
    )


def _task_doc(task: BoardTask) -> dict[str, Any]:
    return {
        "id": task.id,
        "title": task.title,
        "state": task.state.value,
        "depends_on": list(task.depends_on),
        "write_set": list(task.write_set),
        "priority": task.priority,
        "tier": task.tier,
        "estimate_minutes": task.estimate_minutes,
        "budget_usd": task.budget_usd,
        "max_attempts": task.max_attempts,
        "attempts": task.attempts,
        "spent_usd": task.spent_usd,
        "decisions": list(task.decisions),
        "block": task.block.value if task.block else None,
        "lease": vars(task.lease) if task.lease else None,
        "result": _result_doc(task.result) if task.result else None,
        "history": [vars(event) for event in task.history],
        "task_class": task.task_class,
        "user_class": task.user_class.value,
    }


def _result_doc(result: WorkResult) -> dict[str, Any]:
    return {**vars(result), "needs": list(result.needs)}


def _task(doc: dict[str, Any]) -> BoardTask:
    return BoardTask(
        id=_typed(doc["id"], str),
        title=_typed(doc["title"], str),
        state=TaskStatus(doc["state"]),
        depends_on=_strings(doc["depends_on"]),
        write_set=_strings(doc["write_set"]),
        priority=float(_typed(doc["priority"], (int, float))),
        tier=_typed(doc["tier"], str),
        estimate_minutes=float(_typed(doc["estimate_minutes"], (int, float))),
        budget_usd=float(_typed(doc["budget_usd"], (int, float))),
        max_attempts=_typed(doc["max_attempts"], int),
        attempts=_typed(doc["attempts"], int),
        spent_usd=float(_typed(doc["spent_usd"], (int, float))),
        decisions=_strings(doc["decisions"]),
        block=BlockReason(doc["block"]) if doc["block"] is not None else None,
        lease=_record(TaskLease, doc["lease"]),
        result=_record(WorkResult, doc["result"]),
        history=tuple(_event(item) for item in _typed(doc["history"], list)),
        # Boards written before classes were kept have none: no record, every task p2.
        task_class=_typed(doc.get("task_class", ""), str),
        user_class=UserClass(doc.get("user_class", UserClass.P2.value)),
    )


_KINDS: dict[str, Any] = {"str": str, "int": int, "float": (int, float), "bool": bool}
_STRINGS = "tuple[str, ...]"


def _record(kind: type[T], doc: Any) -> T | None:
    """A flat record whose fields are str, int, float, bool or tuples of str, each checked."""
    if doc is None:
        return None
    given = _typed(doc, dict)
    values = {}
    for spec in fields(kind):  # type: ignore[arg-type]
        value = given.get(spec.name)
        if value is None and spec.default is not MISSING:
            continue
        if str(spec.type) == _STRINGS:
            values[spec.name] = _strings(value)
            continue
        wanted = _KINDS[str(spec.type)]
        values[spec.name] = value if wanted is bool else _typed(value, wanted)
        if wanted is bool and not isinstance(value, bool):
            raise TypeError(f"{spec.name}: {value!r} is not true or false")
    return kind(**values)


def _question(doc: Any) -> Question:
    question = _record(Question, doc)
    if question is None:
        raise TypeError("a question is null")
    return question


def _event(doc: Any) -> TaskEvent:
    event = _record(TaskEvent, doc)
    if event is None:
        raise TypeError("an event is null")
    return event


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(_typed(item, str) for item in _typed(value, list))


def _opt(value: Any, kind: type[T]) -> T | None:
    return None if value is None else _typed(value, kind)


def _typed(value: Any, kind: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, kind):
        raise TypeError(f"{value!r} is not {kind}")
    return value
