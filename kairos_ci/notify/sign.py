"""HMAC-SHA256 over the exact body bytes, in the header a receiver checks."""

from __future__ import annotations

import hashlib
import hmac

from kairos_ci.context import Secret

HEADER = "X-Kairos-Signature"
PREFIX = "sha256="


def signature(key: Secret, body: bytes) -> str:
    """``sha256=<hex>``, as GitHub signs its own webhooks."""
    digest = hmac.new(key.reveal().encode("utf-8"), body, hashlib.sha256).hexdigest()
    return PREFIX + digest


def verify(key: Secret, body: bytes, header: str) -> bool:
    """What a receiver does: recompute over the bytes it got, compare in constant time."""
    return hmac.compare_digest(signature(key, body).encode(), header.strip().encode())
