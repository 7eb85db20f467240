"""Defensive reading of numbers and text that reports carry as untrusted strings."""

from __future__ import annotations

import math


def seconds(raw: str | None) -> float | None:
    """A duration in seconds, or None when it is missing or makes no sense.

    Handles what real reports write: ``""``, ``"-345345"`` (None: negative), ``"0,288"``
    (comma decimal, read as 0.288, where junitparser reads 288), ``"1,234.5"`` (thousands
    separator), ``"3.5s"``.
    """
    if raw is None:
        return None
    try:  # the common case, fast: "0.123"
        value = float(raw)
    except ValueError:
        return _lenient_seconds(raw)
    return value if 0 <= value < math.inf else None


def _lenient_seconds(raw: str) -> float | None:
    text = raw.strip().removesuffix("s").strip()
    if not text:
        return None
    if "," in text:
        # "1,234.5": a thousands separator; "0,5": a decimal comma (no dot anywhere).
        text = text.replace(",", "") if "." in text else text.replace(",", ".", 1)
    try:
        value = float(text)
    except ValueError:
        return None
    if not math.isfinite(value) or value < 0:
        return None
    return value


def whole(raw: object, *, minimum: int = 0) -> int | None:
    """A non-negative integer from an attribute or JSON value, or None.

    Rejects bools, floats with a fraction, absurdly long digit strings (CPython raises
    on more than 4,300 digits) and anything below ``minimum``.
    """
    if isinstance(raw, bool):
        return None
    value: int
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, float):
        if not raw.is_integer():
            return None
        value = int(raw)
    elif isinstance(raw, str):
        text = raw.strip()
        if not text or len(text) > 18 or not text.lstrip("+-").isdigit():
            return None
        value = int(text)
    else:
        return None
    return value if value >= minimum else None


def clip(text: str | None, limit: int, total: int | None = None) -> str | None:
    """``text`` cut to ``limit`` characters, saying so; None stays None, blank becomes None.

    ``total`` is the real length when ``text`` is already a capped prefix of it.
    """
    if text is None:
        return None
    text = text.strip()
    if not text:
        return None
    size = max(total or 0, len(text))
    if size <= limit:
        return text
    return text[:limit] + f"… [cut at {limit:,} of {size:,} characters]"
