"""The test-integrity guard, applied to the pull request's own diff.

The same rules that gate kairos's own patches (removed or weakened assertions, new
skips, loosened tolerances, deselected tests...) are reported on a human's pull
request, as information for its reviewers. Only flagged verdicts are reported; notes
(a renamed test, an edited expectation with its code) are not worth a comment.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from kairos_ci.forge.markers import fingerprint
from kairos_ci.guard.check import check_patch
from kairos_ci.guard.records import GuardVerdict
from kairos_ci.guard.revisions import patch_versions, repo_context
from kairos_ci.tasks.review.markdown import code, inert
from kairos_ci.tasks.review.records import ReviewFinding, ReviewScope, Source


def guard_findings(
    repo: Path, merge_base: str, head: str, scope: ReviewScope
) -> Iterator[ReviewFinding]:
    files = patch_versions(repo, merge_base, head)
    report = check_patch(files, repo_context(repo, head))
    for verdict in report.flagged:
        if verdict.path in scope.files:
            yield _finding(verdict)


def _finding(verdict: GuardVerdict) -> ReviewFinding:
    rule = f"guard/{verdict.rule}"
    test = f" in {code(verdict.test)}" if verdict.test else ""
    detail = (
        f"**Test integrity** ({verdict.rule}){test}: {inert(verdict.message, 300)}. "
        "If the test was wrong, say why in the pull request; otherwise keep what it checked."
    )
    return ReviewFinding(
        source=Source.GUARD,
        rule=rule,
        path=verdict.path,
        line=verdict.line,
        title=f"test integrity: {verdict.rule}{test}",
        detail=detail,
        fingerprint=fingerprint(rule, verdict.path, verdict.test or "", prefix="guard"),
        severity=0,
    )
