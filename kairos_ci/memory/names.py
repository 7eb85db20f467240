"""Journal file names: time first (so name order is time order), then run, then content hash.

The hash makes the name unique per content, so saving the same journal twice
(a retry after a push whose answer was lost) folds it only once.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime

from kairos_ci.clock import from_iso

JOURNAL_DIR = "journal"
# Folders memory carries through every save and never reads as memory: plans and their
# checkpoints (``plan.remembered``), and the coordinator's task boards (``coordinator``).
PLANS_DIR = "plans"
BOARD_DIR = "board"
CARRIED_DIRS = (PLANS_DIR, BOARD_DIR)
JOURNAL_NAME = re.compile(r"^[0-9]{8}T[0-9]{6}Z-[A-Za-z0-9._-]{1,40}-[0-9a-f]{12}\.json$")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
# Same rule as the config's memory.branch: no refspec or option tricks (":", "+", "-x").
BRANCH_NAME = re.compile(r"^(?!/)(?!-)(?!.*\.\.)(?!.*//)[A-Za-z0-9._/-]+(?<!/)(?<!\.lock)$")


def journal_name(run_at: str, run_id: str, content: bytes) -> str:
    """``20261127T030000Z-<run id>-<12 hex>.json``; ``run_at`` must be a valid timestamp."""
    stamp = from_iso(run_at).strftime("%Y%m%dT%H%M%SZ")
    safe_run = _UNSAFE.sub("_", run_id)[:40] or "run"
    digest = hashlib.sha256(content).hexdigest()[:12]
    return f"{stamp}-{safe_run}-{digest}.json"


def journal_time(name: str) -> datetime:
    return datetime.strptime(name[:16], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
