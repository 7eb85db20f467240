"""From one ``<testcase>`` element's parts to attempts, and from attempts to an outcome.

Dialects covered here:
- result children ``failure`` / ``error`` / ``skipped``; several in one element: the most
  severe wins (error > failure > skipped), as EnricoMi counts it;
- Surefire/Gradle ``flakyFailure`` / ``flakyError``: failed attempts before the pass;
  ``rerunFailure`` / ``rerunError``: failed attempts after the first failure;
- ``status`` attributes: GoogleTest ``disabled``, CTest ``notrun``/``fail``, Bazel and
  Catch2 ``run``, NUnit-via-XSLT ``Success``/``Ignored``/``NotRunnable``/``Inconclusive``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from kairos_ci.signals.numbers import clip, seconds
from kairos_ci.signals.records import Attempt, Outcome

RESULT_TAGS = frozenset(
    {"failure", "error", "skipped", "flakyFailure", "flakyError", "rerunFailure", "rerunError"}
)
RERUN_TAGS = frozenset({"flakyFailure", "flakyError", "rerunFailure", "rerunError"})
_FINAL = {"error": Outcome.ERRORED, "failure": Outcome.FAILED, "skipped": Outcome.SKIPPED}
_SEVERITY = {Outcome.ERRORED: 3, Outcome.FAILED: 2, Outcome.SKIPPED: 1}
_INTERIM = {
    "flakyFailure": Outcome.FAILED,
    "flakyError": Outcome.ERRORED,
    "rerunFailure": Outcome.FAILED,
    "rerunError": Outcome.ERRORED,
}
_STATUS = {
    "disabled": Outcome.SKIPPED,
    "notrun": Outcome.SKIPPED,
    "notrunnable": Outcome.SKIPPED,
    "skipped": Outcome.SKIPPED,
    "skip": Outcome.SKIPPED,
    "ignored": Outcome.SKIPPED,
    "inconclusive": Outcome.SKIPPED,
    "fail": Outcome.FAILED,
    "failed": Outcome.FAILED,
    "failure": Outcome.FAILED,
    "error": Outcome.ERRORED,
    "errored": Outcome.ERRORED,
}
_FAILING = (Outcome.FAILED, Outcome.ERRORED)
_new = tuple.__new__


@dataclass(slots=True)
class RawResult:
    """One result child of a testcase, as read (text capped while reading)."""

    tag: str
    message: str | None
    kind: str | None  # the ``type`` attribute: exception class
    file: str | None
    line: str | None
    time: str | None
    text: list[str] = field(default_factory=list)
    size: int = 0


class CaseOutcome(NamedTuple):  # built once per failing testcase: kept cheap
    attempts: tuple[Attempt, ...]
    details: str | None  # text of the attempt that decided the outcome (a capped prefix)
    details_size: int  # its full length in the report
    location: tuple[str, str | None] | None  # (file, line) a result element pointed at


def attempts_of(
    results: list[RawResult], status: str | None, time: str | None, limits_msg: int
) -> CaseOutcome:
    """The attempts one ``<testcase>`` element records, in the order they ran."""
    if len(results) == 1 and results[0].tag in _FINAL:  # one plain result: the usual case
        only = results[0]
        outcome = _FINAL[only.tag]
        # tuple.__new__: these NamedTuples' own __new__ is a Python function, slower
        attempt = _new(Attempt, (outcome, seconds(time), _message(only, limits_msg)))
        location = (only.file, only.line) if only.file else None
        if outcome is Outcome.SKIPPED:
            return _new(CaseOutcome, ((attempt,), None, 0, location))
        return _new(CaseOutcome, ((attempt,), _text(only), only.size, location))
    final: RawResult | None = None
    flaky: list[RawResult] = []
    reruns: list[RawResult] = []
    for result in results:
        if result.tag in _FINAL:
            if final is None or _SEVERITY[_FINAL[result.tag]] > _SEVERITY[_FINAL[final.tag]]:
                final = result
        elif result.tag.startswith("flaky"):
            flaky.append(result)
        else:
            reruns.append(result)
    outcome = _final_outcome(final, status)
    main = Attempt(outcome, seconds(time), _message(final, limits_msg))
    interim = [Attempt(_INTERIM[r.tag], seconds(r.time), _message(r, limits_msg)) for r in flaky]
    after = [Attempt(_INTERIM[r.tag], seconds(r.time), _message(r, limits_msg)) for r in reruns]
    deciding = final if final is not None and outcome in _FAILING else None
    if deciding is None and flaky:
        deciding = flaky[-1]
    if reruns:
        deciding = reruns[-1]
    located = next((r for r in results if r.file), None)
    return CaseOutcome(
        (*interim, main, *after),
        _text(deciding),
        deciding.size if deciding is not None else 0,
        (located.file, located.line) if located and located.file else None,
    )


def _final_outcome(final: RawResult | None, status: str | None) -> Outcome:
    if final is not None:
        return _FINAL[final.tag]
    if status:
        return _STATUS.get(status.strip().lower(), Outcome.PASSED)
    return Outcome.PASSED


def _message(result: RawResult | None, limit: int) -> str | None:
    if result is None:
        return None
    raw = result.message
    if raw and len(raw) <= limit and raw[0] > " " and raw[-1] > " ":
        return raw  # already clean and short: the usual case
    message = clip(raw, limit)
    if message is None:
        first = next((line for line in "".join(result.text).splitlines() if line.strip()), None)
        message = clip(first, limit)
    if message is None:
        message = clip(result.kind, limit)
    return message


def _text(result: RawResult | None) -> str | None:
    if result is None:
        return None
    text = "".join(result.text).strip()
    return text or (result.message or "").strip() or None


def outcome_of(attempts: tuple[Attempt, ...]) -> Outcome:
    """The test's outcome: the last attempt that ran decides; a pass after a failure is flaky.

    Skipped attempts only count when nothing ran (a skip after a failure does not hide it).
    """
    ran = [attempt.outcome for attempt in attempts if attempt.outcome is not Outcome.SKIPPED]
    if not ran:
        return Outcome.SKIPPED
    last = ran[-1]
    if last is Outcome.PASSED and any(outcome in _FAILING for outcome in ran[:-1]):
        return Outcome.FLAKY
    return last


def deciding_message(attempts: tuple[Attempt, ...], outcome: Outcome) -> str | None:
    """The message worth showing: the last failure's, or the skip reason."""
    if outcome is Outcome.PASSED:
        return None
    wanted = _FAILING if outcome is not Outcome.SKIPPED else (Outcome.SKIPPED,)
    for attempt in reversed(attempts):
        if attempt.outcome in wanted and attempt.message:
            return attempt.message
    return None


def total_duration(attempts: tuple[Attempt, ...]) -> float | None:
    known = [attempt.duration_s for attempt in attempts if attempt.duration_s is not None]
    return round(sum(known), 6) if known else None
