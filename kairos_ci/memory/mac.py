"""Which memory tip to trust: an HMAC-SHA256 of the commit's tree, keyed by a secret.

Anyone who can push the memory branch can also write kairos's committer name, so a
name proves nothing. A MAC does: without the key, nobody can make one for a new tree.
The MAC binds the tree's id, which names every path, mode and blob in it, so content
changed in any file is a new tree whose MAC the forger cannot compute. Binding the
parent would add nothing: an old kairos tip can be pushed back as it is (a replay,
see docs/memory.md). Without a key, the committer identity is all there is to check.
"""

from __future__ import annotations

import hashlib
import hmac
import re

from kairos_ci.context import Secret
from kairos_ci.git import IDENTITY_EMAIL, IDENTITY_NAME
from kairos_ci.memory.plumbing import CommitInfo

TRAILER = "Kairos-Memory-MAC"
_VERSION = "v1"
# Domain separation: the key may be reused elsewhere; this MAC means "a memory tree".
_DOMAIN = b"kairos-ci memory tree v1\0"
_TRAILER_LINE = re.compile(rf"^{TRAILER}: {_VERSION} ([0-9a-f]{{64}})$", re.MULTILINE)
_IDENTITY = f"{IDENTITY_NAME} <{IDENTITY_EMAIL}>"
UNAUTHENTICATED = (
    "memory is not authenticated: set the memory-key input (a repository secret) "
    "so a forged tip is refused"
)


def tree_mac(key: Secret, tree: str) -> str:
    """The hex HMAC-SHA256 of ``tree`` (a tree id) under ``key``."""
    return hmac.new(key.reveal().encode(), _DOMAIN + tree.encode(), hashlib.sha256).hexdigest()


def signed(message: str, tree: str, key: Secret | None) -> str:
    """``message`` with the MAC trailer for ``tree``; unchanged without a key."""
    if key is None:
        return message
    return f"{message}\n\n{TRAILER}: {_VERSION} {tree_mac(key, tree)}"


def refusal(commit: CommitInfo, key: Secret | None) -> str | None:
    """Why ``commit`` must not be trusted, or None when it may be."""
    if key is None:
        return _identity_refusal(commit)
    expected = tree_mac(key, commit.tree)
    claimed = _TRAILER_LINE.findall(commit.message)
    if any(hmac.compare_digest(expected, mac) for mac in claimed):
        return None
    return (
        f"memory tip {commit.sha[:12]} does not carry this repository's memory MAC "
        "(committed under kairos's name by someone else, or before the key was set): "
        "started fresh; the old tip stays in history"
    )


def _identity_refusal(commit: CommitInfo) -> str | None:
    if commit.committer == _IDENTITY:
        return None
    return (
        f"memory commit {commit.sha[:12]} was made by "
        f"{commit.committer or 'an unknown committer'}, "
        "not by kairos-ci: ignored it and started from fresh memory"
    )
