from __future__ import annotations

from collections.abc import Sequence

from kairos_ci.tasks.deps.records import Bump
from kairos_ci.tasks.deps.verify import Trial, verify_members


def bump(name: str) -> Bump:
    return Bump("pypi", name, name, "1.0", "1.0.1", "patch", None, ())


A, B, C, D = (bump(n) for n in "abcd")


class Project:
    """Tests that fail when any of ``breakers`` is in the tried set (or always, if broken)."""

    def __init__(self, *breakers: Bump, broken: bool = False) -> None:
        self.breakers = set(breakers)
        self.broken = broken
        self.tried: list[tuple[str, ...]] = []

    def __call__(self, members: Sequence[Bump]) -> Trial:
        self.tried.append(tuple(m.name for m in members))
        bad = sorted(m.name for m in members if m in self.breakers)
        if self.broken:
            return Trial(False, "test_x fails")
        return Trial(not bad, f"tests fail: {', '.join(bad)}" if bad else "")


def test_all_together_costs_one_run() -> None:
    project = Project()
    verdict = verify_members([A, B, C], project)
    assert (
        verdict.accepted == (A, B, C)
        and verdict.dropped == ()
        and project.tried == [("a", "b", "c")]
    )


def test_breakers_are_dropped_one_by_one_with_their_reason() -> None:
    project = Project(B, D)
    verdict = verify_members([A, B, C, D], project)
    assert verdict.accepted == (A, C)
    assert [str(d) for d in verdict.dropped] == [
        "b 1.0 -> 1.0.1: tests fail: b",
        "d 1.0 -> 1.0.1: tests fail: d",
    ]
    assert project.tried == [
        ("a", "b", "c", "d"),
        (),
        ("a",),
        ("a", "b"),
        ("a", "c"),
        ("a", "c", "d"),
    ]
    assert verdict.last.ok and verdict.trials == 6


def test_a_single_member_is_not_tried_twice() -> None:
    project = Project(A)
    verdict = verify_members([A], project)
    assert verdict.accepted == () and [d.bump for d in verdict.dropped] == [A]
    assert project.tried == [("a",), ()]


def test_a_broken_base_proposes_nothing() -> None:
    verdict = verify_members([A, B], Project(broken=True))
    assert verdict.accepted == () and verdict.dropped == ()
    assert verdict.base_broken == "test_x fails"


def test_the_run_budget_drops_the_rest_as_unverified() -> None:
    project = Project(A)
    verdict = verify_members([A, B, C, D], project, max_trials=4)
    assert verdict.accepted == (B,)
    assert [d.why for d in verdict.dropped] == [
        "tests fail: a",
        "not verified: a group gets at most 4 test runs",
        "not verified: a group gets at most 4 test runs",
    ]
