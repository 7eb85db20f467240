from __future__ import annotations

from datetime import UTC, datetime

from kairos_ci.tasks.deps.body import body, report_lines, summary, title
from kairos_ci.tasks.deps.records import (
    Bump,
    Dropped,
    Held,
    Link,
    ManifestProblem,
    Pin,
    PlanGroup,
    RegistryFailure,
    UpdatePlan,
)

PIN = Pin("pypi", "alpha", "alpha", "1.0.0", "requirements.txt", "requirements", 7, 12)
ALPHA = Bump(
    "pypi", "alpha", "alpha", "1.0.0", "1.0.1", "patch", datetime(2026, 5, 1, tzinfo=UTC), (PIN,)
)
BETA = Bump("npm", "beta", "beta", "2.0.0", "2.1.0", "minor", None, ())


def test_titles_are_stable_for_the_same_set() -> None:
    assert title("pypi", [ALPHA]) == "Update alpha from 1.0.0 to 1.0.1"
    assert title("all", [ALPHA, BETA]) == "Update 2 dependencies in group all (patch/minor)"


def test_body_lists_versions_dates_links_and_dropped_members_escaped() -> None:
    hostile = Dropped(BETA, "tests fail: `x` | <script>alert(1)</script>\n## injected")
    links = {("pypi", "alpha"): (Link("Change|log", "https://example.test/changes"),)}
    text = body("pypi", "kairos/deps/pypi", [ALPHA], [hostile], links, "pytest -q", "abc123")
    assert (
        "| alpha | 1.0.0 | 1.0.1 | patch | 2026-05-01 "
        "| [Change\\|log](https://example.test/changes) |" in text
    )
    assert (
        "- **beta** 2.0.0 -> 2.1.0: tests fail: 'x' \\| "
        "&lt;script&gt;alert(1)&lt;/script&gt; ## injected" in text
    )
    assert "<script>" not in text
    assert text.endswith("<!-- kairos-deps group=pypi versions=abc123 -->")
    assert "Manifests: `requirements.txt`" in text


def test_summary_is_one_plain_line() -> None:
    line = summary([ALPHA], [Dropped(BETA, "tests\nfail")])
    assert line == (
        "Updates alpha 1.0.0 -> 1.0.1 (released 2026-05-01). "
        "Left out: beta 2.0.0 -> 2.1.0: tests fail."
    )


def test_report_lines_group_failures_per_registry() -> None:
    plan = UpdatePlan(
        groups=(),
        blocked=(PlanGroup("pypi", (ALPHA,), "h"),),
        held=(Held("pypi", "gamma", "1.0", "ignored by update_deps.ignore"),),
        failures=(
            RegistryFailure("pypi", "https://idx/", "a", "HTTP 500"),
            RegistryFailure("pypi", "https://idx/", "b", "not tried: the host failed 3 times"),
            RegistryFailure("npm", "https://npm/", "c", "HTTP 404"),
        ),
        problems=(ManifestProblem("r.txt", "x==1.*", "not a single exact `==` pin"),),
    )
    assert report_lines(plan) == (
        "Registry https://idx/ failed for 2 package(s) (a, b): HTTP 500",
        "Registry https://npm/ failed for 1 package(s) (c): HTTP 404",
        "Group pypi not proposed again: its PR was closed unmerged (alpha 1.0.0 -> 1.0.1)",
        "gamma 1.0: ignored by update_deps.ignore",
        "r.txt: x==1.*: not a single exact `==` pin",
    )
