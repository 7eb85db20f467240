"""Read a Simple Repository API project page: PEP 691 JSON or PEP 503 HTML.

Both become the same list of files. Index pages are untrusted input: a file
whose name does not belong to the project, or whose URL is not http(s), is
left out; nothing in the page is ever executed or followed blindly.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any

from kairos_ci.errors import InputError
from kairos_ci.tasks.deps.records import DistFile

JSON_TYPE = "application/vnd.pypi.simple.v1+json"
HTML_TYPES = ("text/html", "application/vnd.pypi.simple.v1+html")
ACCEPT = f"{JSON_TYPE}, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.1"
_SDIST_SUFFIXES = (".tar.gz", ".zip", ".tar.bz2", ".tar.xz", ".tgz", ".tar")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def normalise(name: str) -> str:
    """PEP 503 name normalisation."""
    return re.sub(r"[-_.]+", "-", name).lower()


def parse_page(body: bytes, media: str, base_url: str, project: str) -> list[DistFile]:
    """Files listed on a project page, by the page's media type."""
    if media == JSON_TYPE:
        return _from_json(body, base_url)
    if media in HTML_TYPES:
        return _from_html(body, base_url)
    raise InputError(f"{base_url}: unexpected content type {media or 'none'!r} for {project}")


def version_of(filename: str, project: str) -> str | None:
    """The version in a wheel or sdist filename of ``project``; None for other files."""
    key = normalise(project)
    if filename.endswith(".whl"):
        parts = filename[:-4].split("-")
        if len(parts) in (5, 6) and normalise(parts[0]) == key:
            return parts[1]
        return None
    stem = next((filename[: -len(s)] for s in _SDIST_SUFFIXES if filename.endswith(s)), None)
    if stem is None:
        return None
    for index, char in enumerate(stem):
        if char == "-" and normalise(stem[:index]) == key and stem[index + 1 :][:1].isdigit():
            return stem[index + 1 :]
    return None


def _from_json(body: bytes, base_url: str) -> list[DistFile]:
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError) as err:
        raise InputError(f"{base_url}: not JSON: {err}") from None
    files = document.get("files") if isinstance(document, dict) else None
    if not isinstance(files, list):
        raise InputError(f"{base_url}: PEP 691 page without a files list")
    found = []
    for item in files:
        if not isinstance(item, dict):
            continue
        entry = _json_file(item, base_url)
        if entry is not None:
            found.append(entry)
    return found


def _json_file(item: dict[str, Any], base_url: str) -> DistFile | None:
    filename, url = item.get("filename"), item.get("url")
    if not isinstance(filename, str) or not isinstance(url, str):
        return None
    absolute = _absolute(base_url, url)
    if absolute is None:
        return None
    hashes = item.get("hashes")
    sha = hashes.get("sha256") if isinstance(hashes, dict) else None
    yanked = item.get("yanked", False)
    return DistFile(
        filename=filename,
        url=absolute,
        sha256=sha.lower() if isinstance(sha, str) and _SHA256.match(sha.lower()) else None,
        uploaded=parse_time(item.get("upload-time")),
        yanked=bool(yanked) if isinstance(yanked, bool | str) else False,
    )


def _from_html(body: bytes, base_url: str) -> list[DistFile]:
    parser = _Anchors()
    parser.feed(body.decode("utf-8", "replace"))
    parser.close()
    found = []
    for href, text, yanked in parser.anchors:
        absolute = _absolute(parser.base or base_url, href)
        if absolute is None:
            continue
        fragment = urllib.parse.urlsplit(absolute).fragment
        algorithm, _, digest = fragment.partition("=")
        sha = digest.lower() if algorithm == "sha256" and _SHA256.match(digest.lower()) else None
        filename = text.strip() or urllib.parse.unquote(absolute.split("#")[0].rsplit("/", 1)[-1])
        found.append(DistFile(filename, absolute, sha, None, yanked))
    return found


class _Anchors(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.anchors: list[tuple[str, str, bool]] = []
        self.base: str | None = None
        self._open: tuple[str, bool] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "base" and values.get("href"):
            self.base = values["href"]
        elif tag == "a" and values.get("href"):
            self._open = (values["href"] or "", "data-yanked" in values)
            self._text = []

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._open is not None:
            href, yanked = self._open
            self.anchors.append((href, "".join(self._text), yanked))
            self._open = None


def parse_time(value: object) -> datetime | None:
    """An ISO 8601 time from a registry; None when absent or unreadable."""
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _absolute(base: str, href: str) -> str | None:
    url = urllib.parse.urljoin(base, href)
    return url if urllib.parse.urlsplit(url).scheme in ("http", "https") else None
