"""Keep what kairos writes well under what a run will read (``caps``).

Compaction encodes the snapshot; while it is over ``MemoryLimits.snapshot_bytes`` (or
names more points than the schema allows), the bounds on bulk records are halved and
memory is cut to them, newest kept. Memory kairos wrote is therefore never refused
by the next load, and a repository with long test ids keeps fewer of them instead
of failing every night.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from kairos_ci.memory import caps
from kairos_ci.memory.codec import Doc, dumps
from kairos_ci.memory.fold import bound
from kairos_ci.memory.records import Memory, MemoryLimits

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Fitted:
    memory: Memory
    raw: bytes  # the snapshot file's bytes
    limits: MemoryLimits  # the bounds it was cut to (the given ones when it fitted at once)


def fit(memory: Memory, limits: MemoryLimits, encode: Callable[[Memory], Doc]) -> Fitted:
    """``memory`` encoded, cut until it is within budget (or nothing is left to cut)."""
    doc = encode(memory)
    raw = dumps(doc)
    start = limits
    while _over(doc, raw, limits):
        smaller = limits.halved()
        if smaller == limits:
            break
        limits = smaller
        memory = bound(memory, limits)
        doc = encode(memory)
        raw = dumps(doc)
    if limits != start:
        _log.warning(
            "memory snapshot over its %d-byte budget: kept %d tests and %d outcomes each",
            start.snapshot_bytes,
            len(memory.tests),
            limits.history_per_test,
        )
    return Fitted(memory, raw, limits)


def _over(doc: Doc, raw: bytes, limits: MemoryLimits) -> bool:
    return len(raw) > limits.snapshot_bytes or len(doc["points"]) > caps.MAX_POINTS
