"""HTTP for registries: bounded, timed, cached for one run, credentials only for their origin.

urllib would follow redirects itself and carry headers along; here redirects are
followed by hand, so the Authorization header goes to the registry's own origin
(scheme, host, port) and nowhere else. A host that keeps failing is given up on
for the rest of the run, so an outage costs a few timeouts, not one per package.
"""

from __future__ import annotations

import base64
import http.client
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import Message
from email.utils import parsedate_to_datetime
from typing import IO

from kairos_ci.context import Secret
from kairos_ci.errors import KairosError

TIMEOUT_S = 20.0
MAX_BODY_BYTES = 64 * 1024 * 1024  # npm documents of big packages run to tens of MiB
MAX_REDIRECTS = 5
GIVE_UP_AFTER = 3  # consecutive transport failures or 5xx before a host counts as down
_REDIRECTS = (301, 302, 303, 307, 308)
_DEFAULT_PORTS = {"http": 80, "https": 443}


class FetchFailed(KairosError):
    """A registry gave no usable answer. ``str()`` names the URL (never credentials)."""

    def __init__(self, message: str, status: int | None = None) -> None:
        self.status = status
        super().__init__(message)


@dataclass(frozen=True)
class Endpoint:
    """A registry's base URL (ending in ``/``, no credentials) and its credential, if any."""

    url: str
    auth: Secret | None = field(default=None, repr=False)  # an Authorization header value


@dataclass(frozen=True)
class RegistryResponse:
    url: str  # after redirects
    status: int
    content_type: str  # media type, lowercased, without parameters
    last_modified: datetime | None
    body: bytes


def endpoint(text: str) -> Endpoint:
    """Split ``https://user:token@host/simple`` into a clean base URL and a Basic credential."""
    parts = urllib.parse.urlsplit(text.strip())
    if parts.scheme not in _DEFAULT_PORTS or not parts.hostname:
        raise FetchFailed(f"{_without_userinfo(text)}: not an http(s) URL")
    auth = None
    if parts.username or parts.password:
        user = urllib.parse.unquote(parts.username or "")
        password = urllib.parse.unquote(parts.password or "")
        token = base64.b64encode(f"{user}:{password}".encode()).decode()
        auth = Secret(f"Basic {token}")
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    host = parts.netloc.rpartition("@")[2]
    return Endpoint(urllib.parse.urlunsplit((parts.scheme, host, path, "", "")), auth)


class Http:
    """One run's registry HTTP: answers (and failures) are cached by method, URL and Accept."""

    def __init__(self, timeout_s: float = TIMEOUT_S, max_bytes: int = MAX_BODY_BYTES) -> None:
        self._timeout_s = timeout_s
        self._max_bytes = max_bytes
        self._cache: dict[tuple[str, str, str], RegistryResponse | FetchFailed] = {}
        self._failures: dict[str, tuple[int, str]] = {}
        self._opener = urllib.request.build_opener(_NoRedirects())

    def get(self, url: str, via: Endpoint, accept: str) -> RegistryResponse:
        return self._cached("GET", url, via, accept)

    def head(self, url: str, via: Endpoint) -> RegistryResponse:
        return self._cached("HEAD", url, via, "*/*")

    def _cached(self, method: str, url: str, via: Endpoint, accept: str) -> RegistryResponse:
        key = (method, url, accept)
        known = self._cache.get(key)
        if isinstance(known, FetchFailed):
            raise known
        if known is not None:
            return known
        try:
            response = self._follow(method, _without_userinfo(url), via, accept)
        except FetchFailed as failure:
            self._cache[key] = failure
            raise
        self._cache[key] = response
        return response

    def _follow(self, method: str, url: str, via: Endpoint, accept: str) -> RegistryResponse:
        for _ in range(MAX_REDIRECTS + 1):
            status, headers, body = self._once(method, url, via, accept)
            if status not in _REDIRECTS:
                if status >= 400:
                    raise FetchFailed(f"{url}: HTTP {status}", status)
                return _response(url, status, headers, body)
            location = headers.get("location")
            if not location:
                raise FetchFailed(f"{url}: HTTP {status} without a Location")
            url = _without_userinfo(urllib.parse.urljoin(url, location))
        raise FetchFailed(f"{url}: more than {MAX_REDIRECTS} redirects")

    def _once(
        self, method: str, url: str, via: Endpoint, accept: str
    ) -> tuple[int, Mapping[str, str], bytes]:
        origin = _origin(url)
        if origin is None:
            raise FetchFailed(f"{url}: not an http(s) URL")
        count, last = self._failures.get(origin, (0, ""))
        if count >= GIVE_UP_AFTER:
            raise FetchFailed(f"{url}: not tried: the host failed {count} times ({last})")
        # The scheme is checked by _origin above: only http and https get here.
        request = urllib.request.Request(  # noqa: S310
            url, method=method, headers={"Accept": accept, "User-Agent": "kairos-ci"}
        )
        if via.auth is not None and origin == _origin(via.url):
            request.add_unredirected_header("Authorization", via.auth.reveal())
        try:
            status, headers, body = self._open(request, method)
        except FetchFailed as failure:
            self._failures[origin] = (count + 1, str(failure).split(": ", 1)[-1])
            raise
        self._failures[origin] = (count + 1, f"HTTP {status}") if status >= 500 else (0, "")
        return status, headers, body

    def _open(
        self, request: urllib.request.Request, method: str
    ) -> tuple[int, Mapping[str, str], bytes]:
        url = request.full_url
        try:
            with self._opener.open(request, timeout=self._timeout_s) as handle:
                headers = _headers(handle.headers)
                body = self._read(url, handle, headers) if method == "GET" else b""
                return handle.status, headers, body
        except urllib.error.HTTPError as err:
            with err:
                return err.code, _headers(err.headers), b""
        except urllib.error.URLError as err:
            raise FetchFailed(f"{url}: cannot connect: {_reason(err.reason)}") from None
        except TimeoutError:
            raise FetchFailed(f"{url}: timed out after {self._timeout_s:.0f}s") from None
        except (OSError, http.client.HTTPException) as err:
            raise FetchFailed(f"{url}: {_reason(err)}") from None

    def _read(self, url: str, handle: IO[bytes], headers: Mapping[str, str]) -> bytes:
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self._max_bytes:
            raise FetchFailed(f"{url}: {int(declared)} bytes is more than {self._max_bytes}")
        body = handle.read(self._max_bytes + 1)
        if len(body) > self._max_bytes:
            raise FetchFailed(f"{url}: the answer is larger than {self._max_bytes} bytes")
        return body


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None  # the 3xx surfaces as an HTTPError and Http._follow decides


def _response(url: str, status: int, headers: Mapping[str, str], body: bytes) -> RegistryResponse:
    media = headers.get("content-type", "").split(";", 1)[0].strip().lower()
    return RegistryResponse(url, status, media, _http_date(headers.get("last-modified")), body)


def _headers(message: Message | None) -> dict[str, str]:
    return {k.lower(): v for k, v in (message.items() if message is not None else [])}


def _http_date(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _origin(url: str) -> str | None:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in _DEFAULT_PORTS or not parts.hostname:
        return None
    try:
        port = parts.port or _DEFAULT_PORTS[parts.scheme]
    except ValueError:
        return None
    return f"{parts.scheme}://{parts.hostname.lower()}:{port}"


def _without_userinfo(url: str) -> str:
    parts = urllib.parse.urlsplit(url.strip())
    host = parts.netloc.rpartition("@")[2]
    return urllib.parse.urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))


def _reason(reason: object) -> str:
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror
    return str(reason) or type(reason).__name__
