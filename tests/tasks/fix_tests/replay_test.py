"""Which stored patches an approval replays, and why one is stale before any checkout.

The replay itself (apply, verify, publish; a moved base) runs end to end in
``tests/e2e/approved_fix_test.py``."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from kairos_ci.config.load import parse_config
from kairos_ci.memory.records import Memory, StoredSuggestion
from kairos_ci.signals.records import Outcome, TestResult
from kairos_ci.stages.evidence import Evidence
from kairos_ci.tasks.fix_tests.replay import Base, approved, replay
from kairos_ci.workspace.commands import CommandRunner

KEPT = StoredSuggestion(
    "fix_tests.test_a-0123456789.abcdef", "kairos/fix-tests/test_a-0123456789",
    "Fix failing test test_a", "a" * 40, "diff --git a/x b/x\n", ("t::a",),
    ("target tests now pass: passed (t::a: failed -> passed)",), "2026-12-01T03:00:00Z",
)  # fmt: skip


def test_only_ticked_live_patches_are_replayed() -> None:
    others = {
        "stale": replace(KEPT, key="stale", stale="no longer applies"),
        "unstored": replace(KEPT, key="unstored", patch="", not_stored="too big"),
        "unticked": replace(KEPT, key="unticked"),
    }
    memory = Memory(suggestions={KEPT.key: KEPT, **others})
    assert approved(memory, {KEPT.key, "stale", "unstored"}) == (KEPT,)
    assert approved(memory, set()) == ()


def test_a_patch_whose_tests_pass_now_is_stale_without_a_checkout(tmp_path: Path) -> None:
    passing = TestResult(
        "r.xml", "t::a", (), None, "t::a", None, None, Outcome.PASSED, (), None, None
    )
    config = parse_config(b"version: 1\n", "kairos.yml")
    runner = CommandRunner({}, 1)
    base = Base(tmp_path, "b" * 40, config, runner, Evidence((passing,), None, (), ()))
    done = replay(base, (KEPT,))
    assert done.changes == () and done.fixed == ()
    assert done.stale == (replace(KEPT, stale="its tests no longer fail on bbbbbbbbbbbb"),)
