"""The action installs only what its shipped lock files pin, checked by hash.

``scripts/install-action.sh`` installs uv, the build backend and kairos-ci's runtime
dependencies from ``scripts/action-*.lock``. These tests hold the locks to
pyproject.toml and run the script's uv-selection logic offline.
"""

from __future__ import annotations

import re
import subprocess
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = ROOT / "scripts"
INSTALL = SCRIPTS / "install-action.sh"
LOCKS = ("action-uv.lock", "action-build.lock", "action-requirements.lock")
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")


@dataclass(frozen=True)
class Pin:
    version: str
    hashes: tuple[str, ...]


def read_lock(name: str) -> dict[str, Pin]:
    """Each pinned package of a lock file with the sha256 hashes on its lines."""
    pins: dict[str, Pin] = {}
    current: str | None = None
    for number, line in enumerate((SCRIPTS / name).read_text().splitlines(), 1):
        if match := PIN.match(line):
            current = canonicalize_name(match[1])
            assert current not in pins, f"{name}:{number}: {current} is pinned twice"
            pins[current] = Pin(match[2], ())
        elif current and (found := re.search(r"--hash=sha256:([0-9a-f]{64})", line)):
            pins[current] = Pin(pins[current].version, (*pins[current].hashes, found[1]))
        elif line.strip() and not line.lstrip().startswith("#"):
            raise AssertionError(f"{name}:{number}: not a pin, hash or comment: {line!r}")
    return pins


def assert_locked(requirements: list[str], lock: str) -> None:
    pins = read_lock(lock)
    for text in requirements:
        requirement = Requirement(text)
        pin = pins.get(canonicalize_name(requirement.name))
        assert pin, f"{requirement.name} is not pinned in scripts/{lock}"
        assert requirement.specifier.contains(pin.version), (
            f"scripts/{lock} pins {requirement.name}=={pin.version}, "
            f"outside pyproject.toml's {requirement.specifier}"
        )


PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_every_runtime_dependency_is_pinned_within_its_range() -> None:
    assert_locked(PYPROJECT["project"]["dependencies"], "action-requirements.lock")


def test_the_build_backend_is_pinned_within_its_range() -> None:
    assert_locked(PYPROJECT["build-system"]["requires"], "action-build.lock")


def test_uv_is_pinned() -> None:
    assert list(read_lock("action-uv.lock")) == ["uv"]


@pytest.mark.parametrize("lock", LOCKS)
def test_every_pin_carries_a_hash(lock: str) -> None:
    pins = read_lock(lock)
    assert pins, f"scripts/{lock} pins nothing"
    unhashed = sorted(name for name, pin in pins.items() if not pin.hashes)
    assert not unhashed, f"scripts/{lock} has pins without --hash: {unhashed}"


@pytest.mark.parametrize("lock", LOCKS)
def test_each_lock_names_the_command_that_regenerates_it(lock: str) -> None:
    head = "\n".join((SCRIPTS / lock).read_text().splitlines()[:3])
    assert "uv pip compile" in head and "--generate-hashes" in head and f"-o scripts/{lock}" in head


def test_both_installs_require_hashes() -> None:
    script = " ".join(INSTALL.read_text().replace("\\\n", " ").split())
    assert "pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r" in script
    assert '"$uv" pip install --quiet --python "$venv/bin/python" --require-hashes' in script
    assert "pip install --quiet --disable-pip-version-check uv" not in script


def shell_functions(*names: str) -> str:
    """The named function definitions of install-action.sh, to run on their own."""
    text = INSTALL.read_text()
    bodies = [re.search(rf"^{name}\(\) {{\n.*?^}}\n", text, re.M | re.S) for name in names]
    assert all(bodies), f"install-action.sh lacks one of {names}"
    return "".join(body[0] for body in bodies if body)


def run_functions(call: str, *, path: Path, root: Path) -> subprocess.CompletedProcess[str]:
    program = shell_functions("locked_version", "locked_uv") + call
    env = {"PATH": f"{path}:/usr/bin:/bin"}
    prelude = f'set -euo pipefail\nuv_lock="{SCRIPTS / "action-uv.lock"}"\nroot="{root}"\n'
    return subprocess.run(
        ["bash", "-c", prelude + program], env=env, capture_output=True, text=True, check=False
    )


def fake_uv(bin_dir: Path, version: str) -> Path:
    bin_dir.mkdir()
    uv = bin_dir / "uv"
    uv.write_text(f"#!/bin/sh\necho 'uv {version} (fake)'\n")
    uv.chmod(0o755)
    return uv


def test_the_script_reads_the_locked_uv_version(tmp_path: Path) -> None:
    done = run_functions('locked_version uv "$uv_lock"', path=tmp_path, root=tmp_path)
    assert done.stdout.strip() == read_lock("action-uv.lock")["uv"].version, done.stderr


def test_a_uv_on_path_of_the_locked_version_is_used(tmp_path: Path) -> None:
    uv = fake_uv(tmp_path / "bin", read_lock("action-uv.lock")["uv"].version)
    done = run_functions("locked_uv", path=uv.parent, root=tmp_path / "root")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(uv)
    assert not (tmp_path / "root").exists()


def test_a_uv_of_another_version_is_not_used(tmp_path: Path) -> None:
    # Stop before the bootstrap (which needs PyPI): a python3 that fails shows it was reached.
    uv = fake_uv(tmp_path / "bin", "0.0.1")
    (uv.parent / "python3").write_text("#!/bin/sh\necho bootstrap reached >&2\nexit 7\n")
    (uv.parent / "python3").chmod(0o755)
    done = run_functions("locked_uv", path=uv.parent, root=tmp_path / "root")
    assert done.returncode == 7
    assert "uv 0.0.1 on PATH is not the locked" in done.stderr
    assert "bootstrap reached" in done.stderr
