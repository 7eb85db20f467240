"""Read the branch tip: the only commit memory ever reads (history is never walked).

A broken file is reported in ``notes`` and left out while the others still count;
an untrusted tip is ignored wholesale. A file from a newer kairos raises
``MemoryTooNew`` so that nothing overwrites it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from kairos_ci.context import Secret
from kairos_ci.errors import MemoryCorrupt
from kairos_ci.git import Git
from kairos_ci.memory import codec
from kairos_ci.memory.documents import Checker, parse
from kairos_ci.memory.fold import fold
from kairos_ci.memory.mac import refusal
from kairos_ci.memory.names import JOURNAL_DIR, JOURNAL_NAME, journal_time
from kairos_ci.memory.plumbing import CommitInfo, TreeEntry, list_tree, read_blobs
from kairos_ci.memory.records import Journal, Lease, Memory, MemoryLimits

SNAPSHOT = "snapshot.json"
LEASES = "leases.json"
SUMMARY = "MEMORY.md"
MAX_BYTES = {SNAPSHOT: 64 << 20, LEASES: 1 << 20, JOURNAL_DIR: 8 << 20}
# A tip written by kairos never has more than MemoryLimits.max_journals journals.
MAX_JOURNALS = 256


@dataclass(frozen=True)
class UnreadableMemoryFile:
    reason: str


Parsed = Memory | Journal | dict[str, Lease] | UnreadableMemoryFile
Cache = dict[tuple[str, str], Parsed]


@dataclass(frozen=True)
class JournalFile:
    name: str
    blob: str
    journal: Journal


@dataclass(frozen=True)
class Tip:
    """What the tip holds. ``memory`` is what a run uses: snapshot + journals + leases."""

    commit: str | None = None
    tree: str | None = None
    snapshot: Memory = field(default_factory=Memory)
    snapshot_blob: str | None = None  # set when the stored snapshot is valid and reusable
    journals: tuple[JournalFile, ...] = ()
    leases: Mapping[str, Lease] = field(default_factory=dict)
    leases_blob: str | None = None
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
) -> Tip:
    """Read ``commit``; ``cache`` ((path, blob) -> parsed) spares re-parsing on a CAS retry.
    ``key`` decides trust (see ``mac``): an untrusted tip is a note and fresh memory."""
    if commit is None:
        return Tip()
    untrusted = refusal(commit, key)
    if untrusted is not None:
        return Tip(commit=commit.sha, notes=(untrusted,))
    entries = list_tree(git, commit.tree)
    notes: list[str] = []
    cache = {} if cache is None else cache
    wanted = _wanted(entries, notes)
    unread = [entry for entry in wanted if (entry.path, entry.blob) not in cache]
    for entry, raw in zip(unread, read_blobs(git, [e.blob for e in unread]), strict=True):
        cache[entry.path, entry.blob] = _parse(entry, raw, check)
    tip = Tip(commit=commit.sha, tree=commit.tree)
    journals = []
    for entry in wanted:
        parsed = cache[entry.path, entry.blob]
        if isinstance(parsed, UnreadableMemoryFile):
            fresh = "started from a fresh snapshot" if entry.path == SNAPSHOT else "left it out"
            notes.append(f"{parsed.reason}: {fresh}")
        elif isinstance(parsed, Memory):
            tip = replace(tip, snapshot=parsed, snapshot_blob=entry.blob)
        elif isinstance(parsed, Journal):
            journals.append(JournalFile(entry.path.rpartition("/")[2], entry.blob, parsed))
        else:
            tip = replace(tip, leases=parsed, leases_blob=entry.blob)
    if not any(entry.path == SNAPSHOT for entry in entries):
        notes.append(f"{SNAPSHOT} is missing: started from a fresh snapshot")
    journals.sort(key=lambda j: j.name)
    folded = fold(tip.snapshot, [(j.name, j.journal) for j in journals], limits)
    memory = replace(folded, leases=tip.leases)
    return replace(tip, journals=tuple(journals), notes=tuple(notes), memory=memory)


def _wanted(entries: tuple[TreeEntry, ...], notes: list[str]) -> list[TreeEntry]:
    """The files worth reading, size-checked; everything else becomes a note."""
    wanted, journals = [], []
    for entry in entries:
        folder, _, name = entry.path.rpartition("/")
        kind = JOURNAL_DIR if folder == JOURNAL_DIR else entry.path
        if entry.path == SUMMARY:
            continue
        if kind not in MAX_BYTES or (kind == JOURNAL_DIR and not _journal_name(name)):
            notes.append(f"unexpected file {entry.path!r} on the memory branch: ignored")
        elif entry.size > MAX_BYTES[kind]:
            notes.append(f"{entry.path}: {entry.size} bytes is over the {MAX_BYTES[kind]} cap")
        elif kind == JOURNAL_DIR:
            journals.append(entry)
        else:
            wanted.append(entry)
    journals.sort(key=lambda e: e.path)
    if len(journals) > MAX_JOURNALS:
        notes.append(f"{len(journals)} journals on the branch: read the newest {MAX_JOURNALS}")
        journals = journals[-MAX_JOURNALS:]
    return wanted + journals


def _journal_name(name: str) -> bool:
    if not JOURNAL_NAME.match(name):
        return False
    try:
        journal_time(name)
    except ValueError:  # the pattern allows month 13; the calendar does not
        return False
    return True


def _parse(entry: TreeEntry, raw: bytes, check: Checker) -> Parsed:
    """The record in one file, or the error saying why there is none (errors are cached too)."""
    try:
        if entry.path == SNAPSHOT:
            return codec.decode_snapshot(parse(raw, "snapshot", SNAPSHOT, check), SNAPSHOT)
        if entry.path == LEASES:
            return codec.decode_leases(parse(raw, "leases", LEASES, check))
        return codec.decode_journal(parse(raw, "journal", entry.path, check), entry.path)
    except MemoryCorrupt as err:
        return UnreadableMemoryFile(str(err))
