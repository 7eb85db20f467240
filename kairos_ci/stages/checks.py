"""Verification checks every task that changes code shares: the tests saw the patch,
and no test got worse."""

from __future__ import annotations

from kairos_ci.stages.evidence import Evidence
from kairos_ci.stages.records import Check


def tests_see_the_patch(after: Evidence) -> Check:
    """A pass means nothing when the tests imported another copy of the project."""
    name = "the tests ran the patched code"
    if after.not_the_tree:
        return Check(name, False, after.not_the_tree)
    if after.test_command is None:
        return Check(name, True, "not re-tested: no test command")
    return Check(name, True, "the project's packages import from it")


def tests_no_worse(base: Evidence, after: Evidence) -> Check:
    """No test that passed on the base fails now (flaky passes count as passes). A test
    memory judges flaky (``base.flaky``) failing now is named, but vetoes nothing: it
    fails without any change too."""
    if after.test_command is None:
        why = "no tests are configured" if not base.tests else "no test command to re-run them"
        return Check("tests no worse", True, f"not re-tested: {why}")
    passed = {t.id for t in base.tests if t.outcome in ("passed", "flaky")}
    newly = sorted({t.id for t in after.failing() if t.id in passed})
    broken = [test_id for test_id in newly if test_id not in base.flaky]
    flaky = [test_id for test_id in newly if test_id in base.flaky]
    missing = sorted(passed - {t.id for t in after.tests})
    detail = f"{len(base.failing())} failing before, {len(after.failing())} after"
    if broken:
        detail += "; newly failing: " + ", ".join(broken[:5])
    if flaky:
        detail += "; flaky, not counted: " + ", ".join(flaky[:5])
    if missing:
        detail += "; no longer reported: " + ", ".join(missing[:5])
    return Check("tests no worse", not broken and not missing, detail)
