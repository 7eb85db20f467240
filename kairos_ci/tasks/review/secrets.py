"""Likely secrets on added lines: token shapes, private keys, high-entropy assignments.

A comment names the kind of secret and the line, never the value: the review is
public, and the point is to get the value out of the repository.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator

from kairos_ci.agent.redact import TOKEN_SHAPES
from kairos_ci.forge.markers import fingerprint
from kairos_ci.tasks.review.lines import Added
from kairos_ci.tasks.review.records import ReviewFinding, Source

RULE = "kairos/likely-secret"
_SHAPES = re.compile("|".join(f"(?:{shape})" for shape in TOKEN_SHAPES))
_ASSIGNED = re.compile(
    r"(?i)(?P<name>[a-z0-9_.-]*(?:secret|token|passw(?:or)?d|pwd|api[_-]?key|access[_-]?key"
    r"|private[_-]?key|auth[_-]?key|credential)[a-z0-9_.-]*)[\"']?\s*(?::=|=>|=|:)\s*"
    r"[\"'](?P<value>[^\"'\s]{16,200})[\"']"
)
_PLACEHOLDER = re.compile(
    r"(?i)example|sample|dummy|placeholder|changeme|change_me|your[_-]|xxxx|\*\*\*|<|\$\{|\{\{|%\("
)
_KINDS = (
    ("github_pat_", "GitHub token"),
    ("gh", "GitHub token"),
    ("sk-ant-", "Anthropic API key"),
    ("AKIA", "AWS access key id"),
    ("ASIA", "AWS access key id"),
    ("xox", "Slack token"),
    ("eyJ", "JSON Web Token"),
    ("-----BEGIN", "private key"),
)
_LOCK_FILES = ("package-lock.json", "yarn.lock", "pnpm-lock.yaml", "poetry.lock", "uv.lock")
MIN_ENTROPY = 3.5  # bits per character; random tokens score 4 and more, words about 3


def find_secrets(lines: Iterable[Added]) -> Iterator[ReviewFinding]:
    for added in lines:
        found = _shape(added) or _assignment(added)
        if found is not None:
            kind, value = found
            yield _finding(added, kind, value)


def _shape(added: Added) -> tuple[str, str] | None:
    match = _SHAPES.search(added.text)
    if match is None:
        return None
    value = match.group(0)
    kind = next((name for prefix, name in _KINDS if value.startswith(prefix)), "token")
    return kind, value


def _assignment(added: Added) -> tuple[str, str] | None:
    if added.path.rsplit("/", 1)[-1] in _LOCK_FILES:
        return None  # integrity hashes are high-entropy by design
    for match in _ASSIGNED.finditer(added.text):
        value = match.group("value")
        if _PLACEHOLDER.search(value) or entropy(value) < MIN_ENTROPY:
            continue
        return f"high-entropy value assigned to `{_name(match.group('name'))}`", value
    return None


def entropy(text: str) -> float:
    """Shannon entropy in bits per character."""
    counts = Counter(text)
    total = len(text)
    return -sum(n / total * math.log2(n / total) for n in counts.values())


def _name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "", name)[:60]


def _finding(added: Added, kind: str, value: str) -> ReviewFinding:
    # The value's digest keeps two secrets in one file apart; the value itself never
    # leaves this function.
    digest = hashlib.sha256(value.encode()).hexdigest()
    detail = (
        f"**Likely secret** ({kind}) added on this line. Remove it and rotate it: once "
        "pushed, it stays in the git history for everyone who can read the repository. "
        "Read it from a secret store or an environment variable instead."
    )
    return ReviewFinding(
        source=Source.SECRET,
        rule=RULE,
        path=added.path,
        line=added.line,
        title=f"likely secret ({kind})",
        detail=detail,
        fingerprint=fingerprint(RULE, added.path, digest, prefix="secret"),
        severity=0,
    )
