"""The memory stages every pipeline shares: recall at the start, keep at the end. The
nightly also recalls the coordinator's task boards, from the same fetch of the branch."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from kairos_ci.coordinator import codec
from kairos_ci.coordinator.records import Board
from kairos_ci.errors import GitError, InputError, MemoryError_
from kairos_ci.forge.port import Forge
from kairos_ci.memory.names import BOARD_DIR
from kairos_ci.memory.records import Journal, Memory
from kairos_ci.memory.store import CarriedFiles, Loaded, MemoryStore
from kairos_ci.stages.reconcile import offline, reconcile
from kairos_ci.stages.state import Kept, Recalled

DRY_RUN = "not saved (dry run)"


def recall(store: MemoryStore, forge: Forge | None, label: str, at: str) -> Recalled:
    """Memory, reconciled with GitHub (or memory's own view, offline). A run that
    publishes needs it: an unreadable memory stops the run rather than repeat work."""
    return _reconciled(store.load(), forge, label, at)


def recall_with_boards(
    store: MemoryStore, forge: Forge | None, label: str, at: str
) -> tuple[Recalled, Mapping[str, Board]]:
    """``recall``, and the coordinator's task boards by path, read from the same fetch of
    the branch. A board that does not read is a memory note, and is left out."""
    loaded, carried = store.load_carrying(BOARD_DIR, is_board_file)
    boards, notes = read_boards(carried)
    recalled = _reconciled(loaded, forge, label, at)
    new = tuple(note for note in notes if note not in recalled.notes)  # an untrusted tip
    return replace(recalled, notes=(*recalled.notes, *new)), boards


def every_board(store: MemoryStore) -> tuple[dict[str, Board], tuple[str, ...]]:
    """``read_boards`` of the branch's tip: every plan's board, for the track record."""
    return read_boards(store.carried_files(BOARD_DIR, is_board_file))


def read_boards(carried: CarriedFiles) -> tuple[dict[str, Board], tuple[str, ...]]:
    """Each board file that reads, by its path; for each that does not, why: skipped."""
    boards: dict[str, Board] = {}
    notes = list(carried.notes)
    for name, raw in sorted(carried.files.items()):
        path = f"{BOARD_DIR}/{name}"
        try:
            boards[path] = codec.loads(raw, path)
        except InputError as err:
            notes.append(f"{err}: skipped")
        except RecursionError:  # JSON nested deeper than Python's stack: no board either
            notes.append(f"{path}: nested too deeply to be a task board: skipped")
    return boards, tuple(notes)


def recall_or_forget(store: MemoryStore) -> Recalled:
    """Memory for a run that can do without it (a review, a chat command): unreadable
    memory is a note, and the run goes on as if for the first time."""
    try:
        loaded = store.load()
    except (MemoryError_, GitError) as err:
        return _forgotten(err)
    return Recalled(loaded.memory, offline(loaded.memory), loaded.notes, loaded.keyed)


def recall_or_forget_with_boards(store: MemoryStore) -> tuple[Recalled, dict[str, Board]]:
    """``recall_or_forget`` and every plan's board (``read_boards``), from one fetch of the
    branch: a worker needs both, its ledger and every board's track record."""
    try:
        loaded, carried = store.load_carrying(BOARD_DIR, is_board_file)
    except (MemoryError_, GitError) as err:
        return _forgotten(err), {}
    boards, _ = read_boards(carried)  # a board that does not read teaches nothing
    return Recalled(loaded.memory, offline(loaded.memory), loaded.notes, loaded.keyed), boards


def _forgotten(err: Exception) -> Recalled:
    fresh = Memory()
    why = f"could not be read ({err}): going on as if for the first time"
    return Recalled(fresh, offline(fresh), (why,))


def _reconciled(loaded: Loaded, forge: Forge | None, label: str, at: str) -> Recalled:
    known = offline(loaded.memory) if forge is None else reconcile(loaded.memory, forge, label, at)
    return Recalled(loaded.memory, known, loaded.notes, loaded.keyed)


def is_board_file(name: str) -> bool:
    """A board: ``board/<plan id>.json``, nothing deeper (``coordinator.store``)."""
    return name.endswith(".json") and "/" not in name


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
