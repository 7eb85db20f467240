"""Outside text in a plan comment: shown as data, never as markup.

The goal comes from an issue and most of a plan from a model that read the repository, so
none of it may add boxes or hidden keys, mention people, reference issues, hide text in
HTML or break the table it sits in. On top of the dashboard's escaping (one line, no HTML,
no brackets, mentions in code spans) backticks are neutralised, so an unmatched one cannot
shield a mention, and issue references go into code spans.
"""

from __future__ import annotations

import re

from kairos_ci.dashboard.text import inline

_REFERENCE = re.compile(r"(?<!&)#(\d+)")


def plain(text: str, limit: int = 300) -> str:
    flat = inline(text.replace("`", "'"), limit)
    return _REFERENCE.sub(r"`#\1`", flat)


def plain_cell(text: str, limit: int = 200) -> str:
    return plain(text, limit).replace("|", "\\|")
