"""Forge errors beyond the shared tree: they decide whether a retry can help.

Both are ``ForgeError``s, so callers that only care that GitHub said no still see one.
"""

from __future__ import annotations

from typing import Any

from kairos_ci.errors import Forbidden, ForgeError, NotFound, RateLimited


class Unavailable(ForgeError):
    """No usable answer (5xx, timeout, dropped connection). A write may have landed."""


class Rejected(ForgeError):
    """GitHub refused the request as invalid (400/422). The same request will fail again."""


_RATE_MESSAGES = ("api rate limit exceeded", "you have exceeded a secondary rate limit")


def classify(
    what: str, status: int, message: str, data: dict[str, Any], headers: dict[str, str], now: float
) -> ForgeError:
    """The kairos error for one GitHub error answer (headers with lower-case names)."""
    limited = "retry-after" in headers or headers.get("x-ratelimit-remaining") == "0"
    if status in (403, 429) and (limited or message.lower().startswith(_RATE_MESSAGES)):
        return RateLimited(f"{what}: {message}", retry_wait(headers, now))
    if status == 401:
        return Forbidden(f"{what}: GitHub rejected the token ({message})")
    if status == 403:
        return Forbidden(f"{what}: {message}; the token may lack a permission")
    if status in (404, 410):
        return NotFound(f"{what}: {message}")
    if status in (400, 422):
        return Rejected(f"{what}: {message}{_details(data)}")
    if status >= 500:
        return Unavailable(f"{what}: GitHub answered {status} {message}")
    return ForgeError(f"{what}: GitHub answered {status} {message}")


def retry_wait(headers: dict[str, str], now: float) -> float | None:
    """Retry-After first, then the reset time, else None (the caller backs off)."""
    try:
        if "retry-after" in headers:
            return max(float(headers["retry-after"]), 0.0)
        if headers.get("x-ratelimit-remaining") == "0" and "x-ratelimit-reset" in headers:
            return max(float(headers["x-ratelimit-reset"]) - now + 1, 0.0)
    except ValueError:
        return None
    return None


def _details(data: dict[str, Any]) -> str:
    parts = []
    for error in data.get("errors") or []:
        if isinstance(error, dict):
            fields = (str(error[k]) for k in ("resource", "field", "code") if k in error)
            parts.append(str(error.get("message") or " ".join(fields)))
        else:
            parts.append(str(error))
    return f" ({'; '.join(parts)[:500]})" if parts else ""
