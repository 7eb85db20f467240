"""Benchmark: the test-integrity guard's precision and recall on its labelled corpus, its
speed on a large patch, and the agent loop's own overhead.

    python bench/guard.py [--files 400] [--tests 25] [--loop] [--no-corpus] [--no-speed]

Corpus: every case of ``tests/guard/corpus`` is built as a git repository and checked
through ``kairos-ci guard --json``, the same path ``tests/guard/corpus_test.py`` takes.
Prints precision and recall overall and per weakening class (recall: the class's cases
flagged; precision: of the cases flagged with a verdict of that class, how many weaken
tests), how each honest refactor class and the review cases fare, and every misjudged case.

Guard speed: builds a repository of FILES Python test modules with TESTS tests each (plus as
many code modules), changes every test module (a quarter of them weakened) and every
code module, commits, then times ``kairos-ci guard``'s steps: reading the patch from
git, reading the repository's test literals, and checking. Target: under 5 s for
400 files x 25 tests on one core.

Loop (``--loop``): one scripted agent run of TURNS list_files calls against the in-process sandbox
through the real SDK, to show the per-turn overhead kairos adds around the model.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from kairos_ci.git import Git
from kairos_ci.guard.check import check_patch
from kairos_ci.guard.revisions import patch_versions, repo_context

GUARD_TARGET_S = 5.0
TARGET_SCORE = 0.95
ROOT = Path(__file__).resolve().parents[1]


def module(index: int, tests: int, weaken: bool) -> str:
    lines = ["import pytest", "from app import compute", ""]
    for n in range(tests):
        lines += [
            "",
            f"def test_case_{n}():",
            f"    result = compute({n}, 'input-{index}-{n}')",
            f"    assert result == {n * 2}",
            f"    assert result != {n * 3 + 1}" if not (weaken and n % 5 == 0) else "    pass",
            f"    assert result == pytest.approx({n * 2}.0, rel=1e-6)",
        ]
    return "\n".join(lines) + "\n"


def build(root: Path, files: int, tests: int) -> tuple[str, str]:
    git = Git(root)
    git.run("init", "-q", "-b", "main")
    (root / "tests").mkdir()
    (root / "app").mkdir()
    for index in range(files):
        (root / "tests" / f"test_m{index}.py").write_text(module(index, tests, False))
        (root / "app" / f"m{index}.py").write_text(f"def f(x):\n    return x + {index}\n")
    git.run("add", "--all")
    git.run("commit", "-q", "-m", "base")
    base = git.text("rev-parse", "HEAD")
    for index in range(files):
        (root / "tests" / f"test_m{index}.py").write_text(module(index, tests, index % 4 == 0))
        (root / "app" / f"m{index}.py").write_text(
            f"def f(x):\n    if x == 'input-{index}-3':\n        return 6\n    return x\n"
        )
    git.run("add", "--all")
    git.run("commit", "-q", "-m", "head")
    return base, git.text("rev-parse", "HEAD")


def bench_guard(files: int, tests: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        base, head = build(root, files, tests)
        started = time.perf_counter()
        patch = patch_versions(root, base, head)
        read = time.perf_counter()
        context = repo_context(root, head)
        corpus = time.perf_counter()
        report = check_patch(patch, context)
        done = time.perf_counter()
    total = done - started
    print(
        f"guard: {len(patch)} changed files, {files * tests} tests, {len(report.flagged)} flagged"
    )
    print(f"  read patch from git   {read - started:6.2f} s")
    print(f"  read repository facts {corpus - read:6.2f} s")
    print(f"  check                 {done - corpus:6.2f} s")
    verdict = "ok" if total < GUARD_TARGET_S else "OVER TARGET"
    print(f"  total                 {total:6.2f} s (target < {GUARD_TARGET_S:.0f} s: {verdict})")


def bench_loop(turns: int) -> None:
    import warnings

    import anthropic  # noqa: F401 - imported before the clock starts, as in a warm run

    from kairos_ci.agent.claude import ClaudeLlm
    from kairos_ci.agent.loop import Session, run_loop
    from kairos_ci.agent.paths import WritePolicy
    from kairos_ci.agent.records import AgentLimits, Tier
    from kairos_ci.agent.redact import Redactor
    from kairos_ci.agent.spend import BudgetView
    from kairos_ci.agent.tools import specs
    from kairos_ci.agent.tools.context import ToolContext
    from kairos_ci.agent.tools.dispatch import Toolbox
    from kairos_ci.agent.untrusted import Envelope
    from kairos_ci.config.records import Budget
    from kairos_ci.context import Secret
    from kairos_ci.sandbox.anthropic.script import parse_script
    from kairos_ci.sandbox.anthropic.server import running
    from kairos_ci.workspace.commands import CommandRunner

    warnings.simplefilter("ignore", DeprecationWarning)
    call = {"content": [{"type": "tool_use", "name": "list_files", "input": {"pattern": "*"}}]}
    done = {"content": [{"type": "tool_use", "name": "finish", "input": {"summary": "ok"}}]}
    limits = AgentLimits(max_turns=turns + 1, max_total_tokens=10**9)
    with (
        tempfile.TemporaryDirectory() as folder,
        running(parse_script({"replies": [call] * turns + [done]})) as handle,
    ):
        root = Path(folder)
        (root / "a.py").write_text("x = 1\n")
        ctx = ToolContext(
            root, WritePolicy((), {}), None, CommandRunner({}, 60), Envelope.fresh(),
            Redactor.of(), limits, time.monotonic() + 600, time.monotonic,
        )  # fmt: skip
        session = Session(
            "system", "go", specs.ALL, ((Tier.WORK, "claude-sonnet-4-5"),), {},
            BudgetView(Budget(1000, 1000, 1000, {})), limits,
        )  # fmt: skip
        llm = ClaudeLlm(Secret("sk-ant-bench"), handle.base_url)
        started = time.perf_counter()
        outcome = run_loop(llm, session, Toolbox(ctx), Redactor.of(), time.monotonic, 1e18)
        elapsed = time.perf_counter() - started
    per_turn = elapsed / outcome.turns * 1000
    print(f"loop: {outcome.turns} turns ({outcome.stop}) in {elapsed:.2f} s, {per_turn:.1f} ms")
    print("  per turn, sandbox, SDK and tools included")


def bench_corpus() -> bool:
    """Precision and recall on the labelled corpus; True when every target is met."""
    sys.path.insert(0, str(ROOT))  # the corpus and its parser live with the tests
    from tests.guard.cases import by_class, honest_kinds, judge, load_cases, overall

    cases = load_cases()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        outcomes = [judge(case, Path(folder)) for case in cases]
    elapsed = time.perf_counter() - started
    score = overall(outcomes)
    met = score.precision >= TARGET_SCORE and score.recall >= TARGET_SCORE
    print(f"corpus: {len(cases)} patches through `kairos-ci guard --json` in {elapsed:.1f} s")
    print(f"  {'class':<22}{'cases':>6}{'flagged':>9}{'precision':>11}{'recall':>8}")
    for row in [score, *by_class(outcomes)]:
        flagged = row.true_pos + row.false_pos
        print(f"  {row.name:<22}{row.cases:>6}{flagged:>9}{row.precision:>11.3f}{row.recall:>8.3f}")
        met = met and (row.cases < 5 or min(row.precision, row.recall) >= TARGET_SCORE)
    print(f"  {'honest and review':<22}{'cases':>6}{'right':>9}")
    for kind, (count, right) in honest_kinds(outcomes).items():
        print(f"  {kind:<22}{count:>6}{right:>9}")
        met = met and (count < 5 or right / count >= TARGET_SCORE)
    wrong = [o for o in outcomes if not o.correct]
    print(f"  misjudged: {len(wrong)}")
    for outcome in wrong:
        got = ", ".join(sorted(outcome.rules)) or "clean"
        expected = ", ".join(sorted(outcome.case.expect)) or "clean"
        print(f"    {outcome.case.name} ({outcome.case.kind}): expected {expected}, got {got}")
    print(f"  targets (>= {TARGET_SCORE} everywhere with 5+ cases): {'met' if met else 'MISSED'}")
    return met


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=400)
    parser.add_argument("--tests", type=int, default=25)
    parser.add_argument("--turns", type=int, default=50)
    parser.add_argument("--loop", action="store_true", help="also time the agent loop")
    parser.add_argument("--no-corpus", action="store_true", help="skip the corpus")
    parser.add_argument("--no-speed", action="store_true", help="skip the large patch")
    args = parser.parse_args()
    if not args.no_corpus:
        bench_corpus()
    if not args.no_speed:
        bench_guard(args.files, args.tests)
    if args.loop:
        bench_loop(args.turns)


if __name__ == "__main__":
    main()
