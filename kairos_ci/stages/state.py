"""A run's state: one frozen record per stage, carried from one stage to the next.

Every pipeline (``kairos_ci/pipeline/``) reads as the same table of contents:
recall -> observe -> work -> gate -> act -> keep -> report. Each stage returns one of
these records, and a finished run (``Finished``) holds them all, so journal and
summary read one record instead of a long parameter list.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from kairos_ci.bundle.records import ApplyResult, Bundle
from kairos_ci.memory.records import Backoff, Memory, Spend, StoredSuggestion, Task, Work
from kairos_ci.memory.store import SaveResult
from kairos_ci.stages.evidence import Evidence
from kairos_ci.stages.gate import Gated
from kairos_ci.stages.reconcile import Reconciled
from kairos_ci.stages.records import ProposedChange, RunInfo, Skipped, VerificationRun
from kairos_ci.verdicts.records import HistoryEntry, TestVerdict


@dataclass(frozen=True)
class Recalled:
    """Memory as loaded, reconciled with what GitHub says exists."""

    memory: Memory
    reconciled: Reconciled
    notes: tuple[str, ...] = ()  # what memory could not read: shown as problems
    keyed: bool = True  # False: memory is trusted by its committer's name alone


@dataclass(frozen=True)
class Observed:
    """What the run saw on its base commit, and what memory makes of it."""

    evidence: Evidence
    results: Mapping[str, HistoryEntry] = field(default_factory=dict)  # this run's entries
    verdicts: Mapping[str, TestVerdict] = field(default_factory=dict)
    # Each test's remembered history with ``results`` appended (``journal.histories``).
    histories: Mapping[str, Sequence[HistoryEntry]] = field(default_factory=dict)


@dataclass(frozen=True)
class ModelNotes:
    """What a model task learned for memory, beside the changes it proposed."""

    decisions: tuple[tuple[str, str, str], ...] = ()  # (action, target, why)
    spend: Mapping[str, Spend] = field(default_factory=dict)  # by model
    tasks: tuple[Task, ...] = ()  # which branch took which test, requests taken
    flaky_on_rerun: tuple[str, ...] = ()  # first-seen failures that passed when rerun
    backoffs: tuple[Backoff, ...] = ()  # failed fixes, and when each may be tried again
    stale: tuple[StoredSuggestion, ...] = ()  # approved patches that no longer apply or verify


@dataclass(frozen=True)
class Worked:
    """What the tasks did: changes to gate, skips with reasons, tests still waiting."""

    changes: tuple[ProposedChange, ...] = ()
    skipped: tuple[Skipped, ...] = ()
    waiting: Mapping[str, str] = field(default_factory=dict)  # test id -> why no fix yet
    notes: ModelNotes = field(default_factory=ModelNotes)
    verifications: tuple[VerificationRun, ...] = ()  # every verification, published or not
    # Open changes whose recorded verification still holds: one line each, not run again.
    reused: tuple[str, ...] = ()


@dataclass(frozen=True)
class Acted:
    """The writes applied (or planned, in a dry run) and the kairos work they opened."""

    bundle: Bundle
    applied: ApplyResult
    work: Mapping[str, Work]


@dataclass(frozen=True)
class Finished:
    """A run's every stage record: what journal and summary are built from."""

    run: RunInfo
    sha: str  # the base commit the run worked on
    recalled: Recalled
    observed: Observed
    worked: Worked
    gated: Gated
    acted: Acted


@dataclass(frozen=True)
class Kept:
    """What became of memory: saved (and where), or why not."""

    line: str  # one line for the summary
    saved: SaveResult | None = None
    problem: str = ""  # set when saving failed: the run fails, loudly
