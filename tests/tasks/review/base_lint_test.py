"""The linters on the merge base: a finding the base already had is left out and
counted, a renamed file is compared with its old self, and a linter that cannot run on
the base leaves everything in, saying why."""

from __future__ import annotations

import sys
from contextlib import ExitStack
from pathlib import Path

from kairos_ci.config.records import Command, LinterConfig
from kairos_ci.diff.mapping import map_findings
from kairos_ci.diff.parse import parse_diff
from kairos_ci.diff.records import FilterMode
from kairos_ci.git import Git
from kairos_ci.stages.evidence import run_linter
from kairos_ci.tasks.review.base_lint import BaseLint, Compared
from kairos_ci.tasks.review.records import PullDiff
from kairos_ci.workspace.commands import CommandRunner
from kairos_ci.workspace.scratch import scratch_checkout
from tests.agent.repos import commit

# Flags every line holding "BAD" (ruff JSON on stdout); cannot run where BROKEN exists.
LINTER = """import json, sys
from pathlib import Path
if Path("BROKEN").exists():
    sys.exit(2)
found = []
for path in sorted(Path(".").rglob("*.py")):
    if ".git" in path.parts:
        continue
    for row, line in enumerate(path.read_text().splitlines(), 1):
        if "BAD" in line:
            where = {"row": row, "column": 1}
            found.append({"code": "X1", "message": "bad", "filename": str(path),
                          "location": where, "end_location": where})
print(json.dumps(found))
sys.exit(1 if found else 0)
"""


def linter(tmp_path: Path) -> LinterConfig:
    script = tmp_path / "lint_script.py"
    script.write_text(LINTER)
    argv = (sys.executable, str(script))
    return LinterConfig("fake", Command(" ".join(argv), argv), "ruff", None, None)


def compared(repo: Path, config: LinterConfig, base: str, head: str) -> Compared:
    runner = CommandRunner({}, 60)
    text = Git(repo).run("diff", "-M", base, head).stdout.decode()
    pull = PullDiff(base, head, parse_diff(text), {})
    with ExitStack() as stack:
        tree = stack.enter_context(scratch_checkout(repo, head)).path
        evidence, _ = run_linter(tree, config, runner, run_command_=True)
        mapped = map_findings(evidence.findings, pull.diff, FilterMode.ADDED)
        return BaseLint(repo, pull, runner, stack).compare(config, tree, mapped, mapped.inside)


def lines(found: Compared) -> list[tuple[str | None, int | None]]:
    return [(p.path, p.line) for p in found.kept]


def test_a_re_indented_finding_is_left_out_and_a_new_one_kept(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    base = commit(repo, {"a.py": "x = 1\nBAD one\ny = 2\n"}, "base")
    head = commit(repo, {"a.py": "x = 1\n    BAD one\nBAD two\ny = 2\n"}, "head")
    found = compared(repo, linter(tmp_path), base, head)
    assert lines(found) == [("a.py", 3)]
    assert (found.preexisting, found.on_base, found.problem) == (1, True, "")


def test_a_renamed_file_is_compared_with_its_old_name(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    base = commit(repo, {"old.py": "x = 1\nBAD one\ny = 2\nz = 3\nw = 4\n"}, "base")
    (repo / "old.py").unlink()
    head = commit(repo, {"new.py": "x = 1\n  BAD one\ny = 2\nz = 3\nw = 4\n"}, "rename")
    found = compared(repo, linter(tmp_path), base, head)
    assert lines(found) == [] and found.preexisting == 1


def test_a_linter_that_cannot_run_on_the_base_leaves_everything_in(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    base = commit(repo, {"a.py": "BAD one\n", "BROKEN": ""}, "base")
    (repo / "BROKEN").unlink()
    head = commit(repo, {"a.py": "  BAD one\n"}, "head")
    found = compared(repo, linter(tmp_path), base, head)
    assert lines(found) == [("a.py", 1)] and found.preexisting == 0
    assert found.problem == "fake did not run on the base (exited 2 and printed no report)"
    assert not found.on_base


def test_no_finding_on_added_lines_needs_no_base(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    base = commit(repo, {"a.py": "BAD one\n", "BROKEN": ""}, "base")
    head = commit(repo, {"b.py": "fine\n"}, "head")
    assert compared(repo, linter(tmp_path), base, head) == Compared((), 0)
