"""The run's outcome for humans: the job summary, the exit status, and why."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from kairos_ci.bundle.records import ApplyResult, Bundle, Status
from kairos_ci.config.records import BUILT_IN_DEFAULTS, Config
from kairos_ci.memory.mac import UNAUTHENTICATED
from kairos_ci.memory.records import Spend
from kairos_ci.report.summary import RunReport, Skip
from kairos_ci.stages.evidence import Evidence, LintEvidence
from kairos_ci.stages.records import RunInfo, VerificationRun
from kairos_ci.stages.state import Finished, Kept
from kairos_ci.verdicts.records import TestVerdict, Verdict

NO_MODEL = "fixing a failing test needs a model: set the anthropic-api-key input"
NOTHING_TO_WORK_ON = (
    "No kairos config and no test reports were found, so there was nothing to work on. "
    "Run `kairos-ci init` to write a starting `.github/kairos.yml`, "
    "and `kairos-ci doctor` to check the setup."
)


@dataclass(frozen=True)
class RunOutcome:
    report: RunReport
    bundle: Bundle
    applied: ApplyResult
    exit_code: int
    verifications: tuple[VerificationRun, ...] = ()  # each verification's tests, for artefacts


def waiting_for_agent(
    evidence: Evidence, verdicts: Mapping[str, TestVerdict], model_available: bool
) -> dict[str, str]:
    """Failing tests that only a fix by the agent can help, with why they wait."""
    why = "queued for the agent" if model_available else NO_MODEL
    flaky = {t for t, v in verdicts.items() if v.verdict is Verdict.FLAKY}
    return {t.id: why for t in evidence.failing() if t.id not in flaky}


@dataclass(frozen=True)
class Heading:
    """What only the entrypoint knows: the summary's title, its facts and advice."""

    title: str
    facts: tuple[tuple[str, str], ...]
    advice: tuple[str, ...] = ()
    lines: tuple[str, ...] = ()  # more of what was done, after the writes


def summarise(done: Finished, heading: Heading, kept: Kept) -> RunOutcome:
    """The job summary of a finished run, and its exit status: 1 when a write failed, a
    configured tool did not run, or memory could not be read or saved."""
    applied, evidence = done.acted.applied, done.observed.evidence
    lines = [
        _line(o.write.describe(), o.status, o.reason)
        for o in applied.outcomes
        if o.status in (Status.APPLIED, Status.UNCHANGED, Status.PLANNED)
    ]
    lines += [*done.worked.reused, *done.gated.left_alone, *heading.lines, kept.line]
    skips = [Skip(s.task, s.why) for s in (*done.worked.skipped, *done.gated.skipped)]
    skips += [
        Skip(o.write.describe(), o.reason) for o in applied.outcomes if o.status is Status.SKIPPED
    ]
    skips += [Skip(f"report {e.file}", e.message) for e in evidence.errors]
    waiting = sorted(done.worked.waiting.items())
    skips += [Skip(f"fix_tests ({test_id})", why) for test_id, why in waiting]
    problems = list(evidence.not_run)  # a configured tool that did not run fails the run
    problems += [f"{o.write.describe()}: {o.reason}" for o in applied.failed]
    problems += [f"memory: {note}" for note in done.recalled.notes]
    problems += [kept.problem] if kept.problem else []
    # An unkeyed memory is the repository's choice, not a problem: say how to close it.
    advice = heading.advice + (() if done.recalled.keyed else (UNAUTHENTICATED,))
    report = RunReport(
        heading.title, heading.facts, tuple(lines), tuple(skips), tuple(problems), advice=advice
    )
    failed = bool(applied.failed or evidence.not_run or kept.problem)
    return RunOutcome(
        report, done.acted.bundle, applied, 1 if failed else 0, done.worked.verifications
    )


def skipped_run(heading: Heading, skips: tuple[Skip, ...], bundle: Bundle) -> RunOutcome:
    """A run that ended before doing any work: why, and nothing applied."""
    report = RunReport(heading.title, heading.facts, (), skips, advice=heading.advice)
    return RunOutcome(report, bundle, ApplyResult(()), 0)


def nightly_heading(done: Finished, config: Config) -> Heading:
    title = "kairos-ci nightly" + (" (dry run)" if done.run.dry_run else "")
    facts = _facts(done.run, config, done.observed.evidence, done.observed.verdicts)
    spend = spend_facts(done.worked.notes.spend, config)
    return Heading(title, (*facts, *spend), _advice(config, done.observed.evidence))


def _advice(config: Config, evidence: Evidence) -> tuple[str, ...]:
    unconfigured = config.source == BUILT_IN_DEFAULTS and not evidence.tests
    return (NOTHING_TO_WORK_ON,) if unconfigured else ()


def _facts(
    run: RunInfo, config: Config, evidence: Evidence, verdicts: Mapping[str, TestVerdict]
) -> tuple[tuple[str, str], ...]:
    counts: dict[str, int] = {}
    for test in evidence.tests:
        counts[test.outcome] = counts.get(test.outcome, 0) + 1
    tests = ", ".join(f"{n} {k}" for k, n in sorted(counts.items())) or "none reported"
    judged = {v.verdict.value for v in verdicts.values()}
    flagged = [
        f"{sum(1 for v in verdicts.values() if v.verdict.value == name)} {name}"
        for name in ("flaky", "broken")
        if name in judged
    ]
    # "none" read like a linter that found nothing; a clean linter says "ruff: 0".
    lint = ", ".join(_lint_fact(lint) for lint in evidence.lint) or "no linter configured"
    return (
        ("run", f"{run.event} {run.run_id}"),
        ("config", config.source),
        ("tests", tests),
        ("verdicts", ", ".join(flagged) or "no flaky or broken tests"),
        ("lint findings", lint),
    )


def _lint_fact(lint: LintEvidence) -> str:
    if lint.did_not_run:
        return f"{lint.linter}: did not run: {lint.did_not_run}"
    return f"{lint.linter}: {len(lint.findings)}"


def spend_facts(spend: Mapping[str, Spend], config: Config) -> tuple[tuple[str, str], ...]:
    """This run's model spend, by model, against the per-run cap."""
    if not spend:
        return ()
    total = sum(s.usd for s in spend.values())
    by_model = ", ".join(
        f"{model} ${s.usd:.4f} ({s.input_tokens:,} in / {s.output_tokens:,} out tokens)"
        for model, s in sorted(spend.items())
    )
    cap = config.budget.per_run_usd
    return (("model spend", f"${total:.4f} of ${cap:.2f} per run: {by_model}"),)


def _line(what: str, status: Status, reason: str) -> str:
    text = f"{what}: {status.value}"
    return f"{text} ({reason})" if reason else text
