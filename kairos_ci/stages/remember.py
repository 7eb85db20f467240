"""The memory stages every pipeline shares: recall at the start, keep at the end."""

from __future__ import annotations

from kairos_ci.errors import GitError, MemoryError_
from kairos_ci.forge.port import Forge
from kairos_ci.memory.records import Journal, Memory
from kairos_ci.memory.store import MemoryStore
from kairos_ci.stages.reconcile import offline, reconcile
from kairos_ci.stages.state import Kept, Recalled

DRY_RUN = "not saved (dry run)"


def recall(store: MemoryStore, forge: Forge | None, label: str, at: str) -> Recalled:
    """Memory, reconciled with GitHub (or memory's own view, offline). A run that
    publishes needs it: an unreadable memory stops the run rather than repeat work."""
    loaded = store.load()
    known = offline(loaded.memory) if forge is None else reconcile(loaded.memory, forge, label, at)
    return Recalled(loaded.memory, known, loaded.notes, loaded.keyed)


def recall_or_forget(store: MemoryStore) -> Recalled:
    """Memory for a run that can do without it (a review, a chat command): unreadable
    memory is a note, and the run goes on as if for the first time."""
    try:
        loaded = store.load()
    except (MemoryError_, GitError) as err:
        fresh = Memory()
        why = f"could not be read ({err}): going on as if for the first time"
        return Recalled(fresh, offline(fresh), (why,))
    return Recalled(loaded.memory, offline(loaded.memory), loaded.notes, loaded.keyed)


def keep(store: MemoryStore, journal: Journal, why_not: str = "") -> Kept:
    """Save the run's journal, unless ``why_not`` says why this run may not."""
    if why_not:
        return Kept(f"memory: {why_not}")
    try:
        saved = store.save(journal)
    except (MemoryError_, GitError) as err:
        return Kept("memory: not saved", problem=f"memory: not saved: {err}")
    if not saved.changed:
        return Kept("memory: nothing new to save", saved)
    return Kept(f"memory: saved at {str(saved.commit)[:12]}", saved)
