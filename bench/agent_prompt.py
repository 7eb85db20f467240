"""Benchmark: the fix prompt's size before and after the gathered context, on the e2e
fixture projects, and the time gathering it takes.

    python bench/agent_prompt.py [--repeat 5]

Projects: the demo sample (tests/e2e/fix_tests_test.py), the src and flat layouts
(tests/e2e/layouts_test.py) and the agent harness's calc (tests/agent/harness.py). Each
is committed to a fresh git repository and its tests run with real pytest writing JUnit
XML; the failing tests are read from that report the way kairos reads it, and passed to
the agent as ``fix_tests`` passes them (id, file attribute, message, traceback).

For each project the script prints the estimated tokens (a quarter of the UTF-8 bytes,
the agent loop's own estimate) of:

- the task message before (no gathered context: what the prompt held until issue 16)
  and after (the four parts, each within ``ContextBudget``), with each part's tokens;
- the whole first request (system prompt, tool specs, task message): before with the
  seven old tools, after with ``git_history`` too;
- "after, with a last pass": the same project with one earlier commit where the tests
  passed (the fix, reverted by the next commit), as memory would know it.

Then the time ``brief`` takes per project (median, min, max over ``--repeat`` runs).
"""

from __future__ import annotations

import argparse
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from importlib import resources
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kairos_ci.agent import prompts  # noqa: E402
from kairos_ci.agent.briefing import Briefing, brief  # noqa: E402
from kairos_ci.agent.fix import READ_ONLY_TESTS, opening_message  # noqa: E402
from kairos_ci.agent.loop import estimate_tokens  # noqa: E402
from kairos_ci.agent.paths import WritePolicy  # noqa: E402
from kairos_ci.agent.records import (  # noqa: E402
    AgentLimits,
    ContextBudget,
    FailingTest,
    Text,
    ToolSpec,
    Turn,
)
from kairos_ci.agent.redact import Redactor  # noqa: E402
from kairos_ci.agent.tools import specs  # noqa: E402
from kairos_ci.agent.tools.context import ToolContext  # noqa: E402
from kairos_ci.agent.untrusted import Envelope  # noqa: E402
from kairos_ci.git import Git  # noqa: E402
from kairos_ci.signals.read import parse_report  # noqa: E402
from kairos_ci.signals.records import Outcome, TestResult  # noqa: E402
from kairos_ci.workspace.commands import CommandRunner  # noqa: E402

PYTEST = (sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider")


def projects() -> dict[str, tuple[dict[str, str], dict[str, str]]]:
    """name -> (files with the bug, the files that fix it)."""
    from tests.agent.harness import BUGGY, FIXED, TEST
    from tests.e2e.layouts_test import FLAT_LAYOUT, SRC_LAYOUT, TESTS

    sample = resources.files("kairos_ci") / "demo" / "sample"
    with resources.as_file(sample) as folder:
        demo = {
            str(p.relative_to(folder)): p.read_text()
            for p in folder.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts
        }
    demo_fixed = {
        "calc/stats.py": demo["calc/stats.py"].replace(
            "    return sum(values) / len(values)",
            "    if not values:\n        return 0.0\n    return sum(values) / len(values)",
        )
    }
    pyproject = '[tool.pytest.ini_options]\npythonpath = ["."]\n'
    flat_fix = {"calc/ops.py": FLAT_LAYOUT["calc/ops.py"].replace("a - b", "a + b")}
    src_fix = {"src/calc/ops.py": SRC_LAYOUT["src/calc/ops.py"].replace("a - b", "a + b")}
    src = {**SRC_LAYOUT, "tests/test_ops.py": TESTS}
    src["pyproject.toml"] += '\n[tool.pytest.ini_options]\npythonpath = ["src"]\n'
    return {
        "demo sample": (demo, demo_fixed),
        "src layout": (src, src_fix),
        "flat layout": ({**FLAT_LAYOUT, "tests/test_ops.py": TESTS}, flat_fix),
        "agent harness calc": (
            {"calc.py": BUGGY, "tests/test_calc.py": TEST, "pyproject.toml": pyproject},
            {"calc.py": FIXED},
        ),
    }


def commit(root: Path, files: dict[str, str], message: str) -> str:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    git = Git(root)
    git.run("add", "--all")
    git.run("commit", "-q", "-m", message)
    return git.text("rev-parse", "HEAD")


def repository(root: Path, buggy: dict[str, str], fixed: dict[str, str], *, history: bool) -> str:
    """The project committed at ``root``; with ``history``, first as it passed."""
    Git(root).run("init", "-q", "-b", "main")
    (root / ".gitignore").write_text("reports/\n__pycache__/\n*.egg-info/\n")
    if history:
        passing = commit(root, {**buggy, **fixed}, "the tests pass")
        commit(root, buggy, "a regression")
        return passing
    commit(root, buggy, "the project")
    return ""


def failing_tests(root: Path, passed_at: str) -> list[FailingTest]:
    report = root / "reports" / "junit.xml"
    subprocess.run([*PYTEST, f"--junitxml={report}"], cwd=root, capture_output=True, check=False)
    records = parse_report(report, "junit", root=root)
    failed = (Outcome.FAILED, Outcome.ERRORED)
    tests = [r for r in records if isinstance(r, TestResult) and r.outcome in failed]
    return [
        FailingTest(t.id, t.path, t.message, t.details, t.classname, t.line, passed_at or None)
        for t in tests
    ]


def context(root: Path) -> ToolContext:
    limits = AgentLimits()
    return ToolContext(
        root=root,
        write_policy=WritePolicy((), {}),
        test_command=PYTEST,
        commands=CommandRunner({}, 60),
        envelope=Envelope.fresh(),
        redactor=Redactor.of(()),
        limits=limits,
        deadline=time.monotonic() + limits.wall_time_s,
        clock=time.monotonic,
    )


def request_tokens(
    ctx: ToolContext, failing: list[FailingTest], briefing: Briefing, tools: tuple[ToolSpec, ...]
) -> tuple[int, int]:
    """(task message tokens, whole first request tokens)."""
    opening, _ = opening_message(ctx, failing, (), briefing)
    system = prompts.render("system", nonce=ctx.envelope.nonce, edit_tests_rule=READ_ONLY_TESTS)
    turns = [Turn("user", (Text(opening),))]
    return estimate_tokens("", (), turns), estimate_tokens(system, tools, turns)


def measure(name: str, buggy: dict[str, str], fixed: dict[str, str], repeat: int) -> list[float]:
    old_tools = tuple(t for t in specs.ALL if t.name != "git_history")
    timings: list[float] = []
    for history in (False, True):
        with tempfile.TemporaryDirectory() as folder:
            root = Path(folder)
            passed_at = repository(root, buggy, fixed, history=history)
            failing = failing_tests(root, passed_at)
            base = Git(root).text("rev-parse", "HEAD")
            ctx = context(root)
            before = brief(root, base, failing, ContextBudget.nothing())
            after = brief(root, base, failing, ContextBudget())
            for _ in range(repeat if not history else 0):
                start = time.perf_counter()
                brief(root, base, failing, ContextBudget())
                timings.append(time.perf_counter() - start)
            old = request_tokens(ctx, failing, before, old_tools)
            new = request_tokens(ctx, failing, after, specs.ALL)
        label = f"{name}, with a last pass" if history else name
        ids = ", ".join(t.id for t in failing)
        print(f"{label}: {len(failing)} failing ({ids})")
        print(f"  task message: before {old[0]:,} tokens, after {new[0]:,}")
        print(f"  first request: before {old[1]:,} tokens, after {new[1]:,}")
        for part in after.parts:
            print(f"    {part.title}: {part.tokens:,} tokens")
        found = {test_id: f"{f.path} ({f.via})" for test_id, f in after.found.items()}
        print(f"  test files: {found}")
    return timings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    budget = ContextBudget()
    print(f"budgets (tokens): {budget}; pytest: {shlex.join(PYTEST[1:])}")
    for name, (buggy, fixed) in projects().items():
        timings = measure(name, buggy, fixed, args.repeat)
        print(
            f"  brief(): median {statistics.median(timings) * 1000:.1f} ms, "
            f"min {min(timings) * 1000:.1f} ms, max {max(timings) * 1000:.1f} ms "
            f"over {len(timings)} runs"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
