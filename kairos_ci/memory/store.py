"""The memory store: load, save, compact and verify memory on a branch of ``origin``.

Every write is compare-and-swap: build a commit on the fetched tip and push it
without force. If another run pushed first, the push is rejected; we refetch,
rebuild on the new tip and try again with jittered backoff. A run killed at any
moment leaves the branch at some complete commit, because only a push moves it.
"""

from __future__ import annotations

import base64
import random
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from urllib.parse import urlsplit

from kairos_ci.clock import Clock
from kairos_ci.context import Secret
from kairos_ci.errors import GitError, MemoryConflict, MemoryCorrupt, MemoryError_, MemoryTooNew
from kairos_ci.git import Git
from kairos_ci.memory import caps, codec
from kairos_ci.memory.budget import fit
from kairos_ci.memory.documents import Checker, checker, conforms, parse
from kairos_ci.memory.fold import fold, only_news
from kairos_ci.memory.mac import refusal, signed
from kairos_ci.memory.names import BRANCH_NAME, JOURNAL_DIR, journal_name, journal_time
from kairos_ci.memory.plumbing import (
    Branch,
    CommitInfo,
    TreeEntry,
    commit_tree,
    init_scratch,
    list_tree,
    read_blobs,
    read_commit,
    remote_url,
    write_blobs,
    write_tree,
)
from kairos_ci.memory.records import Journal, Lease, Memory, MemoryLimits
from kairos_ci.memory.summary import render
from kairos_ci.memory.tip import (
    LEASES,
    SNAPSHOT,
    SUMMARY,
    Cache,
    JournalFile,
    Tip,
    is_carried,
    no_cycle_collection,
    read_tip,
)

DEFAULT_BRANCH = "kairos/memory"
_BACKOFF_BASE_S = 0.1
_BACKOFF_CAP_S = 2.0
_MAX_GIT_FAILURES = 6  # fetches or pushes in a row that failed outright, per update


@dataclass(frozen=True)
class Loaded:
    memory: Memory
    commit: str | None  # the tip read; None when the branch does not exist yet
    journals: tuple[str, ...]  # journals not yet compacted into the snapshot
    notes: tuple[str, ...]  # what was unreadable and left out: show these in the summary
    keyed: bool = False  # trusted by the memory key's MAC; False: by the committer's name alone


@dataclass(frozen=True)
class SaveResult:
    commit: str | None  # the branch tip afterwards
    changed: bool  # False: nothing would change, so nothing was pushed
    attempts: int


@dataclass(frozen=True)
class Verification:
    commit: str | None
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class CarriedFiles:
    files: Mapping[str, bytes]  # by path inside their folder
    notes: tuple[str, ...]  # what was left out, and why


@dataclass(frozen=True)
class Edit:
    """What one compare-and-swap attempt changes; built afresh on every attempt's tip."""

    message: str
    journal: JournalFile | None = None
    journal_bytes: bytes = b""
    leases: Mapping[str, Lease] | None = None  # replaces leases.json when set
    compact_all: bool = False
    # Carried files (``tip.is_carried``) by path: new contents, or None to remove the file.
    carried: Mapping[str, bytes | None] = field(default_factory=dict)


Change = Callable[[Tip], Edit | None]


@dataclass(frozen=True)
class CarriedChange:
    contents: bytes | None  # None removes the file
    message: str


CarriedUpdate = Callable[[bytes | None], CarriedChange | None]


@dataclass(frozen=True)
class MemoryStore:
    """Memory on ``branch`` of ``remote`` (a remote name of ``repo``, or a URL). ``clock`` has
    no default: compaction and leases judge age by it, so every caller says whose time it is."""

    repo: Path
    clock: Clock = field(kw_only=True)
    branch: str = DEFAULT_BRANCH
    remote: str = "origin"
    token: Secret | None = None  # sent as a per-command HTTP header, never stored
    # Signs every commit and is the only thing a tip is trusted by (see memory/mac.py).
    key: Secret | None = field(default=None, kw_only=True)
    server_url: str = "https://github.com"  # the token is sent to this host only
    limits: MemoryLimits = field(default_factory=MemoryLimits)
    max_attempts: int = 40
    scratch_dir: Path | None = None  # where private scratch repositories go (default: temp)
    # Parsed files of the last tip read, by (path, blob): a save after a load, or a CAS
    # retry, parses only what changed since.
    _parsed: Cache = field(default_factory=dict, init=False, repr=False, compare=False)

    @cached_property
    def _checker(self) -> Checker:
        """The schema, compiled once per store (a save compiled it twice)."""
        return checker()

    def load(self) -> Loaded:
        """Fetch the tip and read it. Unreadable files become ``notes`` instead of errors;
        only memory from a newer kairos (``MemoryTooNew``) or a failing git raises."""
        with self._scratch() as branch:
            return self._loaded(branch.local, branch.fetch())

    def load_ref(self, ref: str) -> Loaded:
        """Read a ref already in ``repo`` (e.g. a remote-tracking branch): no network."""
        git = Git(self.repo)
        return self._loaded(git, read_commit(git, ref))

    def tracking_ref(self) -> str | None:
        """``refs/remotes/<remote>/<branch>`` when ``repo`` has it."""
        if "/" in self.remote or ":" in self.remote:
            return None
        ref = f"refs/remotes/{self.remote}/{self.branch}"
        result = Git(self.repo).run("rev-parse", "--verify", "--quiet", ref, check=False)
        return ref if result.returncode == 0 else None

    def carried_files(self, folder: str, wanted: Callable[[str], bool]) -> CarriedFiles:
        """The files in carried ``folder`` that ``wanted`` accepts (by their path inside it),
        as bytes: only a trusted tip is read, each file and all together under their caps."""
        with self._scratch() as branch:
            return _carried(branch.local, branch.fetch(), self.key, folder, wanted)

    def load_carrying(
        self, folder: str, wanted: Callable[[str], bool]
    ) -> tuple[Loaded, CarriedFiles]:
        """``load`` and ``carried_files`` from one fetch: both read the same tip, and a run
        that shows carried files beside memory (the nightly's task boards) fetches once."""
        with self._scratch() as branch:
            commit = branch.fetch()
            loaded = self._loaded(branch.local, commit)
            return loaded, _carried(branch.local, commit, self.key, folder, wanted)

    def verify(self, ref: str | None = None) -> Verification:
        """Whether the tip (or ``ref`` in ``repo``) is fully valid, by the full JSON Schema
        validator; lists every problem."""
        try:
            if ref is None:
                with self._scratch() as branch:
                    loaded = self._loaded(branch.local, branch.fetch(), strict=True)
            else:
                git = Git(self.repo)
                loaded = self._loaded(git, read_commit(git, ref), strict=True)
        except MemoryTooNew as err:
            return Verification(None, (str(err),))
        if loaded.commit is None:
            missing = f"no memory branch {self.branch!r} yet (the first save creates it)"
            return Verification(None, (missing,))
        return Verification(loaded.commit, loaded.notes)

    def save(self, journal: Journal) -> SaveResult:
        """Append one run's journal. Saving the same journal again changes nothing.

        Verdicts the tip already holds are left out of the file: a nightly judges every
        remembered test, and the journal should hold only what changed. The file's name
        still hashes the whole journal, so a retried save is recognised by name."""
        check = self._checker
        raw = codec.dumps(codec.journal_doc(journal))
        run = journal.run.run_id
        if self.token is not None and self.token.reveal().encode() in raw:
            raise MemoryError_(f"journal of run {run!r} contains the token: not saved")
        try:
            codec.check_histories(parse(raw, "journal", "new journal", check), "new journal")
            name = journal_name(journal.run.at, run, raw)
        except (MemoryCorrupt, ValueError) as err:
            raise MemoryError_(f"journal of run {run!r} is invalid: {err}") from None

        def change(tip: Tip) -> Edit | None:
            if name in tip.memory.applied or any(j.name == name for j in tip.journals):
                return None
            news = only_news(journal, tip.memory, self.limits)
            body = raw if news is journal else codec.dumps(codec.journal_doc(news))
            new = JournalFile(name, "", news, len(body))  # its blob is written with the commit
            return Edit(f"memory: run {journal.run.run_id}", journal=new, journal_bytes=body)

        return self.transact(change)

    def compact(self) -> SaveResult:
        """Fold every journal into the snapshot now."""
        return self.transact(lambda tip: Edit("memory: compact", compact_all=True))

    def transact(self, change: Change) -> SaveResult:
        """Apply ``change`` to the tip by compare-and-swap; ``change`` may run many times."""
        check = self._checker
        with self._scratch() as branch:
            for attempt in range(1, self.max_attempts + 1):
                fetched = branch.fetch()
                tip = read_tip(
                    branch.local, fetched, check, self.limits, self._parsed, key=self.key
                )
                edit = change(tip)
                with no_cycle_collection():
                    tree = None if edit is None else self._build(branch, tip, edit, check)
                if edit is None or tree == tip.tree:
                    return SaveResult(tip.commit, changed=False, attempts=attempt)
                message = signed(edit.message, tree or "", self.key)
                commit = commit_tree(branch.local, tree or "", tip.commit, message)
                if branch.push(commit).accepted:
                    return SaveResult(commit, changed=True, attempts=attempt)
                _backoff(attempt)
        raise MemoryConflict(
            f"memory branch {self.branch!r} kept moving: gave up after {self.max_attempts} tries"
        )

    def update_carried(self, path: str, update: CarriedUpdate) -> SaveResult:
        """Compare-and-swap one carried file alone: ``update`` gets its bytes (None when
        absent) and returns the new bytes (None removes it) and a commit message, or None
        to change nothing. It may run many times. The rest of the tip is reused as it is,
        unread: a task board changes many times a minute and must not pay for memory."""
        if not is_carried(path):
            raise ValueError(f"{path!r} is not in a folder memory carries")
        failed = 0  # in a row: a lasting fault (a bad token) repeats, a passing one does not
        with self._scratch() as branch:
            for attempt in range(1, self.max_attempts + 1):
                try:
                    fetched = branch.fetch()
                    built = self._carried_commit(branch, fetched, path, update)
                    if built is None:
                        return SaveResult(fetched.sha if fetched else None, False, attempt)
                    if _pushed(branch, built):
                        return SaveResult(built, changed=True, attempts=attempt)
                    failed = 0
                except GitError:  # the network or the server, e.g. a fetch racing a push
                    failed += 1
                    if failed >= _MAX_GIT_FAILURES:
                        raise
                    branch.forget()
                _backoff(attempt)
        raise MemoryConflict(
            f"memory branch {self.branch!r} kept moving: gave up after {self.max_attempts} tries"
        )

    def _carried_commit(
        self, branch: Branch, fetched: CommitInfo | None, path: str, update: CarriedUpdate
    ) -> str | None:
        if fetched is None:  # no memory yet: the first commit is a whole, valid memory
            change = update(None)
            if change is None:
                return None
            edit = Edit(change.message, carried={path: change.contents})
            tree = self._build(branch, Tip(), edit, self._checker)
            return commit_tree(branch.local, tree, None, signed(change.message, tree, self.key))
        untrusted = refusal(fetched, self.key)
        if untrusted is not None:
            raise MemoryError_(f"{untrusted.split(':')[0]}: not building on it")
        files = {entry.path: entry for entry in list_tree(branch.local, fetched.tree)}
        found = files.get(path)
        if found is not None and found.size > caps.CARRIED_FILE_BYTES:
            raise MemoryError_(f"{path}: {found.size} bytes is over the cap of a carried file")
        current = next(read_blobs(branch.local, [found.blob])) if found is not None else None
        change = update(current)
        if change is None:
            return None
        blobs = {name: entry.blob for name, entry in files.items()}
        if change.contents is None:
            blobs.pop(path, None)
        else:
            blobs[path] = write_blobs(branch.local, [change.contents], branch.spool)[0]
        tree = write_tree(branch.local, blobs)
        message = signed(change.message, tree, self.key)
        return commit_tree(branch.local, tree, fetched.sha, message)

    def _loaded(self, git: Git, commit: CommitInfo | None, *, strict: bool = False) -> Loaded:
        cache = Cache() if strict else self._parsed  # strict: every file parsed afresh
        check = self._checker
        tip = read_tip(git, commit, check, self.limits, cache, key=self.key, strict=strict)
        journals = tuple(j.name for j in tip.journals)
        return Loaded(tip.memory, tip.commit, journals, tip.notes, keyed=self.key is not None)

    def _build(self, branch: Branch, tip: Tip, edit: Edit, check: Checker) -> str:
        journals = {j.name: j for j in tip.journals}
        new: dict[str, bytes] = {}  # path -> contents of the blobs this commit adds
        if edit.journal is not None:
            journals[edit.journal.name] = edit.journal
        snapshot = tip.snapshot
        if edit.compact_all or self._generation_due(journals):
            folding = [(name, j.journal) for name, j in sorted(journals.items())]
            snapshot, journals = fold(snapshot, folding, self.limits), {}
        if snapshot is not tip.snapshot or tip.snapshot_blob is None:
            fitted = fit(snapshot, self.limits, lambda memory: _checked(memory, check))
            snapshot, new[SNAPSHOT] = fitted.memory, fitted.raw
        if edit.journal is not None and edit.journal.name in journals:
            new[f"{JOURNAL_DIR}/{edit.journal.name}"] = edit.journal_bytes
        leases = tip.leases if edit.leases is None else edit.leases
        if edit.leases is not None or tip.leases_blob is None:
            doc = codec.leases_doc(leases)
            conforms(doc, f"new {LEASES}", check)
            new[LEASES] = codec.dumps(doc)
        remaining = [(name, j.journal) for name, j in journals.items()]
        memory = replace(fold(snapshot, remaining, self.limits), leases=leases)
        new[SUMMARY] = render(memory, tip.notes).encode("utf-8")
        files = {SNAPSHOT: tip.snapshot_blob or "", LEASES: tip.leases_blob or ""}
        files.update({f"{JOURNAL_DIR}/{name}": j.blob for name, j in journals.items()})
        files.update({entry.path: entry.blob for entry in tip.carried})
        for path, contents in edit.carried.items():
            if not is_carried(path):
                raise ValueError(f"{path!r} is not in a folder memory carries")
            if contents is None:
                files.pop(path, None)
            else:
                new[path] = contents
        blobs = write_blobs(branch.local, list(new.values()), branch.spool)
        files.update(zip(new, blobs, strict=True))
        return write_tree(branch.local, files)

    def _generation_due(self, journals: Mapping[str, JournalFile]) -> bool:
        """Whether to fold every journal into the snapshot now: a new generation. Between
        generations the snapshot's blob is reused as it is, so it is rewritten about once
        a week (``MemoryLimits``), never on every save."""
        if not journals:
            return False
        oldest = journal_time(min(journals))
        return (
            len(journals) > self.limits.max_journals
            or oldest < self.clock() - self.limits.journal_age
            or sum(j.size for j in journals.values()) > self.limits.journal_bytes
        )

    @contextmanager
    def _scratch(self) -> Iterator[Branch]:
        if not BRANCH_NAME.match(self.branch):
            raise MemoryError_(f"{self.branch!r} is not a usable memory branch name")
        url = remote_url(self.repo, self.remote)
        prefix = "kairos-memory-"
        with tempfile.TemporaryDirectory(prefix=prefix, dir=self.scratch_dir) as path:
            local = init_scratch(Path(path) / "repo.git")
            network = replace(local, config=self._auth(url))
            yield Branch(local, network, url, self.branch, Path(path) / "spool")

    def _auth(self, url: str) -> dict[str, str]:
        """GitHub's token as a basic-auth header in per-command config: not argv, not a file.

        Only for ``server_url``'s scheme and host: an origin elsewhere must not get the token.
        """
        server, target = urlsplit(self.server_url), urlsplit(url)
        same = (target.scheme, target.netloc) == (server.scheme, server.netloc)
        if self.token is None or not same or target.scheme not in ("https", "http"):
            return {}
        pair = base64.b64encode(f"x-access-token:{self.token.reveal()}".encode()).decode()
        return {"http.extraheader": f"AUTHORIZATION: basic {pair}"}


def _carried(
    git: Git,
    commit: CommitInfo | None,
    key: Secret | None,
    folder: str,
    wanted: Callable[[str], bool],
) -> CarriedFiles:
    if commit is None:
        return CarriedFiles({}, ())
    untrusted = refusal(commit, key)
    if untrusted is not None:
        return CarriedFiles({}, (untrusted,))
    chosen, notes = _carried_entries(list_tree(git, commit.tree), folder, wanted)
    raw = read_blobs(git, [entry.blob for entry in chosen])
    files = {e.path.removeprefix(f"{folder}/"): b for e, b in zip(chosen, raw, strict=True)}
    return CarriedFiles(files, notes)


def _carried_entries(
    entries: tuple[TreeEntry, ...], folder: str, wanted: Callable[[str], bool]
) -> tuple[list[TreeEntry], tuple[str, ...]]:
    chosen, notes, room = [], [], caps.PLANS_BYTES
    for entry in entries:
        inside = entry.path.removeprefix(f"{folder}/")
        if inside == entry.path or not wanted(inside):
            continue
        if entry.size > caps.CARRIED_FILE_BYTES or entry.size > room:
            notes.append(f"{entry.path}: {entry.size} bytes is over the cap: left out")
            continue
        room -= entry.size
        chosen.append(entry)
    return chosen, tuple(notes)


def _checked(memory: Memory, check: Checker) -> codec.Doc:
    """What we write is checked like what we read: a bug must not reach the branch."""
    doc = codec.snapshot_doc(memory)
    conforms(doc, f"new {SNAPSHOT}", check)
    codec.check_histories(doc, f"new {SNAPSHOT}")
    return doc


def _pushed(branch: Branch, commit: str) -> bool:
    """Whether ``commit`` is now the tip. A push that failed without an answer may have
    landed: the tip says, so a move is never applied twice, nor lost."""
    try:
        return branch.push(commit).accepted
    except GitError:
        landed = branch.fetch()
        if landed is not None and landed.sha == commit:
            return True
        raise


def _backoff(attempt: int) -> None:
    """Full jitter, so racing writers spread out instead of colliding again."""
    ceiling = min(_BACKOFF_CAP_S, _BACKOFF_BASE_S * 2**attempt)
    time.sleep(random.SystemRandom().uniform(0, ceiling))
