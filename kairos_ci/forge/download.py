"""Fetching an artifact from its pre-signed storage URL, without the GitHub token."""

from __future__ import annotations

import json
import urllib.request
from typing import Any
from urllib.parse import urlsplit

from kairos_ci import __version__
from kairos_ci.errors import ForgeError, InputTooLarge
from kairos_ci.forge.failures import Unavailable


def fetch_without_token(location: str, max_bytes: int, what: str) -> bytes:
    """Storage URLs carry their own signature: the GitHub token must never travel there."""
    scheme = urlsplit(location).scheme
    if scheme not in ("http", "https"):
        raise ForgeError(f"{what}: refusing a redirect to a {scheme!r} URL")
    agent = {"User-Agent": f"kairos-ci/{__version__}"}
    request = urllib.request.Request(location, headers=agent)  # noqa: S310 - scheme checked
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310 - scheme checked
            data: bytes = answer.read(max_bytes + 1)
    except OSError as err:
        raise Unavailable(f"{what}: the storage host did not answer ({err})") from None
    if len(data) > max_bytes:
        raise InputTooLarge(f"{what}: larger than {max_bytes} bytes")
    return data


def json_object(text: str) -> dict[str, Any]:
    """An error body as a dict ({} when it is not a JSON object)."""
    try:
        data = json.loads(text) if text else {}
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}
