from __future__ import annotations

import json
from datetime import UTC, datetime

from kairos_ci.tasks.deps.records import Package, RegistryFailure
from kairos_ci.tasks.deps.registry import open_registries
from kairos_ci.tasks.deps.registry.http import Http, endpoint
from kairos_ci.tasks.deps.registry.pypi import PyPI
from kairos_ci.tasks.deps.registry.simple import JSON_TYPE, normalise, version_of
from tests.tasks.deps.documents import Answer, Documents, json_answer, serve

SHA = "ab" * 32


def pep691(*files: dict[str, object]) -> bytes:
    return json.dumps(
        {
            "meta": {"api-version": "1.1"},
            "name": "demo-pkg",
            "files": list(files),
            "versions": sorted({str(f["filename"]).split("-")[1] for f in files}),
        }
    ).encode()


def file(name: str, when: str | None = None, **extra: object) -> dict[str, object]:
    entry: dict[str, object] = {
        "filename": name,
        "url": f"../../files/{name}",
        "hashes": {"sha256": SHA},
        "size": 10,
        **extra,
    }
    if when:
        entry["upload-time"] = when
    return entry


def client(index: Documents, path: str = "/simple/") -> PyPI:
    return PyPI(Http(), endpoint(index.url + path))


def test_pep691_json_gives_files_hashes_dates_and_yanks() -> None:
    with serve() as index:
        index.routes["/simple/demo-pkg/"] = json_answer(
            pep691(
                file("demo_pkg-1.0.0-py3-none-any.whl", "2026-01-01T10:00:00.123456Z"),
                file("demo_pkg-1.0.0.tar.gz", "2026-01-01T09:00:00Z"),
                file("demo_pkg-1.0.1-py3-none-any.whl", "2026-02-01T00:00:00Z", yanked="broken"),
                file("demo_pkg-1.1.0rc1-py3-none-any.whl", "2026-03-01T00:00:00Z"),
                file("other-9.0-py3-none-any.whl", "2026-03-01T00:00:00Z"),
            ),
            JSON_TYPE,
        )
        package = client(index).lookup("Demo.Pkg", "1.0.0")
    assert isinstance(package, Package)
    assert [r.version for r in package.releases] == ["1.0.0", "1.0.1", "1.1.0rc1"]
    first = package.releases[0]
    assert first.released == datetime(2026, 1, 1, 9, 0, tzinfo=UTC)
    assert [f.filename for f in first.files] == [
        "demo_pkg-1.0.0-py3-none-any.whl",
        "demo_pkg-1.0.0.tar.gz",
    ]
    assert first.files[0].url == f"{index.url}/files/demo_pkg-1.0.0-py3-none-any.whl"
    assert first.files[0].sha256 == SHA
    assert package.releases[1].yanked
    assert index.seen[0].accept is not None and index.seen[0].accept.startswith(JSON_TYPE)
    assert index.paths() == ["/simple/demo-pkg/"]  # every date was on the page


HTML = b"""<!DOCTYPE html><html><body>
<a href="/files/demo_pkg-1.0.0-py3-none-any.whl#sha256=%s">demo_pkg-1.0.0-py3-none-any.whl</a>
<a href="/files/demo-pkg-1.0.1.tar.gz#md5=00" data-yanked="">demo-pkg-1.0.1.tar.gz</a>
<a href="/files/demo_pkg-1.0.2-py3-none-any.whl">demo_pkg-1.0.2-py3-none-any.whl</a>
<a href="javascript:alert(1)">demo_pkg-1.0.3-py3-none-any.whl</a>
</body></html>""" % SHA.encode()


def test_pep503_html_is_the_fallback_and_last_modified_dates_newer_releases() -> None:
    with serve() as index:
        index.routes["/simple/demo-pkg/"] = Answer(200, HTML, (("Content-Type", "text/html"),))
        stamp = (("Last-Modified", "Sun, 01 Mar 2026 12:00:00 GMT"),)
        index.routes["/files/demo_pkg-1.0.2-py3-none-any.whl"] = Answer(200, b"", stamp)
        package = client(index).lookup("demo-pkg", "1.0.0")
    assert isinstance(package, Package)
    assert [r.version for r in package.releases] == ["1.0.0", "1.0.1", "1.0.2"]
    old, yanked, new = package.releases
    assert old.files[0].sha256 == SHA and old.released is None  # older than the pin: not dated
    assert yanked.yanked and yanked.files[0].sha256 is None  # md5 is not used
    assert new.released == datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    assert ("HEAD", "/files/demo_pkg-1.0.2-py3-none-any.whl") in [
        (s.method, s.path) for s in index.seen
    ]
    assert "/pypi/demo-pkg/json" in index.paths()  # tried first, 404 here


def test_json_api_dates_and_links_on_a_warehouse_style_index() -> None:
    api = {
        "info": {
            "project_urls": {
                "Homepage": "https://demo.example",
                "Changelog": "https://demo.example/changes",
                "Bad": "javascript:x",
                "Source Code": "https://github.com/demo/demo",
            },
            "home_page": None,
        },
        "releases": {"1.0.1": [{"upload_time_iso_8601": "2026-04-02T03:04:05.000000Z"}]},
    }
    with serve() as index:
        index.routes["/simple/demo-pkg/"] = Answer(
            200, HTML.replace(b"1.0.2", b"1.0.1"), (("Content-Type", "text/html"),)
        )
        index.routes["/pypi/demo-pkg/json"] = json_answer(json.dumps(api).encode())
        pypi = client(index)
        package = pypi.lookup("demo_pkg", "1.0.0")
        links = pypi.links("demo_pkg", "1.0.1")
    assert isinstance(package, Package)
    assert package.release("1.0.1") is not None
    assert package.release("1.0.1").released == datetime(2026, 4, 2, 3, 4, 5, tzinfo=UTC)  # type: ignore[union-attr]
    assert [(link.label, link.url) for link in links] == [
        ("Changelog", "https://demo.example/changes"),
        ("Source Code", "https://github.com/demo/demo"),
    ]


def test_a_500_becomes_a_failure_naming_the_registry() -> None:
    with serve() as index:
        index.routes["/simple/demo-pkg/"] = Answer(500, b"boom")
        result = client(index).lookup("demo-pkg", "1.0.0")
    assert isinstance(result, RegistryFailure)
    assert result.registry == f"{index.url}/simple/"
    assert "HTTP 500" in result.error
    assert str(result).startswith(f"{index.url}/simple/: demo-pkg:")


def test_an_unknown_package_and_an_unexpected_page_are_failures() -> None:
    with serve() as index:
        index.routes["/simple/weird/"] = Answer(200, b"{}", (("Content-Type", "text/plain"),))
        missing = client(index).lookup("absent", "1.0")
        weird = client(index).lookup("weird", "1.0")
    assert isinstance(missing, RegistryFailure) and "HTTP 404" in missing.error
    assert (
        isinstance(weird, RegistryFailure) and "unexpected content type 'text/plain'" in weird.error
    )


def test_pip_index_url_wins_and_its_credential_stays_out_of_reports() -> None:
    from kairos_ci.context import from_environ

    with serve() as index:
        index.routes["/simple/demo-pkg/"] = Answer(500)
        secret_url = index.url.replace("http://", "http://u:tok3n@") + "/simple"
        context = from_environ({"PIP_INDEX_URL": secret_url})
        registries = open_registries("https://unused.example/simple/", context.pip_index_url, None)
        result = registries.lookup("pypi", "demo-pkg", "1.0")
    assert isinstance(result, RegistryFailure)
    assert "tok3n" not in str(result) and result.registry == f"{index.url}/simple/"
    assert index.seen[0].authorization is not None
    assert registries.urls.pypi.reveal() == secret_url


def test_an_unusable_index_url_is_reported_on_lookup() -> None:
    registries = open_registries("ftp://mirror.example/simple", None, None)
    result = registries.lookup("pypi", "x", "1")
    assert isinstance(result, RegistryFailure) and "not an http(s) URL" in result.error


def test_versions_are_read_from_wheel_and_sdist_names() -> None:
    assert version_of("Demo_Pkg-2.0.1-py3-none-any.whl", "demo.pkg") == "2.0.1"
    assert version_of("demo-pkg-2.0.1.tar.gz", "demo_pkg") == "2.0.1"
    assert version_of("demo-pkg-extra-2.0.1.tar.gz", "demo-pkg") is None
    assert version_of("demo_pkg-2.0.1.exe", "demo-pkg") is None
    assert normalise("Foo.Bar__baz") == "foo-bar-baz"
