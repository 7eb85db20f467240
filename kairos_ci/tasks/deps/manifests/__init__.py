"""Manifests: find the files that pin dependencies, read their pins, rewrite versions.

Files are listed with ``git ls-files`` in a checkout, so ignored and vendored
trees (``node_modules``) never count. Each file is read on its own: a broken
one is reported and the others still count.
"""

from __future__ import annotations

import posixpath
from pathlib import Path

from kairos_ci.git import Git
from kairos_ci.tasks.deps.manifests.package_json import read_package_json
from kairos_ci.tasks.deps.manifests.pyproject import read_pyproject
from kairos_ci.tasks.deps.manifests.requirements import read_requirements
from kairos_ci.tasks.deps.records import Manifest, ManifestProblem, ManifestSet

MAX_MANIFEST_BYTES = 2 * 1024 * 1024
MAX_MANIFESTS = 500
LOCKFILES = (
    "package-lock.json",
    "npm-shrinkwrap.json",
    "yarn.lock",
    "pnpm-lock.yaml",
    "uv.lock",
    "poetry.lock",
    "pdm.lock",
)


def kind_of(path: str) -> str | None:
    """Which manifest reader a repository path needs, if any."""
    parts = path.split("/")
    if "node_modules" in parts:
        return None
    name = parts[-1]
    if name in ("pyproject.toml", "package.json"):
        return name
    if name.endswith(".txt") and (
        name.startswith("requirements") or (len(parts) > 1 and parts[-2] == "requirements")
    ):
        return "requirements"
    return None


def read_manifests(checkout: Path) -> ManifestSet:
    listing = Git(checkout).run("ls-files", "-z").stdout.decode("utf-8", "surrogateescape")
    paths = sorted(p for p in listing.split("\0") if p)
    manifests: list[Manifest] = []
    problems: list[ManifestProblem] = []
    lockfiles = tuple(p for p in paths if posixpath.basename(p) in LOCKFILES)
    for path in (p for p in paths if kind_of(p)):
        if len(manifests) >= MAX_MANIFESTS:
            problems.append(ManifestProblem(path, "file", f"past {MAX_MANIFESTS} manifests"))
            continue
        read = read_manifest(checkout, path)
        if isinstance(read, ManifestProblem):
            problems.append(read)
        else:
            manifests.append(read)
            problems.extend(read.problems)
    return ManifestSet(tuple(manifests), tuple(problems), lockfiles)


def read_manifest(checkout: Path, path: str) -> Manifest | ManifestProblem:
    file = checkout / path
    try:
        if file.is_symlink() or not file.is_file():
            return ManifestProblem(path, "file", "not a regular file; left alone")
        if file.stat().st_size > MAX_MANIFEST_BYTES:
            return ManifestProblem(path, "file", f"larger than {MAX_MANIFEST_BYTES} bytes")
        text = file.read_bytes().decode("utf-8")
    except UnicodeDecodeError as err:
        return ManifestProblem(path, "file", f"not UTF-8 (byte {err.start})")
    except OSError as err:
        return ManifestProblem(path, "file", f"cannot read: {err.strerror}")
    return parse_manifest(path, text)


def parse_manifest(path: str, text: str) -> Manifest:
    kind = kind_of(path)
    if kind == "pyproject.toml":
        return read_pyproject(path, text)
    if kind == "package.json":
        return read_package_json(path, text)
    return read_requirements(path, text)
