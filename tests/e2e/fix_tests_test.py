"""Issue 7's acceptance: ``kairos-ci run`` fixes a failing test with a scripted model.

Real parts throughout: the real anthropic SDK against the Anthropic sandbox, real
PyGithub against the strict GitHub sandbox, real git, real pytest and ruff runs on the
demo's sample project, whose ``mean([])`` raises instead of returning 0.0.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from kairos_ci.cli import main
from kairos_ci.clock import utc_now
from kairos_ci.memory.records import Memory
from kairos_ci.memory.store import MemoryStore
from kairos_ci.sandbox.anthropic.script import parse_script
from kairos_ci.sandbox.anthropic.server import Handle, running
from kairos_ci.sandbox.github.server import GitHubSandbox
from tests.sandbox.github.world import World, make_world, strict_sandbox

pytestmark = [
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore:The model .* is deprecated:DeprecationWarning"),
]

API_KEY = "sk-ant-api03-e2e-fake-key-0123456789abcdefghij"
TARGET = "tests.test_stats::test_mean_of_empty_is_zero"
OLD = "    return sum(values) / len(values)"
NEW = "    if not values:\n        return 0.0\n    return sum(values) / len(values)"
FAST = {"retry-after-ms": "5"}
CONFIG = """version: 1
tests:
  run: python -m pytest -q -p no:cacheprovider --junitxml=reports/junit.xml
  junit: ["reports/junit.xml"]
linters:
  - name: ruff
    run: ruff check --output-format json --exit-zero .
    format: ruff
    fix: ruff check --fix --exit-zero .
autonomy:
  default: suggest
  fix_lint: approve
  fix_tests: approve
models:
  triage: claude-haiku-4-5
  work: claude-sonnet-4-5
budget:
  per_run_usd: {per_run}
"""


def use(name: str, **arguments: Any) -> dict[str, Any]:
    return {"content": [{"type": "tool_use", "name": name, "input": arguments}]}


def classify(verdict: str, reason: str, test_id: str = TARGET) -> dict[str, Any]:
    return use("classify_failure", test_id=test_id, verdict=verdict, reason=reason)


REAL = classify("real", "mean() divides by len(values), which is zero for an empty list")
EXPLANATION = (
    "mean() divided by len(values), so an empty list raised ZeroDivisionError. It now "
    "returns 0.0 for an empty list. Fixes #1, thanks @maria, see [the docs](https://evil.example)."
)
FIX = [
    use("read_file", path="calc/stats.py"),
    use("replace_in_file", path="calc/stats.py", old=OLD, new=NEW),
    use("run_tests", tests=["tests/test_stats.py::test_mean_of_empty_is_zero"]),
    use("finish", summary=EXPLANATION),
]


def sample_world(tmp_path: Path, per_run_usd: float = 1.0) -> World:
    world = make_world(tmp_path)
    with resources.as_file(resources.files("kairos_ci") / "demo" / "sample") as sample:
        files = {
            str(p.relative_to(sample)): p.read_text()
            for p in sample.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts
        }
    del files["kairos.yml"]
    files[".github/kairos.yml"] = CONFIG.format(per_run=per_run_usd)
    files[".gitignore"] = "reports/\n__pycache__/\n"
    world.git("rm", "-q", "app.py")
    world.commit(files, "add the sample project")
    return world


@contextmanager
def model(monkeypatch: pytest.MonkeyPatch, replies: dict[str, Any]) -> Iterator[Handle]:
    with running(parse_script({"replies": replies})) as handle:
        monkeypatch.setenv("ANTHROPIC_API_KEY", API_KEY)
        monkeypatch.setenv("ANTHROPIC_BASE_URL", handle.base_url)
        yield handle


@contextmanager
def github(world: World, monkeypatch: pytest.MonkeyPatch) -> Iterator[GitHubSandbox]:
    with strict_sandbox(world) as sandbox:
        monkeypatch.setenv("GITHUB_API_URL", sandbox.base_url)
        yield sandbox


def night(world: World, run_id: str = "night-1") -> int:
    world.git("pull", "-q", "--ff-only", "origin", "main")
    return main(["run", "--event", "schedule", "--repo", str(world.work), "--run-id", run_id])


def pulls(sandbox: GitHubSandbox) -> dict[str, dict[str, Any]]:
    state = sandbox.state("octo/app")["repos"]["octo/app"]
    return {p["head"]["ref"]: p for p in state["pulls"]}


def dashboard(sandbox: GitHubSandbox) -> str:
    state = sandbox.state("octo/app")["repos"]["octo/app"]
    (board,) = [i for i in state["issues"] if "kairos" in str(i.get("labels"))]
    return str(board["body"])


def memory(world: World) -> Memory:
    return MemoryStore(world.work, clock=utc_now).load().memory


def models_asked(handle: Handle) -> list[str]:
    return [r["body"]["model"] for r in handle.requests()]


def fix_pull(sandbox: GitHubSandbox) -> dict[str, Any]:
    (found,) = [p for ref, p in pulls(sandbox).items() if ref.startswith("kairos/fix-tests/")]
    return found


def test_a_scripted_fix_is_published_with_its_evidence_and_remembered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, env: Path
) -> None:
    world = sample_world(tmp_path)
    replies = {"claude-haiku-4-5": [REAL], "claude-sonnet-4-5": FIX}
    with github(world, monkeypatch) as sandbox, model(monkeypatch, replies) as handle:
        assert night(world) == 0
        pr = fix_pull(sandbox)
        assert pr["head"]["ref"].startswith("kairos/fix-tests/test_mean_of_empty_is_zero-")
        assert pr["title"] == "Fix failing test test_mean_of_empty_is_zero"
        body = pr["body"]
        assert f"| `{TARGET}` | failed | passed |" in body
        assert "| **all tests** | 3 passed, 1 failed | 4 passed |" in body
        assert "| target tests now pass | passed |" in body
        assert "| tests no worse | passed | 1 failing before, 0 after |" in body
        assert "| lint no worse | passed | ruff: 2 -> 2 |" in body
        assert "| test-integrity guard | passed |" in body
        assert "- `calc/stats.py`" in body
        assert "> mean\\(\\) divided by len\\(values\\)" in body
        # The model's text is data: no link, no mention, no closing keyword reaches GitHub.
        assert "`#1`" in body and "`@maria`" in body and "`https://evil.example`" in body
        assert "](https://evil.example)" not in body and " @maria" not in body
        assert "for 5 model calls: claude-haiku-4-5" in body and "claude-sonnet-4-5" in body
        assert models_asked(handle) == ["claude-haiku-4-5"] + ["claude-sonnet-4-5"] * 4

        remembered = memory(world)
        spent = remembered.spend.runs["night-1"]
        assert set(spent) == {"claude-haiku-4-5", "claude-sonnet-4-5"}
        assert all(s.usd > 0 and s.input_tokens > 0 for s in spent.values())
        decisions = {(d.action, d.target): d.why for d in remembered.decisions}
        assert decisions[("triage", TARGET)].startswith("real: mean() divides")
        assert decisions[("gate", pr["head"]["ref"])].startswith("approve")
        assert decisions[("fix_tests", pr["head"]["ref"])] == "proposed: the model called finish"
        assert "| today | $0.02 | $10.00 |" in dashboard(sandbox)  # this run's spend counts
        summary = env.read_text()
        assert "| model spend | $0.0" in summary

        # The next night the fix is still open: no model is asked again.
        asked = len(handle.requests())
        assert night(world, "night-3") == 0
        assert len(handle.requests()) == asked
        assert f"fix_tests ({TARGET}): a fix is open: PR #{pr['number']}" in env.read_text()


def test_a_script_past_the_run_budget_stops_cleanly_and_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, env: Path
) -> None:
    world = sample_world(tmp_path, per_run_usd=0.5)
    expensive = {**FIX[0], "usage": {"input_tokens": 100_000, "output_tokens": 30_000}}
    replies = {"claude-haiku-4-5": [REAL], "claude-sonnet-4-5": [expensive, *FIX[1:]]}
    with github(world, monkeypatch) as sandbox, model(monkeypatch, replies) as handle:
        assert night(world) == 0
        assert models_asked(handle) == ["claude-haiku-4-5", "claude-sonnet-4-5"]
        assert not [r for r in pulls(sandbox) if r.startswith("kairos/fix-tests/")]
        assert "kairos/fix-lint/ruff" in pulls(sandbox)  # the rest of the run went on
        summary = env.read_text()
        stopped = (
            re.escape(
                f"fix_tests ({TARGET}): the agent stopped (budget): no model call fits the budget "
            )
            + r"\(per_run_usd: \$0\.7\d spent of \$0\.50\)"
        )  # the expensive turn, plus triage
        assert re.search(stopped, summary)
        spent = memory(world).spend.runs["night-1"]
        assert spent["claude-sonnet-4-5"].usd == pytest.approx(0.75, abs=0.01)
        assert "no model call fits the budget" in dashboard(sandbox)


def test_overloaded_and_rate_limited_answers_are_retried_by_the_sdk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, env: Path
) -> None:
    world = sample_world(tmp_path)
    overloaded = {"error": {"status": 529, "headers": FAST}}
    limited = {"error": {"status": 429, "headers": {"retry-after": "0.01"}}}
    replies = {"claude-haiku-4-5": [overloaded, limited, REAL], "claude-sonnet-4-5": FIX}
    with github(world, monkeypatch) as sandbox, model(monkeypatch, replies) as handle:
        assert night(world) == 0
        fix_pull(sandbox)
        statuses = [r["status"] for r in handle.requests()][:3]
        assert statuses == [529, 429, 200]
        assert [r["retry_count"] for r in handle.requests()][:3] == [0, 1, 2]


def test_a_model_that_stays_down_skips_the_task_and_the_run_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, env: Path
) -> None:
    world = sample_world(tmp_path)
    down = [{"error": {"status": 529, "headers": FAST}}] * 3
    with github(world, monkeypatch) as sandbox, model(monkeypatch, {"*": down}) as handle:
        assert night(world) == 0
        assert len(handle.requests()) == 3  # one call, the SDK's two retries
        assert list(pulls(sandbox)) == ["kairos/fix-lint/ruff"]
        summary = env.read_text()
        assert (
            f"fix_tests ({TARGET}): the triage model failed: claude-haiku-4-5: HTTP 529 "
            "overloaded_error"
        ) in summary
        assert "after the SDK's retries" in summary
        assert memory(world).runs[-1].run_id == "night-1"


def test_without_a_key_the_run_completes_and_says_why_the_test_waits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, env: Path
) -> None:
    world = sample_world(tmp_path)
    with github(world, monkeypatch) as sandbox:
        assert night(world) == 0
        assert list(pulls(sandbox)) == ["kairos/fix-lint/ruff"]
        summary = env.read_text()
        assert (
            f"fix_tests ({TARGET}): fixing a failing test needs a model: set the "
            "anthropic-api-key input"
        ) in summary
        assert "model spend" not in summary
        assert not memory(world).spend.runs


@pytest.mark.parametrize("verdict", ["infra", "flaky"])
def test_what_triage_calls_infra_or_flaky_never_reaches_the_work_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, env: Path, verdict: str
) -> None:
    world = sample_world(tmp_path)
    replies = {"claude-haiku-4-5": [classify(verdict, "the runner lost its network")]}
    with github(world, monkeypatch) as sandbox, model(monkeypatch, replies) as handle:
        assert night(world) == 0
        assert models_asked(handle) == ["claude-haiku-4-5"]
        assert list(pulls(sandbox)) == ["kairos/fix-lint/ruff"]
        why = f"triage says {verdict}: the runner lost its network"
        assert f"fix_tests ({TARGET}): {why}" in env.read_text()
        assert why in dashboard(sandbox)
        decisions = {(d.action, d.target): d.why for d in memory(world).decisions}
        assert decisions[("triage", TARGET)] == f"{verdict}: the runner lost its network"
