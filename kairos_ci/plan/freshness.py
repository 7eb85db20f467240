"""Is a plan still about the code it was made on? Checked before anything executes.

A plan was made at ``base_sha``. If a file it reads or changes (its impact set, or a
step's files) changed on the default branch since, its steps may no longer fit: the
plan is stale. It is then re-validated against the new tree, so the answer says both
what moved and whether the plan's own rules still hold there. Files elsewhere changing
do not make a plan stale: busy repositories move all day.
"""

from __future__ import annotations

from dataclasses import dataclass

from kairos_ci.errors import GitError
from kairos_ci.git import Git
from kairos_ci.plan.records import Plan
from kairos_ci.plan.validate import ValidationReport, validate_plan

MAX_NAMED = 10


@dataclass(frozen=True)
class Freshness:
    head: str
    changed: tuple[str, ...]  # the plan's files changed between its base and ``head``
    unknown: str | None = None  # why it could not be told (the base is not in the clone)
    revalidated: ValidationReport | None = None  # the plan's rules at ``head``, when stale

    @property
    def stale(self) -> bool:
        return bool(self.changed) or self.unknown is not None

    def why(self) -> str:
        if self.unknown is not None:
            return self.unknown
        named = ", ".join(self.changed[:MAX_NAMED])
        more = len(self.changed) - MAX_NAMED
        tail = f" and {more} more" if more > 0 else ""
        rules = self.revalidated
        still = "its rules still hold" if rules is None or rules.ok else _broken(rules)
        return f"{len(self.changed)} of its files changed since the base ({named}{tail}); {still}"


def freshness(plan: Plan, git: Git, head: str = "HEAD") -> Freshness:
    """Compare ``plan``'s files between its base and ``head`` in ``git``'s repository."""
    tip = git.text("rev-parse", "--verify", f"{head}^{{commit}}")
    if tip == plan.base_sha:
        return Freshness(tip, ())
    try:
        diff = git.text("diff", "--name-only", "--no-renames", "-z", plan.base_sha, tip)
    except GitError:
        base = plan.base_sha[:12]
        return Freshness(tip, (), unknown=f"the plan's base {base} is not in this clone")
    changed = tuple(sorted(set(filter(None, diff.split("\0"))) & plan_files(plan)))
    if not changed:
        return Freshness(tip, ())
    tracked = git.text("ls-tree", "-r", "--name-only", "-z", tip).split("\0")
    return Freshness(
        tip, changed, revalidated=validate_plan(plan, frozenset(filter(None, tracked)))
    )


def plan_files(plan: Plan) -> frozenset[str]:
    """What the plan read or will change: its impact set and every step's files."""
    impact = {entry.path for entry in plan.context.impact_set}
    return frozenset(impact.union(*(step.files.touched for step in plan.steps)))


def _broken(report: ValidationReport) -> str:
    rules = ", ".join(report.rules_broken())
    return f"at the new head it breaks {rules}: {report.refusals[0]}"
