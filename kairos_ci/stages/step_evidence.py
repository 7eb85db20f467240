"""Each attempt of a plan step, kept where the work leg's workflow uploads it: one folder
per step and attempt (``S2-attempt-1/``) under the worker's evidence folder, holding

- ``suite-<n>.xml``: the project's suite on the step's tree (``2`` is the rerun), as
  JUnit, written as the nightly writes its evidence (``evidence_junit``: bounded, clean);
- ``patch.diff``: the diff the step published, or the one it attempted;
- ``attempt.json``: step id, attempt, fence, verdict and note.

Test output and the diff are the project's and the model's text: written as data (XML
escaped, JSON quoted, a plain file), with every known secret and token shape redacted,
each file bounded, and the whole run bounded: past the cap, files are left out and the
reason is kept in ``problems`` for the job summary.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from kairos_ci.agent.redact import Redactor
from kairos_ci.coordinator.evidence import AttemptEvidence, SuiteRun
from kairos_ci.signals.records import Attempt, TestResult
from kairos_ci.stages.evidence_junit import write_evidence_junit
from kairos_ci.stages.records import VerificationRun

MAX_PATCH_CHARS = 1_000_000  # a step's diff; a reviewer reads the branch for more
MAX_SUITE_BYTES = 4 * 1024 * 1024  # one suite run's JUnit report
MAX_NOTE_CHARS = 2_000
MAX_RUN_BYTES = 64 * 1024 * 1024  # everything one worker keeps in a run
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass
class StepEvidence:
    """A worker's evidence folder; called once per attempt it ran (``KeepEvidence``)."""

    folder: Path
    redactor: Redactor
    max_run_bytes: int = MAX_RUN_BYTES
    written: int = 0  # bytes kept so far in this run
    problems: list[str] = field(default_factory=list)

    def __call__(self, kept: AttemptEvidence) -> None:
        slug = _UNSAFE.sub("-", kept.step_id).strip("-")[:80] or "step"
        into = self.folder / f"{slug}-attempt-{kept.attempt}"
        try:
            into.mkdir(parents=True, exist_ok=True)
            reports = [self._suite(into, kept, n, run) for n, run in enumerate(kept.suites, 1)]
            patch = self._text(into / "patch.diff", self._clean(kept.patch, MAX_PATCH_CHARS))
            note = {
                "step": kept.step_id,
                "attempt": kept.attempt,
                "fence": kept.fence,
                "verdict": kept.verdict,
                "note": self._clean(kept.note, MAX_NOTE_CHARS),
                "junit": [name for name in reports if name],
                "patch": patch,
                "suite_problems": [
                    self._clean(r.problem, MAX_NOTE_CHARS) for r in kept.suites if r.problem
                ],
            }
            self._text(into / "attempt.json", json.dumps(note, indent=2) + "\n", always=True)
        except OSError as failed:
            self.problems.append(f"evidence of {kept.step_id}: {failed}")

    def _suite(self, into: Path, kept: AttemptEvidence, number: int, run: SuiteRun) -> str:
        if not run.tests or self._full(f"suite run {number} of {kept.step_id}"):
            return ""
        name = f"suite-{number}.xml"
        title = f"{kept.step_id} attempt {kept.attempt}: suite run {number}"
        tests = tuple(self._redacted(test) for test in run.tests)
        written = write_evidence_junit(
            into / name, VerificationRun(title, (), tests), max_suite_bytes=MAX_SUITE_BYTES
        )
        self.written += written.stat().st_size
        return name

    def _text(self, path: Path, text: str, *, always: bool = False) -> str:
        """Write ``text`` unless it is empty or the run's cap is reached; the attempt's
        own note is always written (it is small and says what was left out)."""
        if not text or (not always and self._full(f"{path.parent.name}/{path.name}")):
            return ""
        data = text.encode("utf-8", errors="replace")
        path.write_bytes(data)
        self.written += len(data)
        return path.name

    def _full(self, what: str) -> bool:
        if self.written < self.max_run_bytes:
            return False
        self.problems.append(
            f"{what} left out: the run's evidence reached {self.max_run_bytes:,} bytes"
        )
        return True

    def _redacted(self, test: TestResult) -> TestResult:
        if not (test.message or test.details or any(a.message for a in test.attempts)):
            return test  # most tests: nothing printed, nothing to redact
        return test._replace(
            message=self._maybe(test.message),
            details=self._maybe(test.details),
            attempts=tuple(
                Attempt(a.outcome, a.duration_s, self._maybe(a.message)) for a in test.attempts
            ),
        )

    def _clean(self, text: str, limit: int) -> str:
        """Redacted before it is cut: a cut must not leave half a secret unrecognised."""
        return _bounded(self.redactor.text(text), limit)

    def _maybe(self, text: str | None) -> str | None:
        return self.redactor.text(text) if text else text


def _bounded(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[:limit] + f"\n[kairos: cut at {limit:,} of {len(text):,} characters]\n"
