"""Prompts are package data (``kairos_ci/agent/prompts/*.md``), read explicitly by name.

Placeholders are ``$name`` (``string.Template``), so braces in prompts stay literal and
a missing value is an error, not a silent gap.
"""

from __future__ import annotations

import string
from importlib import resources

PROMPT_NAMES = ("system", "fix_tests", "triage", "step_system", "plan_step")


def render(name: str, **values: str) -> str:
    if name not in PROMPT_NAMES:
        raise ValueError(f"no prompt named {name!r}")
    text = resources.files("kairos_ci.agent").joinpath("prompts", f"{name}.md").read_text("utf-8")
    return string.Template(text).substitute(values)
