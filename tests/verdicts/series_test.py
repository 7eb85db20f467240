"""Verdicts on the build-over-build series in the corpus (jenkinsci/junit-plugin pipeline/).

Three builds of one suite of 8 tests: all pass; then 3 error; then 3 error (two of them
different tests). The reports are real; the commits, trees and times are ours, to play
the series out as three commits, and as one commit re-run.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from kairos_ci.signals.read import parse_report
from kairos_ci.signals.records import TestResult
from kairos_ci.verdicts.history import infrastructure_failures, judge
from kairos_ci.verdicts.records import HistoryEntry, Thresholds, Verdict

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
PREFIX = "org.twia.vendor.VendorManagerTest."
BUILDS = [f"junit-report-testTrends-first-{n}.xml" for n in (1, 2, 3)]


def history(shared: Path, commits: list[str]) -> dict[str, list[HistoryEntry]]:
    base = shared / "corpus/junit/jenkinsci-junit-plugin/pipeline"
    out: dict[str, list[HistoryEntry]] = {}
    for build, (name, sha) in enumerate(zip(BUILDS, commits, strict=True)):
        at = (NOW - timedelta(hours=3 - build)).isoformat()
        for test in parse_report(base / name):
            assert isinstance(test, TestResult), test
            entry = HistoryEntry(
                sha, f"tree-{sha}", f"build-{build + 1}", test.outcome, test.duration_s, at
            )
            out.setdefault(test.id.removeprefix(PREFIX), []).append(entry)
    return out


def test_series_as_three_commits(shared_dir: Path) -> None:
    series = history(shared_dir, ["c1", "c2", "c3"])
    assert len(series) == 8 and all(len(runs) == 3 for runs in series.values())
    verdicts = judge(series, NOW)
    # Passed, errored, passed: two flips in three runs is not yet flaky by default...
    assert verdicts["testGetRevokedClaimsForAdjustingFirm"].verdict is Verdict.HEALTHY
    # ...and two failing commits are not yet broken, but a failing test is never healthy.
    failing = verdicts["testGetVendorFirmKeyForVendorRep"]
    assert failing.verdict is Verdict.NEW
    assert failing.reasons == (
        "failed in its last 2 runs on 2 commit(s); broken once it fails on 3",
    )
    strict = judge(series, NOW, Thresholds(broken_commits=2, flips=2))
    assert strict["testGetVendorFirmKeyForVendorRep"].verdict is Verdict.BROKEN
    assert strict["testGetVendorFirmKeyForVendorRep"].evidence == ("build-2", "build-3")
    assert strict["testCreateAdjustingFirm"].verdict is Verdict.BROKEN
    flaky = strict["testGetRevokedClaimsForAdjustingFirm"]
    assert flaky.verdict is Verdict.FLAKY and flaky.evidence == ("build-2", "build-3")
    assert strict["testCreateVendorFirm"].verdict is Verdict.NEW  # failed once, last: failing now
    assert strict["testUpdateVendorFirm"].verdict is Verdict.HEALTHY


def test_series_as_one_commit_rerun(shared_dir: Path) -> None:
    series = history(shared_dir, ["c1", "c2", "c2"])  # builds 2 and 3 ran the same code
    verdicts = judge(series, NOW)
    for name in ("testGetRevokedClaimsForAdjustingFirm", "testCreateVendorFirm"):
        result = verdicts[name]
        assert result.verdict is Verdict.FLAKY, name
        assert result.evidence == ("build-2", "build-3")
        assert result.reasons[0] == "passed and failed on the same code (1 tree)"
    # Failed twice on the same code: consistent, not flaky; one commit is not broken.
    assert verdicts["testCreateAdjustingFirm"].verdict is Verdict.NEW
    assert verdicts["testCreateAdjustingFirm"].evidence == ("build-2", "build-3")
    assert judge(series, NOW, Thresholds(broken_commits=1))["testCreateAdjustingFirm"].verdict is (
        Verdict.BROKEN
    )


def test_series_infrastructure_guard(shared_dir: Path) -> None:
    series = history(shared_dir, ["c1", "c2", "c2"])
    assert infrastructure_failures(series, Thresholds()) == frozenset()  # 3 of 8 failed
    guarded = Thresholds(infra_ratio=0.3)
    assert infrastructure_failures(series, guarded) == {"build-2", "build-3"}
    assert {v.verdict for v in judge(series, NOW, guarded).values()} == {Verdict.HEALTHY}
