"""Making outside text safe to put in the dashboard: it is data, never markup.

Test ids, PR titles and reasons come from the repository and its contributors. They
must not add checkboxes or hidden keys, mention people, hide text in HTML, or break
the tables they sit in (SECURITY.md OUT-01, OUT-04).
"""

from __future__ import annotations

import re

_MENTION = re.compile(r"(?<![\w`])@([A-Za-z0-9][A-Za-z0-9-]*(?:/[A-Za-z0-9_.-]+)?)")
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def inline(text: str, limit: int = 300) -> str:
    """One line of plain text: no HTML, no mentions, no box syntax, bounded."""
    flat = " ".join(_INVISIBLE.sub("", text).split())
    flat = flat.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    flat = flat.replace("[", "&#91;").replace("]", "&#93;")
    flat = _MENTION.sub(r"`@\1`", flat)
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def cell(text: str, limit: int = 200) -> str:
    return inline(text, limit).replace("|", "\\|")
