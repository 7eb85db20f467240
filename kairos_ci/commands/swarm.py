"""``kairos-ci swarm simulate``: the swarm's scheduling policy on simulated workers, a
plan's steps or a random DAG, judged against the makespan's lower bound (offline)."""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Sequence
from pathlib import Path

from kairos_ci.errors import InputError, UsageError
from kairos_ci.plan.codec import plan_from_json
from kairos_ci.plan.records import Plan
from kairos_ci.swarm.policy import SwarmTask
from kairos_ci.swarm.simulate import RandomSpec, Simulation, plan_tasks, random_tasks, sweep

MAX_TASKS = 10_000  # a random DAG's size: the simulation stays a matter of seconds
MAX_WORKERS = 256  # a GitHub Actions matrix's legs
SHOWN_SLOTS = 40


def simulate(args: argparse.Namespace) -> int:
    if not 1 <= args.workers <= MAX_WORKERS:
        raise UsageError(f"--workers must be 1 to {MAX_WORKERS}, not {args.workers}")
    tasks, what = _tasks(args)
    result = sweep(tasks, args.workers)
    print(f"swarm simulate: {what}, {args.workers} workers")
    for line in schedule_lines(result.fewer):
        print(line)
    for line in summary_lines(result.fewer):
        print(line)
    print(_more_line(result.fewer, result.more))
    return 0


def _tasks(args: argparse.Namespace) -> tuple[tuple[SwarmTask, ...], str]:
    if args.plan is not None:
        tasks = plan_tasks(_plan(args.plan))
        return tasks, f"{len(tasks)} steps of {args.plan}"
    if not 1 <= args.random <= MAX_TASKS:
        raise UsageError(f"--random must be 1 to {MAX_TASKS} tasks, not {args.random}")
    if not 0.0 <= args.locks <= 1.0:
        raise UsageError(f"--locks is a chance from 0 to 1, not {args.locks}")
    spec = RandomSpec(args.random, lock_chance=args.locks)
    tasks = random_tasks(spec, random.Random(args.seed))  # noqa: S311 - a replayable DAG
    return tasks, f"{args.random} random tasks (seed {args.seed}, locks {args.locks})"


def _plan(path: Path) -> Plan:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise InputError(f"{path}: not a readable plan JSON file: {err}") from err
    # Unchecked hash: a simulation approves nothing, so an edited plan may be tried out.
    return plan_from_json(document, str(path), check_hash=False)


def schedule_lines(result: Simulation) -> list[str]:
    lines = ["    start      end  worker  task"]
    for slot in result.schedule[:SHOWN_SLOTS]:
        lines.append(f"  {slot.start:7.1f}  {slot.end:7.1f}  {slot.worker:6d}  {slot.task_id}")
    hidden = len(result.schedule) - SHOWN_SLOTS
    if hidden > 0:
        lines.append(f"  ... and {hidden} more")
    return lines


def summary_lines(result: Simulation) -> Sequence[str]:
    bound = result.bound
    terms = {
        "load": bound.load,
        "critical path": bound.critical_path,
        "longest task": bound.longest,
    }
    binding = max(terms, key=lambda name: terms[name])
    idle = result.idle
    return (
        f"makespan {result.makespan:.1f} min, LB {bound.value:.1f} min ({binding}), "
        f"ratio {result.ratio:.3f}",
        f"utilisation {result.utilisation:.1%}; idle worker-minutes: dependencies "
        f"{idle.dependencies:.1f}, locks {idle.locks:.1f}, tail {idle.tail:.1f}",
    )


def _more_line(fewer: Simulation, more: Simulation) -> str:
    change = more.makespan - fewer.makespan
    verdict = f"slower by {change:.1f} min (a scheduling anomaly)" if change > 0 else "no slower"
    return f"with {more.workers} workers: makespan {more.makespan:.1f} min, {verdict}"
