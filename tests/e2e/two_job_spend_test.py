"""Issue 16's acceptance for spend in the two-job setup: the model job runs with
``--dry-run`` and saves no memory; its bundle carries the spend, and ``publish`` records
it in memory's ledger once. Real parts as in ``fix_tests_test``: the anthropic SDK
against the Anthropic sandbox, PyGithub against the strict GitHub sandbox, real git."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kairos_ci.cli import main
from kairos_ci.memory.records import SpendLedger
from tests.e2e.fix_tests_test import FIX, REAL, github, memory, model, sample_world

pytestmark = [
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore:The model .* is deprecated:DeprecationWarning"),
]


def test_a_dry_run_jobs_spend_is_in_memory_after_publish_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, env: Path
) -> None:
    world = sample_world(tmp_path)
    bundle = tmp_path / "kairos-bundle.json"
    replies = {"claude-haiku-4-5": [REAL], "claude-sonnet-4-5": FIX}
    with github(world, monkeypatch), model(monkeypatch, replies):
        world.git("pull", "-q", "--ff-only", "origin", "main")
        job = ["run", "--event", "schedule", "--repo", str(world.work), "--run-id", "night-1"]
        assert main([*job, "--dry-run", "--bundle-out", str(bundle)]) == 0
        assert memory(world).spend == SpendLedger()  # the model's job saved nothing
        carried = json.loads(bundle.read_text())["spend"]["models"]
        assert set(carried) == {"claude-haiku-4-5", "claude-sonnet-4-5"}

        assert main(["publish", str(bundle), "--repo", str(world.work)]) == 0
        ledger = memory(world).spend
        spent = ledger.runs["night-1"]
        assert {m: (s.usd, s.input_tokens, s.output_tokens) for m, s in spent.items()} == {
            m: (s["usd"], s["input_tokens"], s["output_tokens"]) for m, s in carried.items()
        }
        assert all(s.usd > 0 and s.input_tokens > 0 for s in spent.values())
        assert "spend of run night-1: memory: saved at " in env.read_text()

        assert main(["publish", str(bundle), "--repo", str(world.work)]) == 0
        assert memory(world).spend == ledger  # published again: not counted twice
        assert "spend of run night-1: already in memory" in env.read_text()
