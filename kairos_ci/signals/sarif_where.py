"""Where a SARIF result points: artifact URI through ``uriBaseId`` chains, and its region.

A base whose URI has a scheme other than ``file:`` (``empty:``, ``https:``) names no
place on disk: joined to a relative URI it makes a path that never matches the checkout.
Such a result is left without a place (no path, no lines), and ``Unmapped`` counts it
per base so the reader can say so in one notice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from kairos_ci.signals.findings import Span
from kairos_ci.signals.jsondoc import arr, obj, text
from kairos_ci.signals.paths import from_uri

_MAX_BASE_CHAIN = 8  # uriBaseId may refer to another base; a cycle must not hang us
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]+):")  # two characters or more: "C:" is a drive
_MAX_NOTED = 16  # distinct place-less bases named in notices per run
_NOWHERE_SHOWN = 120  # characters of such a base's URI quoted in its notice


_NOWHERE = Span(None)


@dataclass(slots=True)
class Unmapped:
    """Results left without a path because their base URI names no place, per base."""

    counts: dict[str, int] = field(default_factory=dict)  # "ID (uri)" -> results

    def add(self, base: str, uri: str) -> None:
        key = f"{base[:_NOWHERE_SHOWN]} ({uri[:_NOWHERE_SHOWN]!r})"
        if key in self.counts or len(self.counts) < _MAX_NOTED:
            self.counts[key] = self.counts.get(key, 0) + 1

    def notices(self, tool: str) -> list[str]:
        return [
            f"{count:,} result(s) of {tool} point through the base URI {key}, which names "
            "no place in the checkout: left without a path"
            for key, count in self.counts.items()
        ]


class _Placeless(Exception):
    """Raised inside the base chain: ``base`` resolves to ``uri``, which has no place."""

    def __init__(self, base: str, uri: str) -> None:
        super().__init__(base)
        self.base, self.uri = base, uri


def locate(result: dict[str, Any], run: dict[str, Any], unmapped: Unmapped) -> Span:
    """The first physical location with a file or region; else the analysis target.
    The path is filesystem-style, not yet relative to the checkout."""
    bases = obj(run.get("originalUriBaseIds"))
    artifacts = arr(run.get("artifacts"))
    try:
        for raw in arr(result.get("locations")):
            physical = obj(obj(raw).get("physicalLocation"))
            artifact = obj(physical.get("artifactLocation")) or obj(physical.get("fileLocation"))
            path = _path(artifact, artifacts, bases)
            region = obj(physical.get("region"))
            if path or region:
                return Span(
                    path, region.get("startLine"), region.get("endLine"), region.get("startColumn")
                )
        target = obj(result.get("analysisTarget"))
        return Span(_path(target, artifacts, bases))
    except _Placeless as nowhere:
        unmapped.add(nowhere.base, nowhere.uri)
        return _NOWHERE


def _path(artifact: dict[str, Any], artifacts: list[Any], bases: dict[str, Any]) -> str | None:
    uri = text(artifact.get("uri"))
    base = text(artifact.get("uriBaseId"))
    index = artifact.get("index")
    if uri is None and type(index) is int and 0 <= index < len(artifacts):
        listed = obj(obj(artifacts[index]).get("location"))
        uri, base = text(listed.get("uri")), text(listed.get("uriBaseId")) or base
    if not uri:
        return None
    return from_uri(_resolve(uri, base, bases))


def _resolve(uri: str, base: str | None, bases: dict[str, Any]) -> str:
    """``uri`` made absolute through its base chain where the log defines the bases.

    An undefined base (``%SRCROOT%`` with no ``originalUriBaseIds``) means "the source
    root", which is the checkout: the URI is then already repository-relative.
    """
    for _ in range(_MAX_BASE_CHAIN):
        if base is None or _absolute(uri):
            return uri
        entry = bases.get(base)
        if isinstance(entry, str):  # SARIF 2.0.0: the base is a plain string
            prefix, named, base = entry, base, None
        elif isinstance(entry, dict) and isinstance(entry.get("uri"), str):
            prefix, named, base = entry["uri"], base, text(entry.get("uriBaseId"))
        else:
            return uri
        if _placeless(prefix):
            raise _Placeless(named, prefix)
        uri = prefix.rstrip("/") + "/" + uri.lstrip("/") if prefix else uri
    return uri


def _placeless(uri: str) -> bool:
    """A URI with a scheme other than ``file:`` (``empty:``, ``https:``) names no file."""
    scheme = _SCHEME.match(uri)
    return scheme is not None and scheme.group(1).lower() != "file"


def _absolute(uri: str) -> bool:
    return "://" in uri or uri.startswith(("/", "file:")) or (len(uri) > 1 and uri[1] == ":")
