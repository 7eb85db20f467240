"""An npm registry: the full package document, whose ``time`` map dates every version.

The abbreviated install document (``application/vnd.npm.install-v1+json``) has
no per-version times, so the full one is asked for. Deprecated versions count
as withdrawn: they are never proposed.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from typing import Any

from kairos_ci.tasks.deps.records import Link, Package, RegistryFailure, Release
from kairos_ci.tasks.deps.registry.http import Endpoint, FetchFailed, Http
from kairos_ci.tasks.deps.registry.simple import parse_time
from kairos_ci.tasks.deps.versions import parse_semver

DEFAULT_REGISTRY = "https://registry.npmjs.org/"
_NAME = re.compile(r"^(?:@[a-z0-9][a-z0-9._~-]*/)?[a-z0-9][a-z0-9._~-]*$", re.I)
_SAFE_URL = re.compile(r"^https?://[^\s<>()\[\]\"']+$")
_GITHUB = re.compile(
    r"^(?:git\+)?(?:https?|git|ssh)://(?:git@)?github\.com[/:]([\w.-]+/[\w.-]+?)(?:\.git)?/?$"
)


class Npm:
    def __init__(self, http: Http, registry: Endpoint) -> None:
        self._http = http
        self._registry = registry

    @property
    def url(self) -> str:
        return self._registry.url

    def lookup(self, name: str, current: str) -> Package | RegistryFailure:
        try:
            document = self._document(name)
        except FetchFailed as failure:
            return RegistryFailure("npm", self._registry.url, name, _plain(failure))
        versions, times = document.get("versions"), document.get("time")
        if not isinstance(versions, dict):
            return RegistryFailure("npm", self._registry.url, name, "document without versions")
        dates = times if isinstance(times, dict) else {}
        releases = []
        for version, meta in versions.items():
            parsed = parse_semver(version) if isinstance(version, str) else None
            if parsed is None:
                continue
            deprecated = isinstance(meta, dict) and bool(meta.get("deprecated"))
            released = parse_time(dates.get(version))
            releases.append((parsed.key, Release(version, released, deprecated)))
        releases.sort(key=lambda pair: pair[0])
        return Package("npm", name, self._registry.url, tuple(r for _, r in releases))

    def links(self, name: str, version: str) -> tuple[Link, ...]:
        try:
            document = self._document(name)
        except FetchFailed:
            return ()
        found: list[Link] = []
        versions = document.get("versions")
        meta = versions.get(version) if isinstance(versions, dict) else None
        meta = meta if isinstance(meta, dict) else {}
        # The version's own manifest first: registries differ in what they copy to the top.
        repository = _repository_url(meta.get("repository") or document.get("repository"))
        if repository is not None:
            github = _GITHUB.match(repository)
            if github:
                found.append(Link("Releases", f"https://github.com/{github[1]}/releases"))
            else:
                found.append(Link("Repository", repository))
        homepage = meta.get("homepage") or document.get("homepage")
        if (
            isinstance(homepage, str)
            and _SAFE_URL.match(homepage)
            and all(link.url.rstrip("/") != homepage.rstrip("/") for link in found)
        ):
            found.append(Link("Homepage", homepage))
        if urllib.parse.urlsplit(self._registry.url).hostname == "registry.npmjs.org":
            found.append(Link("npm", f"https://www.npmjs.com/package/{name}/v/{version}"))
        return tuple(found)

    def _document(self, name: str) -> dict[str, Any]:
        if not _NAME.match(name):
            raise FetchFailed(f"{name!r} is not an npm package name")
        url = self._registry.url + urllib.parse.quote(name, safe="@")
        response = self._http.get(url, self._registry, "application/json")
        try:
            document = json.loads(response.body)
        except (ValueError, UnicodeDecodeError) as err:
            raise FetchFailed(f"{url}: not JSON: {err}") from None
        if not isinstance(document, dict):
            raise FetchFailed(f"{url}: not a package document")
        return document


def _repository_url(value: object) -> str | None:
    raw = value.get("url") if isinstance(value, dict) else value
    if not isinstance(raw, str):
        return None
    if raw.startswith("github:") or re.match(r"^[\w.-]+/[\w.-]+$", raw):
        raw = "https://github.com/" + raw.removeprefix("github:")
    github = _GITHUB.match(raw)
    if github:
        return f"https://github.com/{github[1]}"
    url = raw.removeprefix("git+")
    return url if _SAFE_URL.match(url) else None


def _plain(failure: FetchFailed) -> str:
    if failure.status == 404:
        return "not found on this registry (HTTP 404)"
    return str(failure)
