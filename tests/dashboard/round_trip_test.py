"""The dashboard through GitHub: a maintainer ticks a box, the next run reads it."""

from __future__ import annotations

from kairos_ci.dashboard.parse import ticked
from kairos_ci.dashboard.records import Action, BoxDecision, Dashboard
from kairos_ci.dashboard.render import render
from kairos_ci.forge.records import Change, DashboardSpec
from kairos_ci.sandbox.github.server import GitHubSandbox
from tests.sandbox.github.world import MAINTAINER_TOKEN, World, client, forge_for, requests_made


def test_a_ticked_box_is_read_back_and_an_unchanged_board_is_not_edited(
    world: World, sandbox: GitHubSandbox
) -> None:
    board = Dashboard(
        decisions=(BoxDecision(Action.APPROVE, "lint-ruff-1", "Fix 3 ruff findings"),)
    )
    forge = forge_for(sandbox, world)
    created = forge.ensure_dashboard(DashboardSpec("kairos dashboard", render(board), "kairos"))
    assert created.change is Change.CREATED and created.number is not None
    issue = client(sandbox, MAINTAINER_TOKEN).get_repo(world.full_name).get_issue(created.number)
    issue.edit(body=issue.body.replace("- [ ] **approve**", "- [x] **approve**"))
    found = forge.get_dashboard("kairos")
    assert found is not None
    [box] = ticked(found.body)
    assert (box.action, box.key) == (Action.APPROVE, "lint-ruff-1")
    # The next run keeps the box ticked until it acts: the same text, so no edit.
    kept = Dashboard(
        decisions=(BoxDecision(Action.APPROVE, "lint-ruff-1", "Fix 3 ruff findings", checked=True),)
    )
    before = len(requests_made(sandbox))
    again = forge.ensure_dashboard(DashboardSpec("kairos dashboard", render(kept), "kairos"))
    assert again.change is Change.UNCHANGED
    assert [m for m, _ in requests_made(sandbox)[before:]] == ["GET"]
