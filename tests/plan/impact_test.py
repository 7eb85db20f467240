from __future__ import annotations

from pathlib import Path

from kairos_ci.git import Git
from kairos_ci.plan.codeindex import IndexLimits, build_index
from kairos_ci.plan.goalterms import goal_terms
from kairos_ci.plan.impact import ImpactTargets, analyse_impact, find_targets
from kairos_ci.plan.inventory import take_inventory
from kairos_ci.plan.records import ImpactEntry
from kairos_ci.plan.survey import reader
from tests.plan.express_app import GOAL, IMPACTED, build_express_app
from tests.plan.repos import PYTHON_PROJECT, committed


def impact_of(
    git: Git, terms: tuple[str, ...], hops: int = 2
) -> tuple[ImpactTargets, list[ImpactEntry]]:
    inventory = take_inventory(git)
    index = build_index(inventory)
    targets = find_targets(index, terms)
    found = analyse_impact(index, targets, reader(inventory, IndexLimits()), hops)
    return targets, list(found.entries)


def test_the_express_migration_finds_importers_manifest_and_their_importers(tmp_path: Path) -> None:
    targets, entries = impact_of(build_express_app(tmp_path), goal_terms(GOAL))
    assert targets == ImpactTargets(("express",), ())
    assert {e.path: e.hops for e in entries} == IMPACTED
    assert entries[:4] == [
        ImpactEntry("src/app.js", "imports express", 3),
        ImpactEntry("src/routes/orders.js", "imports express", 2),
        ImpactEntry("src/routes/users.js", "imports express", 2),
        ImpactEntry("package.json", "declares the dependency express", 1),
    ]
    assert entries[4] == ImpactEntry("test/app.test.js", "imports src/app.js", 3, hops=1)


def test_hops_bound_the_reach(tmp_path: Path) -> None:
    _, direct = impact_of(build_express_app(tmp_path), ("express",), hops=0)
    assert {e.path for e in direct} == {p for p, hop in IMPACTED.items() if hop == 0}


def test_a_defined_name_finds_its_definer_users_and_importers(tmp_path: Path) -> None:
    targets, entries = impact_of(committed(tmp_path, PYTHON_PROJECT), ("load_config",), hops=1)
    assert targets == ImpactTargets((), ("load_config",))
    assert {(e.path, e.reason, e.hops) for e in entries} == {
        ("src/shop/config.py", "defines load_config", 0),
        ("src/shop/app.py", "refers to load_config", 0),
        ("tests/test_app.py", "refers to load_config", 0),
        ("src/shop/cli.py", "imports src/shop/app.py", 1),
    }


def test_a_python_package_declared_in_pyproject(tmp_path: Path) -> None:
    targets, entries = impact_of(committed(tmp_path, PYTHON_PROJECT), ("flask",), hops=0)
    assert targets.packages == ("flask",)
    by_path = {e.path: e for e in entries}
    assert by_path["pyproject.toml"].reason == "declares the dependency flask"
    assert by_path["src/shop/app.py"].references == 2
    assert by_path["src/shop/views.py"].references == 2  # import flask; flask.jsonify
