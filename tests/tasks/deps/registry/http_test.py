from __future__ import annotations

import base64
import socket

import pytest

from kairos_ci.tasks.deps.registry.http import GIVE_UP_AFTER, FetchFailed, Http, endpoint
from tests.tasks.deps.documents import Answer, json_answer, serve

BASIC = "Basic " + base64.b64encode(b"user:s3cr:et").decode()


def test_credentials_are_split_from_the_url() -> None:
    parsed = endpoint("https://user:s3cr%3Aet@pypi.example:8443/simple")
    assert parsed.url == "https://pypi.example:8443/simple/"
    assert parsed.auth is not None and parsed.auth.reveal() == BASIC
    assert "s3cr" not in repr(parsed)


def test_a_non_http_url_is_refused_without_echoing_credentials() -> None:
    with pytest.raises(FetchFailed) as caught:
        endpoint("file://user:token@/etc/passwd")
    assert "token" not in str(caught.value)


def test_the_credential_goes_to_the_index_origin_only() -> None:
    with serve() as files, serve() as index:
        index.routes["/simple/a/"] = Answer(302, headers=(("Location", f"{files.url}/a/"),))
        files.routes["/a/"] = json_answer(b"{}")
        via = endpoint(index.url.replace("http://", "http://user:s3cr%3Aet@") + "/simple/")
        response = Http().get(f"{index.url}/simple/a/", via, "application/json")
        assert response.url == f"{files.url}/a/"
        assert index.seen[0].authorization == BASIC
        assert files.seen[0].authorization is None


def test_userinfo_in_a_link_is_dropped_before_the_request() -> None:
    with serve() as index:
        index.routes["/f"] = Answer(200, b"x")
        via = endpoint(index.url + "/simple/")
        link = index.url.replace("http://", "http://evil:leak@") + "/f"
        assert Http().get(link, via, "*/*").body == b"x"
        assert index.seen[0].authorization is None


def test_answers_and_failures_are_cached_for_the_run() -> None:
    with serve() as index:
        index.routes["/ok"] = json_answer(b"[]")
        via, http = endpoint(index.url), Http()
        for _ in range(3):
            http.get(f"{index.url}/ok", via, "application/json")
            with pytest.raises(FetchFailed):
                http.get(f"{index.url}/missing", via, "application/json")
        assert index.paths() == ["/ok", "/missing"]


def test_404_carries_its_status() -> None:
    with serve() as index, pytest.raises(FetchFailed) as caught:
        Http().get(f"{index.url}/nope", endpoint(index.url), "*/*")
    assert caught.value.status == 404


def test_a_failing_host_is_given_up_on_after_a_few_tries() -> None:
    with serve() as index:
        for n in range(10):
            index.routes[f"/p{n}"] = Answer(503, b"down")
        http, via = Http(), endpoint(index.url)
        errors = []
        for n in range(10):
            with pytest.raises(FetchFailed) as caught:
                http.get(f"{index.url}/p{n}", via, "*/*")
            errors.append(str(caught.value))
        assert len(index.seen) == GIVE_UP_AFTER
        assert errors[-1].endswith(f"not tried: the host failed {GIVE_UP_AFTER} times (HTTP 503)")


def test_a_refused_connection_is_reported() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(FetchFailed, match="cannot connect"):
        Http().get(f"http://127.0.0.1:{port}/simple/", endpoint(f"http://127.0.0.1:{port}"), "*/*")


def test_a_slow_answer_times_out() -> None:
    with serve() as index:
        index.routes["/slow"] = Answer(200, b"late", delay_s=1.0)
        with pytest.raises(FetchFailed, match="timed out"):
            Http(timeout_s=0.2).get(f"{index.url}/slow", endpoint(index.url), "*/*")


def test_answers_are_bounded() -> None:
    with serve() as index:
        index.routes["/big"] = Answer(200, b"x" * 5000)
        with pytest.raises(FetchFailed, match="more than 1000"):
            Http(max_bytes=1000).get(f"{index.url}/big", endpoint(index.url), "*/*")


def test_redirect_loops_end() -> None:
    with serve() as index:
        index.routes["/loop"] = Answer(302, headers=(("Location", "/loop"),))
        with pytest.raises(FetchFailed, match="redirects"):
            Http().get(f"{index.url}/loop", endpoint(index.url), "*/*")


def test_a_redirect_to_another_scheme_is_refused() -> None:
    with serve() as index:
        index.routes["/x"] = Answer(302, headers=(("Location", "file:///etc/passwd"),))
        with pytest.raises(FetchFailed, match="not an http"):
            Http().get(f"{index.url}/x", endpoint(index.url), "*/*")


def test_head_reads_last_modified() -> None:
    with serve() as index:
        stamp = "Wed, 21 Oct 2026 07:28:00 GMT"
        index.routes["/f.whl"] = Answer(200, b"zip", (("Last-Modified", stamp),))
        response = Http().head(f"{index.url}/f.whl", endpoint(index.url))
        assert response.last_modified is not None
        assert response.last_modified.isoformat() == "2026-10-21T07:28:00+00:00"
        assert index.seen[0].method == "HEAD"
