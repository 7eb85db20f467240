"""``kairos-ci validate``: a valid file is checked without importing jsonschema."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples" / "configs").glob("*.yml"))


def _validate(path: Path) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    code = (
        "import sys\nfrom kairos_ci.cli import main\n"
        f"code = main(['validate', {str(path)!r}])\n"
        "print(' '.join(sorted(sys.modules)), file=sys.stderr)\nsys.exit(code)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    loaded = {name.split(".")[0] for name in done.stderr.split()}
    return done, loaded


def test_a_valid_file_never_imports_jsonschema() -> None:
    for example in EXAMPLES:
        done, loaded = _validate(example)
        assert done.returncode == 0, done.stdout
        assert done.stdout.startswith(f"{example}: valid")
        assert "jsonschema" not in loaded, example.name


def test_an_invalid_file_is_worded_by_jsonschema(tmp_path: Path) -> None:
    config = tmp_path / "kairos.yml"
    config.write_text("version: 1\nlimits:\n  max_open_prs: -1\n")
    done, loaded = _validate(config)
    assert done.returncode == 1
    assert done.stdout.splitlines() == [
        f"{config}:3:17: limits.max_open_prs: -1 is less than the minimum of 0"
    ]
    assert "jsonschema" in loaded


def test_a_valid_file_is_checked_without_the_typed_records_or_git() -> None:
    code = (
        "import sys\nfrom kairos_ci.cli import main\n"
        f"code = main(['validate', {str(EXAMPLES[-1])!r}])\n"
        "print(' '.join(sorted(sys.modules)), file=sys.stderr)\nsys.exit(code)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout
    assert done.stdout == f"{EXAMPLES[-1]}: valid (1 linters, 2 rules)\n"
    loaded = set(done.stderr.split())
    assert "kairos_ci.config.records" not in loaded
    assert "kairos_ci.config.typed" not in loaded
    assert "kairos_ci.git" not in loaded
