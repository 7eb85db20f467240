from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from kairos_ci.config.records import DepGroup, UpdateDepsConfig
from kairos_ci.tasks.deps.manifests import parse_manifest
from kairos_ci.tasks.deps.plan import group_key, ignored, plan_updates, versions_hash
from kairos_ci.tasks.deps.records import (
    Bump,
    DistFile,
    Ecosystem,
    Held,
    Link,
    ManifestSet,
    Package,
    RegistryFailure,
    Release,
)

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)
SHA = "0" * 64


def days_ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


@dataclass
class Catalogue:
    """A Registry with fixed answers: the planner's port, filled by the test."""

    packages: dict[str, Package | RegistryFailure] = field(default_factory=dict)
    asked: list[str] = field(default_factory=list)

    def add(self, ecosystem: Ecosystem, name: str, *releases: Release) -> None:
        self.packages[name] = Package(ecosystem, name, "https://index.test/", releases)

    def lookup(self, ecosystem: Ecosystem, name: str, current: str) -> Package | RegistryFailure:
        self.asked.append(name)
        return self.packages.get(name) or RegistryFailure(ecosystem, "r", name, "HTTP 404")

    def links(self, ecosystem: Ecosystem, name: str, version: str) -> tuple[Link, ...]:
        return ()


def release(version: str, age_days: float | None, yanked: bool = False) -> Release:
    when = None if age_days is None else days_ago(age_days)
    files = (DistFile(f"x-{version}.tar.gz", f"https://f.test/x-{version}.tar.gz", SHA, when),)
    return Release(version, when, yanked, files)


def manifests(requirements: str, package_json: str | None = None) -> ManifestSet:
    found = [parse_manifest("requirements.txt", requirements)]
    if package_json is not None:
        found.append(parse_manifest("web/package.json", package_json))
    return ManifestSet(tuple(found), (), ())


def catalogue() -> Catalogue:
    registry = Catalogue()
    registry.add("pypi", "cool", release("1.0.0", 90), release("1.0.1", 10), release("1.0.2", 1))
    registry.add("pypi", "young", release("2.0.0", 90), release("2.0.1", 0.5))
    registry.add("pypi", "minor", release("3.0.0", 90), release("3.1.0", 30))
    registry.add(
        "pypi",
        "skips",
        release("4.0.0", 90),
        release("4.0.1", 20, yanked=True),
        release("4.0.2rc1", 20),
        release("4.0.2+local", 20),
        release("4.0.3", None),
    )
    registry.add("pypi", "current", release("5.0.0", 90))
    return registry


REQUIREMENTS = "cool==1.0.0\nyoung==2.0.0\nminor==3.0.0\nskips==4.0.0\ncurrent==5.0.0\n"


def test_patch_only_with_cooldown_picks_the_newest_cooled_release() -> None:
    plan = plan_updates(UpdateDepsConfig(), manifests(REQUIREMENTS), catalogue(), (), NOW)
    (group,) = plan.groups
    assert group.key == "pypi" and group.branch == "kairos/deps/pypi"
    assert [str(b) for b in group.bumps] == ["cool 1.0.0 -> 1.0.1"]
    assert group.bumps[0].released == days_ago(10)
    assert {h.name: h.why for h in plan.held} == {
        "young": "2.0.1 was released 12 hours ago; the cooldown is 3 days",
        "minor": "minor update to 3.1.0 not allowed (update_types: patch)",
        "skips": "4.0.3 has no release date from the registry, so the cooldown cannot pass",
    }
    assert plan.failures == () and plan.blocked == ()


def test_cooldown_zero_and_minor_allowed() -> None:
    config = UpdateDepsConfig(update_types=("patch", "minor"), cooldown_days=0)
    plan = plan_updates(config, manifests(REQUIREMENTS), catalogue(), (), NOW)
    assert [str(b) for b in plan.groups[0].bumps] == [
        "cool 1.0.0 -> 1.0.2",
        "minor 3.0.0 -> 3.1.0",
        "skips 4.0.0 -> 4.0.3",
        "young 2.0.0 -> 2.0.1",
    ]
    assert [b.update_type for b in plan.groups[0].bumps] == ["patch", "minor", "patch", "patch"]


def test_the_same_state_gives_the_same_plan() -> None:
    first = plan_updates(UpdateDepsConfig(), manifests(REQUIREMENTS), catalogue(), (), NOW)
    again = plan_updates(UpdateDepsConfig(), manifests(REQUIREMENTS), catalogue(), (), NOW)
    assert first == again


def test_a_rejected_set_is_blocked_and_a_newer_release_is_proposed() -> None:
    first = plan_updates(UpdateDepsConfig(), manifests(REQUIREMENTS), catalogue(), (), NOW)
    rejected = {(first.groups[0].key, first.groups[0].versions_hash)}
    blocked = plan_updates(UpdateDepsConfig(), manifests(REQUIREMENTS), catalogue(), rejected, NOW)
    assert blocked.groups == () and blocked.blocked == first.groups
    later = NOW + timedelta(days=5)  # 1.0.2 has now cooled down
    newer = plan_updates(UpdateDepsConfig(), manifests(REQUIREMENTS), catalogue(), rejected, later)
    assert [str(b) for b in newer.groups[0].bumps] == [
        "cool 1.0.0 -> 1.0.2",
        "young 2.0.0 -> 2.0.1",
    ]


def test_registry_failures_are_reported_and_the_rest_still_planned() -> None:
    registry = catalogue()
    registry.packages["young"] = RegistryFailure("pypi", "https://index.test/", "young", "HTTP 500")
    plan = plan_updates(
        UpdateDepsConfig(), manifests(REQUIREMENTS + "absent==1.0\n"), registry, (), NOW
    )
    assert [str(f) for f in plan.failures] == [
        "r: absent: HTTP 404",
        "https://index.test/: young: HTTP 500",
    ]
    assert [str(b) for b in plan.groups[0].bumps] == ["cool 1.0.0 -> 1.0.1"]


def test_hashes_are_recomputed_from_the_index_or_the_member_is_held() -> None:
    registry = catalogue()
    pinned = f"cool==1.0.0 --hash=sha256:{'a' * 64}\nyoung==2.0.0 --hash=sha512:{'b' * 128}\n"
    plan = plan_updates(UpdateDepsConfig(cooldown_days=0), manifests(pinned), registry, (), NOW)
    (bump,) = plan.groups[0].bumps
    assert bump.hashes == (SHA,)
    assert plan.held == (
        Held(
            "pypi",
            "young",
            "2.0.0",
            "2.0.1: cannot recompute --hash: only sha256 is supported, not ['sha512']",
        ),
    )
    missing = Release(
        "1.0.1", days_ago(9), False, (DistFile("cool-1.0.1.tar.gz", "u", None, None),)
    )
    registry.add("pypi", "cool", release("1.0.0", 90), missing)
    plan = plan_updates(UpdateDepsConfig(), manifests(pinned), registry, (), NOW)
    assert plan.held[0].why == (
        "1.0.1: cannot recompute --hash: the index gives no sha256 for cool-1.0.1.tar.gz"
    )


def test_groups_ignore_and_one_group_per_ecosystem() -> None:
    registry = catalogue()
    registry.add(
        "npm",
        "@types/node",
        Release("20.0.0", days_ago(90), False),
        Release("20.0.1", days_ago(9), False),
    )
    registry.add(
        "npm", "left", Release("1.0.0", days_ago(90), False), Release("1.0.1", days_ago(9), False)
    )
    package_json = '{"devDependencies": {"@types/node": "20.0.0", "left": "1.0.0"}}'
    config = UpdateDepsConfig(
        ignore=("npm:@types/*", "Young"),
        groups=(DepGroup("core", ("pypi:Cool", "nothing")),),
        cooldown_days=0,
    )
    plan = plan_updates(config, manifests(REQUIREMENTS, package_json), registry, (), NOW)
    assert [(g.key, [str(b) for b in g.bumps]) for g in plan.groups] == [
        ("core", ["cool 1.0.0 -> 1.0.2"]),
        ("npm", ["left 1.0.0 -> 1.0.1"]),
        ("pypi", ["skips 4.0.0 -> 4.0.3"]),
    ]
    ignored_names = [h.name for h in plan.held if h.why == "ignored by update_deps.ignore"]
    assert ignored_names == ["@types/node", "young"]
    assert "@types/node" not in registry.asked  # ignored packages cost no request


def test_pattern_matching_rules() -> None:
    assert ignored(("Django_*",), "pypi", "django-rest")
    assert not ignored(("pypi:left",), "npm", "left")
    assert group_key((DepGroup("g", ("npm:*",)),), "pypi", "x") == "pypi"


def test_versions_hash_is_the_set_of_targets() -> None:
    a = Bump("pypi", "a", "a", "1.0", "1.1", "patch", None, ())
    b = Bump("npm", "b", "b", "2.0.0", "2.0.1", "patch", None, ())
    same_target_other_base = Bump("pypi", "A", "a", "1.0.5", "1.1", "patch", None, ())
    assert versions_hash([a, b]) == versions_hash([b, same_target_other_base])
    assert versions_hash([a]) != versions_hash([a, b])
