"""Plans on the memory branch, under ``plans/``: the planning job reads them, another job
writes them.

The planning job runs the model, so its token can read contents and nothing more. It
works in a state folder (``checkpoints.DirectoryCheckpoints``): ``recall`` first copies
the issue's files from the memory branch into it, so a rerun resumes and a tick is read
against the posted plan; the job then uploads the folder as an artifact. A second job,
with ``contents: write`` and no model or repository code, downloads it and ``remember``
commits its files under ``plans/`` by compare-and-swap, and puts each planning run's
spend (``spend/``) in memory's ledger, so the budget's caps count planning too. What it
takes from the folder is checked like any input (names, sizes, JSON objects): a bad file
is named and skipped. A published version is final, so older versions' checkpoints of
an issue are dropped.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kairos_ci.clock import from_iso
from kairos_ci.errors import MemoryError_
from kairos_ci.memory import caps
from kairos_ci.memory.names import PLANS_DIR
from kairos_ci.memory.records import Journal, RunRecord, RunResult, Spend
from kairos_ci.memory.store import Edit, MemoryStore, SaveResult
from kairos_ci.memory.tip import Tip
from kairos_ci.plan.checkpoints import JOB_KEY, write_atomically
from kairos_ci.plan.current import plan_in
from kairos_ci.plan.records import Phase, Plan

_FILE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,60}\.(json|md)$")
_RUN_JOB = re.compile(r"^(?P<plan>.+)-v(?P<version>[0-9]{1,6})-[0-9a-f]{12}$")
CURRENT_FILE = f"{Phase.PUBLISH.value}.json"  # in the plan's own folder: its current plan
SPEND_DIR = "spend"  # one file per planning run: its model spend, for memory's ledger
_RUN_ID = re.compile(r"^[A-Za-z0-9._-]{1,60}$")
MAX_SPEND_USD = 10_000.0  # far above any plan's cap: a larger figure is a broken file


@dataclass(frozen=True)
class PlanSpend:
    """What one planning run spent, written by its job for the ``remember`` job."""

    run_id: str
    at: str
    event: str
    by_model: Mapping[str, Spend]


@dataclass(frozen=True)
class Remembered:
    saved: SaveResult
    files: int  # files taken from the folder
    dropped: int  # older versions' checkpoints removed
    notes: tuple[str, ...]  # files of the folder that were skipped, and why
    spent: tuple[str, ...] = ()  # planning runs whose spend went into the ledger
    taken: Mapping[str, bytes] = field(default_factory=dict)  # what was committed, by path


def keep_spend(state: Path, spend: PlanSpend) -> None:
    """The run's spend beside its plans; ``remember`` puts it in memory's ledger."""
    if not _RUN_ID.match(spend.run_id):
        raise ValueError(f"run id {spend.run_id!r} must match {_RUN_ID.pattern}")
    doc = {
        "run_id": spend.run_id,
        "at": spend.at,
        "event": spend.event,
        "by_model": {model: _spend_doc(one) for model, one in spend.by_model.items()},
    }
    name = "run-" + re.sub(r"[^a-z0-9_-]", "-", spend.run_id.lower()) + ".json"
    write_atomically(state / SPEND_DIR / name, json.dumps(doc).encode("utf-8"))


def of_plan(plan_id: str) -> Callable[[str], bool]:
    """Whether a path under plans/ belongs to ``plan_id``: its own folder (the current
    plan and its artefacts) or one of its runs' (``<plan_id>-v<version>-<base>``)."""

    def belongs(path: str) -> bool:
        job = path.partition("/")[0]
        run = _RUN_JOB.match(job)
        return job == plan_id or (run is not None and run["plan"] == plan_id)

    return belongs


def remembered_plan(store: MemoryStore, plan_id: str) -> Plan | None:
    """The issue's current plan as the memory branch holds it, read with no state folder
    (a worker's job needs nothing else of the plan's files)."""
    path = f"{plan_id}/{CURRENT_FILE}"
    raw = store.carried_files(PLANS_DIR, lambda name: name == path).files.get(path)
    return None if raw is None else plan_in(json.loads(raw), plan_id)


def recall(store: MemoryStore, plan_id: str, state: Path) -> tuple[str, ...]:
    """Copy ``plan_id``'s files from the memory branch into ``state``; a file the folder
    already has is newer (this job's own) and stays. Returns notes on what was left out."""
    found = store.carried_files(PLANS_DIR, of_plan(plan_id))
    for path, raw in found.files.items():
        if _problem(path, raw) is None and not (state / path).exists():
            write_atomically(state / path, raw)
    return found.notes


def remember(store: MemoryStore, state: Path, sha: str) -> Remembered:
    """Commit the folder's plan files under plans/, dropping superseded checkpoints, and
    record each planning run's spend in the ledger once (under ``sha``, the commit the
    workflow run is for)."""
    files, notes = _collect(state)
    spends = tuple(_spends(files, notes))
    files = {path: raw for path, raw in files.items() if not path.startswith(f"{SPEND_DIR}/")}
    saved = _commit_plans(store, files)
    spent = tuple(spend.run_id for spend in spends if _record(store, spend, sha))
    notes = [*notes, *saved.notes]
    return Remembered(saved.saved, saved.files, saved.dropped, tuple(notes), spent, files)


def _commit_plans(store: MemoryStore, files: Mapping[str, bytes]) -> Remembered:
    if not files:
        return Remembered(SaveResult(None, changed=False, attempts=0), 0, 0, ())
    dropped: list[int] = [0]  # the winning attempt's count

    def change(tip: Tip) -> Edit | None:
        stale = _superseded(tip, files)
        plans: dict[str, bytes | None] = {**files, **dict.fromkeys(stale)}
        _check_room(tip, plans)
        dropped[0] = len(stale)
        carried = {f"{PLANS_DIR}/{path}": raw for path, raw in plans.items()}
        return Edit(f"memory: plans {', '.join(sorted(_plans(files)))}", carried=carried)

    saved = store.transact(change)
    return Remembered(saved, len(files), dropped[0], ())


def _spends(files: Mapping[str, bytes], notes: list[str]) -> Iterator[PlanSpend]:
    for path, raw in files.items():
        if path.startswith(f"{SPEND_DIR}/"):
            try:
                yield _spend_of(json.loads(raw))
            except (ValueError, KeyError, TypeError, AttributeError) as err:
                notes.append(f"{path}: not a planning run's spend ({err}): skipped")


def _spend_of(doc: dict[str, Any]) -> PlanSpend:
    run_id, at, event = str(doc["run_id"]), str(doc["at"]), str(doc["event"])
    if not _RUN_ID.match(run_id):
        raise ValueError(f"run id {run_id!r}")
    from_iso(at)  # raises ValueError on a bad time
    by_model = {str(model): _spend(one) for model, one in doc["by_model"].items()}
    return PlanSpend(run_id, at, event[:40], by_model)


def _spend(doc: dict[str, Any]) -> Spend:
    usd, tokens_in, tokens_out = doc["usd"], doc["input_tokens"], doc["output_tokens"]
    if not isinstance(usd, int | float) or not 0 <= usd <= MAX_SPEND_USD:
        raise ValueError(f"usd {usd!r}")
    if not all(isinstance(n, int) and n >= 0 for n in (tokens_in, tokens_out)):
        raise ValueError("token counts must be whole and not negative")
    return Spend(float(usd), tokens_in, tokens_out)


def _spend_doc(spend: Spend) -> dict[str, Any]:
    return {
        "usd": spend.usd,
        "input_tokens": spend.input_tokens,
        "output_tokens": spend.output_tokens,
    }


def _record(store: MemoryStore, spend: PlanSpend, sha: str) -> bool:
    """Once per run id: a run the ledger holds already is not counted again."""
    if spend.run_id in store.load().memory.spend.runs:
        return False
    run = RunRecord(spend.run_id, spend.event, sha, spend.at, RunResult.SUCCESS)
    return store.save(Journal(run=run, spend=dict(spend.by_model))).changed


def _collect(state: Path) -> tuple[dict[str, bytes], list[str]]:
    files: dict[str, bytes] = {}
    notes: list[str] = []
    for path in _walk(state):
        name = path.relative_to(state).as_posix()
        if path.stat().st_size > caps.CARRIED_FILE_BYTES:
            notes.append(f"{name}: over the {caps.CARRIED_FILE_BYTES}-byte cap of a plan file")
            continue
        raw = path.read_bytes()
        problem = _problem(name, raw)
        if problem is None:
            files[name] = raw
        else:
            notes.append(f"{name}: {problem}")
    return files, notes


def _walk(state: Path) -> Iterator[Path]:
    """Every regular file in ``state`` (no symlinks followed), in name order."""
    if not state.is_dir():
        raise MemoryError_(f"{state}: no such folder of plans")
    for path in sorted(state.rglob("*")):
        if path.is_file() and not path.is_symlink() and not path.name.startswith("."):
            yield path


def _problem(name: str, raw: bytes) -> str | None:
    """Why ``name`` may not be a plan file, or None."""
    parts = name.split("/")
    if len(parts) != 2 or not JOB_KEY.match(parts[0]) or parts[0] in (".", ".."):
        return "not <plan or run>/<file>: skipped"
    if not _FILE.match(parts[1]):
        return "not a plan file name (lower-case, .json or .md): skipped"
    if len(raw) > caps.CARRIED_FILE_BYTES:
        return f"over the {caps.CARRIED_FILE_BYTES}-byte cap of a plan file: skipped"
    if parts[1].endswith(".json"):
        try:
            if not isinstance(json.loads(raw), dict):
                return "not a JSON object: skipped"
        except ValueError as err:
            return f"not JSON ({err}): skipped"
    return None


def _plans(files: Mapping[str, bytes]) -> set[str]:
    """The plans the folder holds: run folders name theirs."""
    jobs = {path.partition("/")[0] for path in files}
    return {_plan_of(job) for job in jobs}


def _plan_of(job: str) -> str:
    run = _RUN_JOB.match(job)
    return run["plan"] if run is not None else job


def _paths(tip: Tip) -> list[str]:
    return list(_sizes(tip))


def _sizes(tip: Tip) -> dict[str, int]:
    """The plan files on the branch, by path under plans/."""
    inside = ((e.path.removeprefix(f"{PLANS_DIR}/"), e) for e in tip.carried)
    return {path: e.size for path, e in inside if path != e.path}


def _superseded(tip: Tip, files: Mapping[str, bytes]) -> set[str]:
    """Checkpoints on the branch of an older version than the folder's current plan."""
    current = {
        path.partition("/")[0]: _version(raw)
        for path, raw in files.items()
        if path.partition("/")[2] == CURRENT_FILE and _RUN_JOB.match(path.partition("/")[0]) is None
    }
    stale = set()
    for path in _paths(tip):
        run = _RUN_JOB.match(path.partition("/")[0])
        if run is not None and int(run["version"]) < current.get(run["plan"], 0):
            stale.add(path)
    return stale


def _version(raw: bytes) -> int:
    """The version of a current-plan file (0 when it names none: nothing is dropped)."""
    plan = json.loads(raw).get("data", {}).get("plan", {})
    version = plan.get("version", 0) if isinstance(plan, dict) else 0
    return version if isinstance(version, int) else 0


def _check_room(tip: Tip, plans: Mapping[str, bytes | None]) -> None:
    sizes = _sizes(tip)
    for path, raw in plans.items():
        if raw is None:
            sizes.pop(path, None)
        else:
            sizes[path] = len(raw)
    total = sum(sizes.values())
    if total > caps.PLANS_BYTES:
        raise MemoryError_(
            f"plans on the memory branch would take {total} bytes, over the "
            f"{caps.PLANS_BYTES}-byte cap: nothing saved"
        )
