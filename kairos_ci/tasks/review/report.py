"""The job summary of a review: what was reviewed, said, left out and why. Pure."""

from __future__ import annotations

from collections.abc import Sequence

from kairos_ci.bundle.records import WriteOutcome
from kairos_ci.report.summary import RunReport, Skip
from kairos_ci.tasks.review.records import PullView
from kairos_ci.tasks.review.task import ReviewResult

MAX_LINES = 500  # the summary file is capped at 1 MiB anyway


def run_report(
    pull: PullView,
    result: ReviewResult | None,
    posted: WriteOutcome | None,
    skipped: Sequence[Skip] = (),
    problems: Sequence[str] = (),
    notes: Sequence[str] = (),
) -> RunReport:
    facts = [
        ("pull request", f"#{pull.number}"),
        ("head", pull.head_sha[:12]),
        ("from a fork", "yes" if pull.from_fork else "no"),
    ]
    done: list[str] = list(notes)
    skips = list(skipped)
    if result is not None:
        facts.append(("autonomy", result.why))
        if result.skip is not None:
            skips.append(Skip("review", result.skip))
        else:
            done += _reviewed(result, posted)
            skips += _left_out(result)
        if result.coverage is not None:
            facts += [("linters", result.coverage.linters), ("model", result.coverage.model)]
    return RunReport("kairos-ci review", tuple(facts), tuple(done), tuple(skips), tuple(problems))


def _reviewed(result: ReviewResult, posted: WriteOutcome | None) -> list[str]:
    scope = result.scope
    lines = [f"reviewed {scope.note or 'the whole pull request'}" if scope else "reviewed"]
    if posted is not None:
        lines.append(f"review: {posted.status.value} ({posted.reason})")
    elif result.composed is None:
        lines.append("nothing new to say: no review posted")
    if result.repeated:
        lines.append(f"{result.repeated} finding(s) said before or ignored: not repeated")
    preexisting = result.coverage.preexisting if result.coverage else None
    if preexisting:
        lines.append(f"{preexisting} lint finding(s) the base branch already had: left out")
    for finding in result.said[:MAX_LINES]:
        where = f"{finding.path}:{finding.line}" if finding.line else finding.path
        lines.append(f"{where}: {finding.title} [{finding.fingerprint}]")
    if result.signals:
        lines.append("hidden text stripped from the pull request: " + ", ".join(result.signals))
    return lines


def _left_out(result: ReviewResult) -> list[Skip]:
    coverage = result.coverage
    if coverage is None:
        return []
    return [Skip(item.path, item.why) for item in coverage.not_reviewed[:MAX_LINES]]
