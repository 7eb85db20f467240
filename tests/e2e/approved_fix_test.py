"""Issue 16's approvals that stick: a ticked ``fix_tests`` suggestion publishes the patch
memory kept for it, verified again on the new base, with no model asked for it.

Real parts throughout, as in ``fix_tests_test``: the anthropic SDK against the scripted
model sandbox, PyGithub against the strict GitHub sandbox, git and pytest.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from github import Auth, Github

from kairos_ci.memory.records import StoredSuggestion
from kairos_ci.sandbox.github.server import GitHubSandbox
from tests.e2e.fix_tests_test import (
    CONFIG,
    FIX,
    OLD,
    REAL,
    TARGET,
    classify,
    dashboard,
    github,
    memory,
    model,
    models_asked,
    night,
    pulls,
    sample_world,
)
from tests.sandbox.github.world import MAINTAINER_TOKEN, World

pytestmark = [
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore:The model .* is deprecated:DeprecationWarning"),
]

SUGGEST = CONFIG.format(per_run=1.0).replace("fix_tests: approve", "fix_tests: suggest")


def suggesting_world(tmp_path: Path) -> World:
    world = sample_world(tmp_path)
    world.commit({".github/kairos.yml": SUGGEST}, "suggest test fixes")
    return world


def stored(world: World) -> StoredSuggestion:
    (suggestion,) = memory(world).suggestions.values()
    return suggestion


def tick(sandbox: GitHubSandbox, key: str) -> None:
    """A maintainer ticks the suggestion's approve box on the dashboard."""
    client = Github(auth=Auth.Token(MAINTAINER_TOKEN), base_url=sandbox.base_url, retry=None)
    issues = client.get_repo("octo/app").get_issues()
    (issue,) = [i for i in issues if i.pull_request is None and "kairos" in str(i.labels)]
    line = next(line for line in issue.body.splitlines() if f"kairos:key=approve:{key} -->" in line)
    issue.edit(body=issue.body.replace(line, line.replace("- [ ]", "- [x]", 1)))


def fix_pulls(sandbox: GitHubSandbox) -> list[str]:
    return [ref for ref in pulls(sandbox) if ref.startswith("kairos/fix-tests/")]


def test_an_approved_suggestion_opens_its_stored_patch_without_asking_the_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, env: Path
) -> None:
    world = suggesting_world(tmp_path)
    replies = {"claude-haiku-4-5": [REAL], "claude-sonnet-4-5": FIX}
    with github(world, monkeypatch) as sandbox, model(monkeypatch, replies) as handle:
        assert night(world) == 0
        assert fix_pulls(sandbox) == []
        kept = stored(world)
        assert kept.key in dashboard(sandbox) and "- [ ] **approve**" in dashboard(sandbox)
        assert "+        return 0.0" in kept.patch and kept.not_stored == "" == kept.stale
        assert kept.targets == (TARGET,)
        assert kept.base_sha == world.git("rev-parse", "HEAD")
        assert "target tests now pass: passed (" in "\n".join(kept.evidence)

        asked = len(handle.requests())
        tick(sandbox, kept.key)
        assert night(world, "night-2") == 0
        assert len(handle.requests()) == asked  # the stored patch: no model was asked
        (branch,) = fix_pulls(sandbox)
        assert branch == kept.branch
        body = pulls(sandbox)[branch]["body"]
        assert "| target tests now pass | passed |" in body
        assert "kairos-ci applied the fix a maintainer approved on the dashboard" in body


def test_a_stored_patch_that_no_longer_applies_is_marked_stale_with_the_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, env: Path
) -> None:
    world = suggesting_world(tmp_path)
    replies = {
        "claude-haiku-4-5": [REAL, classify("infra", "the runner is short of memory")],
        "claude-sonnet-4-5": FIX,
    }
    with github(world, monkeypatch) as sandbox, model(monkeypatch, replies) as handle:
        assert night(world) == 0
        kept = stored(world)
        # The base moves under the patch: the line it changes is rewritten, still failing.
        stats = (world.work / "calc" / "stats.py").read_text()
        moved = stats.replace(OLD, "    total = sum(values)\n    return total / len(values)")
        world.commit({"calc/stats.py": moved}, "name the total")
        tick(sandbox, kept.key)
        assert night(world, "night-2") == 0
        assert fix_pulls(sandbox) == []
        stale = stored(world)
        assert stale.stale.startswith("the patch no longer applies on ")
        board = dashboard(sandbox)
        assert f"`{kept.branch}` is stale: the patch no longer applies on " in board
        assert kept.key not in board  # no approve box for it any more
        # Its test was handed to the model again, which the stale patch did not stop.
        assert models_asked(handle)[-1] == "claude-haiku-4-5"
