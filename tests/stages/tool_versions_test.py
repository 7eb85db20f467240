"""The configured tools' versions, as one digest: what changes it and what does not."""

from __future__ import annotations

import sys
from pathlib import Path

from kairos_ci.config.records import Command
from kairos_ci.stages.tool_versions import tools_digest
from kairos_ci.workspace.commands import CommandRunner


def command(text: str) -> Command:
    return Command(text, tuple(text.split()))


def program(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text)
    path.chmod(0o755)
    return path


def plain_runner(path: str) -> CommandRunner:
    return CommandRunner({"PATH": path}, timeout_s=60)


def test_a_program_is_known_by_its_bytes(tmp_path: Path) -> None:
    lint = program(tmp_path, "lint", "#!/bin/sh\necho v1\n")
    runner = plain_runner(str(tmp_path))
    first = tools_digest([command("lint .")], runner)
    assert first is not None and len(first) == 16
    assert tools_digest([command("lint --fix .")], runner) == first  # options are config
    lint.write_text("#!/bin/sh\necho v2\n")
    assert tools_digest([command("lint .")], runner) != first


def test_a_python_program_stands_for_its_environment(tmp_path: Path) -> None:
    """A console script's bytes do not change with the package's version: the
    interpreter's distributions do, so they are what the digest reads."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    program(bin_dir, "pytest", f"#!{sys.executable}\nprint('a console script')\n")
    runner = plain_runner(str(bin_dir))
    digest = tools_digest([command("pytest -q")], runner)
    assert digest is not None
    program(bin_dir, "pytest", f"#!{sys.executable}\nprint('rewritten on reinstall')\n")
    assert tools_digest([command("pytest -q")], runner) == digest

    site = tmp_path / "site"  # a new distribution in the environment changes it
    (site / "newtool-1.0.dist-info").mkdir(parents=True)
    (site / "newtool-1.0.dist-info" / "METADATA").write_text("Name: newtool\nVersion: 1.0\n")
    more = CommandRunner({"PATH": str(bin_dir), "PYTHONPATH": str(site)}, timeout_s=60)
    assert tools_digest([command("pytest -q")], more) not in (None, digest)


def test_a_version_that_cannot_be_told_is_no_digest(tmp_path: Path) -> None:
    program(tmp_path, "python3", "#!/bin/sh\nexit 3\n")  # the probe fails
    assert tools_digest([command("python3 -m pytest")], plain_runner(str(tmp_path))) is None


def test_programs_in_the_tree_or_missing_are_named_not_read(tmp_path: Path) -> None:
    runner = plain_runner(str(tmp_path))
    in_tree = tools_digest([command("./scripts/lint.sh")], runner)
    missing = tools_digest([command("no-such-tool .")], runner)
    assert in_tree is not None and missing is not None and in_tree != missing
