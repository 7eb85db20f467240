"""Issue 16's notify-and-escalate acceptance, end to end with a scripted model.

A rule escalates work on the sample's ``calc/**`` (the seed's "payments module") to
``@acme/security`` and ``security-lead``: the failing test there is not fixed, the dashboard
names the rule and both people, and a signed alert reaches a real receiver on loopback.
A run that exhausts its budget sends that alert too.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kairos_ci.context import Secret
from kairos_ci.notify.sign import HEADER, verify
from tests.e2e.fix_tests_test import (
    FIX,
    REAL,
    dashboard,
    github,
    model,
    night,
    pulls,
    sample_world,
)
from tests.notify.receiver import Script, receiver

pytestmark = [
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore:The model .* is deprecated:DeprecationWarning"),
]

KEY = "webhook-signing-key-for-the-e2e-1234"
RULE = """rules:
  - when: {paths: ["calc/**"]}
    then:
      escalate: true
      notify: ["@acme/security", "security-lead"]
"""


def test_escalated_work_is_not_fixed_and_the_people_are_alerted_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, env: Path
) -> None:
    world = sample_world(tmp_path)
    config = (world.work / ".github" / "kairos.yml").read_text()
    world.commit({".github/kairos.yml": config + RULE}, "escalate calc/ to security")
    script = Script()
    replies = {"claude-haiku-4-5": [REAL], "claude-sonnet-4-5": FIX}
    with (
        receiver(script) as url,
        github(world, monkeypatch) as sandbox,
        model(monkeypatch, replies),
    ):
        monkeypatch.setenv("KAIROS_WEBHOOK_URL", url)
        monkeypatch.setenv("KAIROS_WEBHOOK_KEY", KEY)
        assert night(world) == 0
        assert not [ref for ref in pulls(sandbox) if ref.startswith("kairos/fix-tests/")]
        board = dashboard(sandbox)
    # The lint fix touches calc/ too: both tasks' work is escalated, each named once.
    lines = [row for row in board.splitlines() if "escalated by config rule #1" in row]
    assert sorted(row.split("`")[0] for row in lines) == ["- fix_lint ", "- fix_tests "]
    for line in lines:
        assert line.count("@acme/security") == 1 and line.count("@security-lead") == 1
        assert "kairos did not act" in line
    bodies = [got for got in script.got if json.loads(got.body)["kairos"]["event"] == "escalated"]
    assert len(bodies) == 2
    for got in bodies:
        assert verify(Secret(KEY), got.body, got.headers[HEADER])
        text = json.loads(got.body)["text"]
        assert text.count("@acme/security") == 1 and text.count("@security-lead") == 1
    assert "fix_tests: observe only: escalated to a human by config rule #1" in env.read_text()


def test_a_run_that_exhausts_its_budget_sends_a_signed_alert(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, env: Path
) -> None:
    world = sample_world(tmp_path, per_run_usd=0.5)
    expensive = {**FIX[0], "usage": {"input_tokens": 100_000, "output_tokens": 30_000}}
    replies = {"claude-haiku-4-5": [REAL], "claude-sonnet-4-5": [expensive, *FIX[1:]]}
    script = Script()
    with receiver(script) as url, github(world, monkeypatch), model(monkeypatch, replies):
        monkeypatch.setenv("KAIROS_WEBHOOK_URL", url)
        monkeypatch.setenv("KAIROS_WEBHOOK_KEY", KEY)
        assert night(world) == 0
    [got] = script.got
    assert verify(Secret(KEY), got.body, got.headers[HEADER])
    body = json.loads(got.body)
    assert body["kairos"]["event"] == "budget_exhausted"
    assert "per_run_usd: $0.7" in body["text"] and "spent of $0.50" in body["text"]
    assert KEY not in got.body.decode() and url not in got.body.decode()
