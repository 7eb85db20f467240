"""Where a SARIF result points: artifact URI through ``uriBaseId`` chains, and its region."""

from __future__ import annotations

from typing import Any, NamedTuple

from kairos_ci.signals.jsondoc import arr, obj, text
from kairos_ci.signals.paths import from_uri

_MAX_BASE_CHAIN = 8  # uriBaseId may refer to another base; a cycle must not hang us


class Location(NamedTuple):
    path: str | None  # filesystem-style, not yet relative to the checkout
    start_line: object
    end_line: object
    start_column: object


def locate(result: dict[str, Any], run: dict[str, Any]) -> Location:
    """The first physical location with a file or region; else the analysis target."""
    bases = obj(run.get("originalUriBaseIds"))
    artifacts = arr(run.get("artifacts"))
    for raw in arr(result.get("locations")):
        physical = obj(obj(raw).get("physicalLocation"))
        artifact = obj(physical.get("artifactLocation")) or obj(physical.get("fileLocation"))
        path = _path(artifact, artifacts, bases)
        region = obj(physical.get("region"))
        if path or region:
            return Location(
                path, region.get("startLine"), region.get("endLine"), region.get("startColumn")
            )
    target = obj(result.get("analysisTarget"))
    return Location(_path(target, artifacts, bases), None, None, None)


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
            prefix, base = entry, None
        elif isinstance(entry, dict) and isinstance(entry.get("uri"), str):
            prefix, base = entry["uri"], text(entry.get("uriBaseId"))
        else:
            return uri
        uri = prefix.rstrip("/") + "/" + uri.lstrip("/") if prefix else uri
    return uri


def _absolute(uri: str) -> bool:
    return "://" in uri or uri.startswith(("/", "file:")) or (len(uri) > 1 and uri[1] == ":")
