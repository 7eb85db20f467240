"""Which members of a group survive the project's tests: all at once, else one by one.

First every member is tried together. If that fails, the unchanged project is
tried: if it fails too, nothing can be attributed and nothing is proposed.
Otherwise members are added one at a time, in the group's order, and a member
whose addition breaks the install or the tests is dropped with that reason.
The accepted set is therefore exactly what the last passing run tested. This
costs at most ``n + 2`` runs; ``max_trials`` caps it, and members past the cap
are dropped as unverified rather than proposed untested.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from kairos_ci.tasks.deps.records import Bump, Dropped

MAX_TRIALS = 10


@dataclass(frozen=True)
class Trial:
    ok: bool
    why: str = ""  # what failed: the install, the lockfile or which tests


@dataclass(frozen=True)
class TrialVerdict:
    accepted: tuple[Bump, ...]
    dropped: tuple[Dropped, ...]
    base_broken: str | None  # why the project fails with no update at all
    trials: int
    last: Trial  # the run that verified ``accepted`` (or the base failure)


Attempt = Callable[[Sequence[Bump]], Trial]


def verify_members(
    members: Sequence[Bump], attempt: Attempt, max_trials: int = MAX_TRIALS
) -> TrialVerdict:
    together = attempt(members)
    if together.ok:
        return TrialVerdict(tuple(members), (), None, 1, together)
    base = attempt(())
    if not base.ok:
        return TrialVerdict((), (), base.why, 2, base)
    if len(members) == 1:
        return TrialVerdict((), (Dropped(members[0], together.why),), None, 2, base)
    accepted: list[Bump] = []
    dropped: list[Dropped] = []
    trials, last = 2, base
    for member in members:
        if trials >= max_trials:
            why = f"not verified: a group gets at most {max_trials} test runs"
            dropped.append(Dropped(member, why))
            continue
        result = attempt((*accepted, member))
        trials += 1
        if result.ok:
            accepted.append(member)
            last = result
        else:
            dropped.append(Dropped(member, result.why))
    return TrialVerdict(tuple(accepted), tuple(dropped), None, trials, last)
