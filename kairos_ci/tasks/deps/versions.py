"""Version arithmetic for PEP 440 (PyPI) and semver (npm), only as much as updates need.

``packaging`` is not a runtime dependency of kairos-ci, so this is a small,
self-contained reading of PEP 440: epoch, release segment, pre, post, dev and
local parts, ordered as the PEP says. Update types compare release segments.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kairos_ci.tasks.deps.records import Ecosystem, UpdateType

_PEP440 = re.compile(
    r"""^\s*v?
    (?:(?P<epoch>\d+)!)?
    (?P<release>\d+(?:\.\d+)*)
    (?:[-_.]?(?P<pre_l>alpha|beta|preview|pre|rc|a|b|c)[-_.]?(?P<pre_n>\d+)?)?
    (?P<post>-(?P<post_n1>\d+)|[-_.]?(?:post|rev|r)[-_.]?(?P<post_n2>\d+)?)?
    (?:[-_.]?(?P<dev>dev)[-_.]?(?P<dev_n>\d+)?)?
    (?:\+(?P<local>[a-z0-9]+(?:[-_.][a-z0-9]+)*))?
    \s*$""",
    re.VERBOSE | re.IGNORECASE,
)
_SEMVER = re.compile(
    r"^v?(?P<major>0|[1-9]\d*)\.(?P<minor>0|[1-9]\d*)\.(?P<patch>0|[1-9]\d*)"
    r"(?:-(?P<pre>[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+(?P<build>[0-9A-Za-z.-]+))?$"
)
_PRE_ORDER = {"a": 0, "alpha": 0, "b": 1, "beta": 1, "c": 2, "rc": 2, "pre": 2, "preview": 2}
_FINAL = 3  # sorts after a, b and rc

SortKey = tuple[object, ...]


@dataclass(frozen=True)
class Version:
    text: str
    epoch: int
    release: tuple[int, ...]
    prerelease: bool  # a pre-release or development release: never a candidate
    local: bool  # a local version label (+...): never a candidate
    key: SortKey  # total order within one ecosystem

    def __lt__(self, other: Version) -> bool:
        return self.key < other.key

    def __gt__(self, other: Version) -> bool:
        return self.key > other.key

    @property
    def stable(self) -> bool:
        return not self.prerelease and not self.local


def parse(ecosystem: Ecosystem, text: str) -> Version | None:
    """The version, or None when it is not one the ecosystem's rules can order."""
    return parse_pep440(text) if ecosystem == "pypi" else parse_semver(text)


def parse_pep440(text: str) -> Version | None:
    match = _PEP440.match(text)
    if match is None:
        return None
    release = tuple(int(part) for part in match["release"].split("."))
    pre = (_PRE_ORDER[match["pre_l"].lower()], int(match["pre_n"] or 0)) if match["pre_l"] else None
    post_text = match["post_n1"] or match["post_n2"]
    post = int(post_text or 0) if match["post"] else None
    dev = int(match["dev_n"] or 0) if match["dev"] else None
    epoch = int(match["epoch"] or 0)
    if pre is None and post is None and dev is not None:
        pre_key: tuple[int, int] = (-1, 0)  # 1.0.dev1 sorts before 1.0a1
    else:
        pre_key = pre if pre is not None else (_FINAL, 0)
    key: SortKey = (
        epoch,
        _trimmed(release),
        pre_key,
        -1 if post is None else post,
        (1, 0) if dev is None else (0, dev),
    )
    prerelease = pre is not None or dev is not None
    return Version(text, epoch, release, prerelease, match["local"] is not None, key)


def parse_semver(text: str) -> Version | None:
    match = _SEMVER.match(text.strip())
    if match is None:
        return None
    release = (int(match["major"]), int(match["minor"]), int(match["patch"]))
    pre = match["pre"]
    pre_key: SortKey = (1,) if pre is None else (0, *(_identifier(p) for p in pre.split(".")))
    return Version(text, 0, release, pre is not None, False, (release, pre_key))


def update_type(old: Version, new: Version) -> UpdateType:
    """How big the step from ``old`` to ``new`` is, by the release segment."""
    if old.epoch != new.epoch:
        return "major"
    width = max(len(old.release), len(new.release), 3)
    a = old.release + (0,) * (width - len(old.release))
    b = new.release + (0,) * (width - len(new.release))
    if a[0] != b[0]:
        return "major"
    if a[1] != b[1]:
        return "minor"
    return "patch"


def _trimmed(release: tuple[int, ...]) -> tuple[int, ...]:
    end = len(release)
    while end > 1 and release[end - 1] == 0:
        end -= 1
    return release[:end]


def _identifier(part: str) -> tuple[int, int | str]:
    # semver: numeric identifiers sort before alphanumeric ones, numerically.
    return (0, int(part)) if part.isdigit() else (1, part)
