"""A PyPI-compatible index: the Simple API for files, and release dates for the cooldown.

Release dates come, in order of preference, from PEP 700 ``upload-time`` on the
PEP 691 page, from the JSON API (``/pypi/<name>/json``, on Warehouse-style
indexes whose Simple API lives at ``/simple/``), and last from the
``Last-Modified`` header of a release file. A date nobody gives stays unknown.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from collections import defaultdict
from datetime import datetime
from typing import Any

from kairos_ci.errors import InputError
from kairos_ci.tasks.deps.records import DistFile, Link, Package, RegistryFailure, Release
from kairos_ci.tasks.deps.registry.http import Endpoint, FetchFailed, Http
from kairos_ci.tasks.deps.registry.simple import (
    ACCEPT,
    normalise,
    parse_page,
    parse_time,
    version_of,
)
from kairos_ci.tasks.deps.versions import Version, parse_pep440

DEFAULT_INDEX = "https://pypi.org/simple/"
MAX_DATED = 8  # newer releases given a date by extra requests, newest first
_NOTES = re.compile(r"change|release|history|news|what.?s.?new", re.I)
_SOURCE = re.compile(r"source|repo|code|github|gitlab", re.I)
_HOME = re.compile(r"home", re.I)
_SAFE_URL = re.compile(r"^https?://[^\s<>()\[\]\"']+$")


class PyPI:
    def __init__(self, http: Http, index: Endpoint) -> None:
        self._http = http
        self._index = index

    @property
    def url(self) -> str:
        return self._index.url

    def lookup(self, name: str, current: str) -> Package | RegistryFailure:
        page = f"{self._index.url}{normalise(name)}/"
        try:
            response = self._http.get(page, self._index, ACCEPT)
            files = parse_page(response.body, response.content_type, response.url, name)
        except (FetchFailed, InputError) as failure:
            return RegistryFailure("pypi", self._index.url, name, _plain(failure, page))
        releases = self._dated(name, current, _releases(name, files))
        return Package("pypi", name, self._index.url, releases)

    def links(self, name: str, version: str) -> tuple[Link, ...]:
        """Release notes and source links from the JSON API, when the index has one."""
        info = (self._json_api(name) or {}).get("info")
        found: list[Link] = []
        if isinstance(info, dict):
            urls = info.get("project_urls")
            pairs = list(urls.items()) if isinstance(urls, dict) else []
            pairs.append(("Homepage", info.get("home_page")))
            for pattern in (_NOTES, _SOURCE):
                found.extend(_first(pairs, pattern, found))
            if not found:
                found.extend(_first(pairs, _HOME, found))
        if urllib.parse.urlsplit(self._index.url).hostname == "pypi.org":
            found.append(Link("PyPI", f"https://pypi.org/project/{normalise(name)}/{version}/"))
        return tuple(found)

    def _dated(self, name: str, current: str, releases: list[Release]) -> tuple[Release, ...]:
        now = parse_pep440(current)
        missing = [
            r
            for r in releases
            if r.released is None and not r.yanked and _newer_stable(r.version, now)
        ][-MAX_DATED:]
        if not missing:
            return tuple(releases)
        dates = self._json_dates(name) or {}
        for release in missing:
            if release.version not in dates and release.files:
                dates[release.version] = self._last_modified(release.files[0])
        return tuple(
            _with_date(r, dates.get(r.version)) if r.released is None else r for r in releases
        )

    def _json_dates(self, name: str) -> dict[str, datetime | None] | None:
        document = self._json_api(name)
        releases = document.get("releases") if document else None
        if not isinstance(releases, dict):
            return None
        dates: dict[str, datetime | None] = {}
        for version, files in releases.items():
            entries = files if isinstance(files, list) else []
            times = [
                parse_time(f.get("upload_time_iso_8601")) for f in entries if isinstance(f, dict)
            ]
            known = [t for t in times if t is not None]
            dates[version] = min(known) if known else None
        return dates

    def _json_api(self, name: str) -> dict[str, Any] | None:
        base = self._index.url
        if not base.endswith("/simple/"):
            return None
        url = f"{base[: -len('simple/')]}pypi/{normalise(name)}/json"
        try:
            document = json.loads(self._http.get(url, self._index, "application/json").body)
        except (FetchFailed, ValueError, UnicodeDecodeError):
            return None  # optional: the Simple API already answered
        return document if isinstance(document, dict) else None

    def _last_modified(self, file: DistFile) -> datetime | None:
        try:
            return self._http.head(file.url, self._index).last_modified
        except FetchFailed:
            return None


def _releases(name: str, files: list[DistFile]) -> list[Release]:
    by_version: dict[str, list[DistFile]] = defaultdict(list)
    for file in files:
        version = version_of(file.filename, name)
        if version is not None:
            by_version[version].append(file)
    releases = []
    for version, group in by_version.items():
        parsed = parse_pep440(version)
        if parsed is None:
            continue
        times = [f.uploaded for f in group if f.uploaded is not None]
        group.sort(key=lambda f: f.filename)
        yanked = all(f.yanked for f in group)
        released = min(times) if times else None
        releases.append((parsed.key, Release(version, released, yanked, tuple(group))))
    releases.sort(key=lambda pair: pair[0])
    return [release for _, release in releases]


def _with_date(release: Release, when: datetime | None) -> Release:
    return Release(release.version, when, release.yanked, release.files)


def _newer_stable(version: str, current: Version | None) -> bool:
    parsed = parse_pep440(version)
    return bool(parsed and parsed.stable and (current is None or parsed > current))


def _first(
    pairs: list[tuple[object, object]], pattern: re.Pattern[str], seen: list[Link]
) -> list[Link]:
    for label, url in pairs:
        if not isinstance(label, str) or not isinstance(url, str) or not _SAFE_URL.match(url):
            continue
        if pattern.search(label) and all(link.url != url for link in seen):
            return [Link(re.sub(r"[^\w .'-]", "", label)[:40] or "link", url)]
    return []


def _plain(failure: Exception, url: str) -> str:
    text = str(failure)
    if isinstance(failure, FetchFailed) and failure.status == 404:
        return "not found on this index (HTTP 404)"
    return text.removeprefix(f"{url}: ")
