"""The planning prompts: package data (``kairos_ci/plan/prompts/*.md``), read by name.

Placeholders are ``$name`` (``string.Template``): braces stay literal and a missing value is
an error, not a silent gap.
"""

from __future__ import annotations

import string
from importlib import resources

PROMPT_NAMES = ("system", "design", "draft", "critic")


def prompt(name: str, **values: str) -> str:
    if name not in PROMPT_NAMES:
        raise ValueError(f"no planning prompt named {name!r}")
    text = resources.files("kairos_ci.plan").joinpath("prompts", f"{name}.md").read_text("utf-8")
    return string.Template(text).substitute(values)
