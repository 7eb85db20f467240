from __future__ import annotations

import json
from datetime import UTC, datetime

from kairos_ci.tasks.deps.records import Package, RegistryFailure
from kairos_ci.tasks.deps.registry.http import Http, endpoint
from kairos_ci.tasks.deps.registry.npm import Npm
from tests.tasks.deps.documents import Answer, json_answer, serve

# Shaped like a full registry document (GET /<name> with Accept: application/json).
DOCUMENT = {
    "_id": "@scope/left",
    "name": "@scope/left",
    "dist-tags": {"latest": "1.2.4"},
    "versions": {
        "1.2.3": {"name": "@scope/left", "version": "1.2.3", "dist": {"tarball": "x"}},
        "1.2.4": {"name": "@scope/left", "version": "1.2.4"},
        "1.2.5": {"name": "@scope/left", "version": "1.2.5", "deprecated": "broken, use 1.2.6"},
        "1.3.0-beta.1": {"name": "@scope/left", "version": "1.3.0-beta.1"},
        "not-a-version": {},
    },
    "time": {
        "created": "2025-01-01T00:00:00.000Z",
        "modified": "2026-05-01T00:00:00.000Z",
        "1.2.3": "2025-01-01T00:00:00.000Z",
        "1.2.4": "2026-04-30T12:00:00.000Z",
    },
    "repository": {"type": "git", "url": "git+https://github.com/scope/left.git"},
    "homepage": "https://left.example/",
}


def test_a_scoped_package_document_gives_versions_times_and_deprecations() -> None:
    with serve() as registry:
        registry.routes["/@scope%2Fleft"] = json_answer(json.dumps(DOCUMENT).encode())
        npm = Npm(Http(), endpoint(registry.url))
        package = npm.lookup("@scope/left", "1.2.3")
        links = npm.links("@scope/left", "1.2.4")
    assert isinstance(package, Package)
    assert [r.version for r in package.releases] == ["1.2.3", "1.2.4", "1.2.5", "1.3.0-beta.1"]
    assert package.release("1.2.4").released == datetime(2026, 4, 30, 12, tzinfo=UTC)  # type: ignore[union-attr]
    assert package.release("1.2.5").yanked  # type: ignore[union-attr]
    assert registry.seen[0].accept == "application/json"
    assert len(registry.seen) == 1  # links came from the cached document
    assert [(link.label, link.url) for link in links] == [
        ("Releases", "https://github.com/scope/left/releases"),
        ("Homepage", "https://left.example/"),
    ]


def test_registry_errors_are_failures() -> None:
    with serve() as registry:
        registry.routes["/down"] = Answer(502, b"bad gateway")
        registry.routes["/garbled"] = json_answer(b"{not json")
        npm = Npm(Http(), endpoint(registry.url))
        down, garbled, missing = (npm.lookup(n, "1.0.0") for n in ("down", "garbled", "absent"))
        bad_name = npm.lookup("../../etc", "1.0.0")
    assert isinstance(down, RegistryFailure) and "HTTP 502" in down.error
    assert isinstance(garbled, RegistryFailure) and "not JSON" in garbled.error
    assert isinstance(missing, RegistryFailure) and "HTTP 404" in missing.error
    assert isinstance(bad_name, RegistryFailure) and "not an npm package name" in bad_name.error
    assert all(f.registry == registry.url + "/" for f in (down, garbled, missing))
