"""Read the branch tip: the only commit memory ever reads (history is never walked).

A broken file, or one over its cap (``caps``), is reported in ``notes`` and left out
while the others still count; an untrusted tip is ignored wholesale. Whatever is left
out is gone from the next commit, so the run after starts afresh there; the old tip
stays in the history. A file from a newer kairos raises ``MemoryTooNew`` so that
nothing overwrites it.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace

from kairos_ci.context import Secret
from kairos_ci.errors import MemoryCorrupt
from kairos_ci.git import Git
from kairos_ci.memory import caps, codec
from kairos_ci.memory.documents import Checker, read
from kairos_ci.memory.fold import fold
from kairos_ci.memory.mac import refusal
from kairos_ci.memory.names import CARRIED_DIRS, JOURNAL_DIR, JOURNAL_NAME, journal_time
from kairos_ci.memory.plumbing import CommitInfo, TreeEntry, list_tree, read_blobs
from kairos_ci.memory.records import Journal, Lease, Memory, MemoryLimits

SNAPSHOT = "snapshot.json"
LEASES = "leases.json"
SUMMARY = "MEMORY.md"
MAX_BYTES = {
    SNAPSHOT: caps.SNAPSHOT_BYTES,
    LEASES: caps.LEASES_BYTES,
    JOURNAL_DIR: caps.JOURNAL_BYTES,
}


@dataclass(frozen=True)
class UnreadableMemoryFile:
    reason: str


@dataclass(frozen=True)
class OlderSnapshot:
    """A snapshot an older kairos wrote, migrated on read: the next save rewrites it in
    the current version, so later loads skip the migration and its full validation."""

    memory: Memory


Parsed = Memory | OlderSnapshot | Journal | dict[str, Lease] | UnreadableMemoryFile
Cache = dict[tuple[str, str], Parsed]
CacheEntry = tuple[tuple[str, str], Parsed]


@dataclass(frozen=True)
class JournalFile:
    name: str
    blob: str
    journal: Journal
    size: int = 0  # bytes of the file


@dataclass(frozen=True)
class Tip:
    """What the tip holds. ``memory`` is what a run uses: snapshot + journals + leases."""

    commit: str | None = None
    tree: str | None = None
    snapshot: Memory = field(default_factory=Memory)
    snapshot_blob: str | None = None  # set when the stored snapshot is valid, current, reusable
    journals: tuple[JournalFile, ...] = ()
    leases: Mapping[str, Lease] = field(default_factory=dict)
    leases_blob: str | None = None
    carried: tuple[TreeEntry, ...] = ()  # files in ``CARRIED_DIRS``: listed, never parsed
    notes: tuple[str, ...] = ()
    memory: Memory = field(default_factory=Memory)


def read_tip(
    git: Git,
    commit: CommitInfo | None,
    check: Checker,
    limits: MemoryLimits,
    cache: Cache | None = None,
    *,
    key: Secret | None,
    strict: bool = False,
) -> Tip:
    """Read ``commit``; ``cache`` ((path, blob) -> parsed) spares re-parsing on a CAS retry.
    ``key`` decides trust (see ``mac``): an untrusted tip is a note and fresh memory.
    ``strict`` validates every file with jsonschema, not only migrated ones."""
    if commit is None:
        return Tip()
    untrusted = refusal(commit, key)
    if untrusted is not None:
        return Tip(commit=commit.sha, notes=(untrusted,))
    entries = list_tree(git, commit.tree)
    notes: list[str] = []
    cache = {} if cache is None else cache
    wanted = _wanted(entries, notes)
    keep = {(entry.path, entry.blob) for entry in wanted} | {_folded_key(wanted)}
    for stale in cache.keys() - keep:
        del cache[stale]  # only the files of the newest tip are worth keeping
    with no_cycle_collection():
        unread = [entry for entry in wanted if (entry.path, entry.blob) not in cache]
        cache.update(_read(git, unread, check, strict))
        tip = _assembled(commit, entries, wanted, cache, notes, limits)
    return replace(tip, carried=tuple(e for e in entries if is_carried(e.path)))


def is_carried(path: str) -> bool:
    return path.partition("/")[0] in CARRIED_DIRS and "/" in path


def _read(git: Git, unread: list[TreeEntry], check: Checker, strict: bool) -> Iterator[CacheEntry]:
    """Each file parsed, by (path, blob), each before the next is read (``read_blobs``): a
    large tip never sits in memory all at once as bytes, and every file of it shares one
    git process (a process each made a load and a save slower)."""
    raws = read_blobs(git, [entry.blob for entry in unread])
    for entry, raw in zip(unread, raws, strict=True):
        yield (entry.path, entry.blob), _parse(entry, raw, check, strict)


def _folded_key(wanted: list[TreeEntry]) -> tuple[str, str]:
    """Where the cache keeps the tip's files folded together (a save after a load of the
    same tip folds nothing again)."""
    return ("", " ".join(entry.blob for entry in wanted))


def _assembled(
    commit: CommitInfo,
    entries: tuple[TreeEntry, ...],
    wanted: list[TreeEntry],
    cache: Cache,
    notes: list[str],
    limits: MemoryLimits,
) -> Tip:
    tip = Tip(commit=commit.sha, tree=commit.tree)
    journals = []
    for entry in wanted:
        parsed = cache[entry.path, entry.blob]
        if isinstance(parsed, UnreadableMemoryFile):
            notes.append(f"{parsed.reason}: {_fresh(entry.path)}")
        elif isinstance(parsed, Memory):
            tip = replace(tip, snapshot=parsed, snapshot_blob=entry.blob)
        elif isinstance(parsed, OlderSnapshot):
            tip = replace(tip, snapshot=parsed.memory)  # no blob to reuse: rewritten
        elif isinstance(parsed, Journal):
            name = entry.path.rpartition("/")[2]
            journals.append(JournalFile(name, entry.blob, parsed, entry.size))
        else:
            tip = replace(tip, leases=parsed, leases_blob=entry.blob)
    if not any(entry.path == SNAPSHOT for entry in entries):
        notes.append(f"{SNAPSHOT} is missing: started from a fresh snapshot")
    journals.sort(key=lambda j: j.name)
    folded = cache.get(_folded_key(wanted))
    if not isinstance(folded, Memory):
        folded = fold(tip.snapshot, [(j.name, j.journal) for j in journals], limits)
        cache[_folded_key(wanted)] = folded
    memory = replace(folded, leases=tip.leases)
    return replace(tip, journals=tuple(journals), notes=tuple(notes), memory=memory)


@contextmanager
def no_cycle_collection() -> Iterator[None]:
    """Reading and folding memory makes millions of small objects and no cycles; the
    cycle collector would otherwise walk all of them again every few thousand."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _wanted(entries: tuple[TreeEntry, ...], notes: list[str]) -> list[TreeEntry]:
    """The files worth reading, each under its cap and all under ``caps.TIP_BYTES``;
    everything else becomes a note."""
    wanted, journals = [], []
    for entry in entries:
        folder, _, name = entry.path.rpartition("/")
        kind = JOURNAL_DIR if folder == JOURNAL_DIR else entry.path
        if entry.path == SUMMARY or is_carried(entry.path):
            continue
        if kind not in MAX_BYTES or (kind == JOURNAL_DIR and not _journal_name(name)):
            notes.append(f"unexpected file {entry.path!r} on the memory branch: ignored")
        elif entry.size > MAX_BYTES[kind]:
            over = f"{entry.path}: {entry.size} bytes is over the {MAX_BYTES[kind]} cap"
            notes.append(f"{over}: {_fresh(entry.path)}")
        elif kind == JOURNAL_DIR:
            journals.append(entry)
        else:
            wanted.append(entry)
    room = caps.TIP_BYTES - sum(entry.size for entry in wanted)
    return wanted + _newest_journals(journals, room, notes)


def _newest_journals(journals: list[TreeEntry], room: int, notes: list[str]) -> list[TreeEntry]:
    """The newest journals that fit in ``room`` bytes and ``caps.MAX_JOURNALS``, oldest first."""
    kept: list[TreeEntry] = []
    for entry in sorted(journals, key=lambda e: e.path, reverse=True):
        room -= entry.size
        if room < 0 or len(kept) == caps.MAX_JOURNALS:
            left = len(journals) - len(kept)
            cap = f"{caps.TIP_BYTES}-byte and {caps.MAX_JOURNALS}-journal caps of a memory tip"
            notes.append(f"the journals are over the {cap}: left out the {left} oldest")
            break
        kept.append(entry)
    return kept[::-1]


def _fresh(path: str) -> str:
    return "started from a fresh snapshot" if path == SNAPSHOT else "left it out"


def _journal_name(name: str) -> bool:
    if not JOURNAL_NAME.match(name):
        return False
    try:
        journal_time(name)
    except ValueError:  # the pattern allows month 13; the calendar does not
        return False
    return True


def _parse(entry: TreeEntry, raw: bytes, check: Checker, strict: bool) -> Parsed:
    """The record in one file, or the error saying why there is none (errors are cached too)."""
    kind = {SNAPSHOT: "snapshot", LEASES: "leases"}.get(entry.path, "journal")
    try:
        found = read(raw, kind, entry.path, check, strict=strict)
        doc = found.doc
        if kind == "snapshot":
            memory = codec.decode_snapshot(doc, SNAPSHOT)
            return OlderSnapshot(memory) if found.migrated else memory
        if kind == "leases":
            return codec.decode_leases(doc)
        return codec.decode_journal(doc, entry.path)
    except MemoryCorrupt as err:
        return UnreadableMemoryFile(str(err))
