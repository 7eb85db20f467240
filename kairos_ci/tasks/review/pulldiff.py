"""The pull request's diff, computed locally with git (APIs truncate large diffs).

The diff runs from the merge base to the head, as GitHub shows a pull request, with
git's default three lines of context: the lines a review comment may land on are the
ones GitHub's own diff shows. Head and base texts are read in one ``cat-file`` batch.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from kairos_ci.diff.parse import parse_diff
from kairos_ci.diff.records import ChangeKind, Diff
from kairos_ci.diff.split import file_parts
from kairos_ci.errors import GitError
from kairos_ci.git import Git
from kairos_ci.tasks.review.records import PullDiff, ReviewScope

MAX_FILE_BYTES = 1024 * 1024
_DIFF = ("diff", "-M", "--no-color", "--no-ext-diff", "--no-textconv")


def have(git: Git, sha: str) -> bool:
    return git.run("cat-file", "-e", f"{sha}^{{commit}}", check=False).returncode == 0


def ensure_commits(
    repo: Path, shas: Sequence[str], number: int, auth: Mapping[str, str] | None = None
) -> None:
    """Fetch the base and head commits when the checkout lacks them (a shallow clone)."""
    git = Git(repo)
    missing = [sha for sha in shas if not have(git, sha)]
    if not missing:
        return
    network = Git(repo, config=dict(auth or {}))
    if git.text("rev-parse", "--is-shallow-repository") == "true":
        network.run("fetch", "--quiet", "--no-tags", "--unshallow", "origin", check=False)
    wanted = [*missing, f"+refs/pull/{number}/head:refs/kairos/pull/{number}"]
    for ref in wanted:  # one at a time: a server may refuse one and serve the others
        network.run("fetch", "--quiet", "--no-tags", "origin", ref, check=False)
    still = [sha[:12] for sha in missing if not have(git, sha)]
    if still:
        raise GitError(
            f"cannot fetch {', '.join(still)} from origin: check out the repository with "
            "`fetch-depth: 0` so the pull request's base and head are present"
        )


def merge_base(repo: Path, base: str, head: str) -> str:
    result = Git(repo).run("merge-base", base, head, check=False)
    if result.returncode != 0:
        raise GitError(f"{base[:12]} and {head[:12]} have no common ancestor in this checkout")
    return result.stdout.decode().strip()


def diff_text(repo: Path, old: str, new: str) -> str:
    return Git(repo).run(*_DIFF, old, new).stdout.decode("utf-8", "replace")


def pull_diff(repo: Path, base: str, head: str) -> PullDiff:
    """The PR's diff and the texts its checks read: the head side of every file, and the
    base side of the few kinds of file whose checks compare (Python, workflows)."""
    fork = merge_base(repo, base, head)
    raw = diff_text(repo, fork, head)
    diff = parse_diff(raw)
    present = [f.path for f in diff.files if f.kind is not ChangeKind.DELETED]
    compared = {
        f.path: f.old_path
        for f in diff.files
        if f.old_path is not None and f.kind is not ChangeKind.DELETED and _compared(f.path)
    }
    git = Git(repo)
    before = blobs(git, fork, compared.values())
    base_texts = {path: before.get(old) for path, old in compared.items()}
    return PullDiff(fork, head, diff, blobs(git, head, present), patches(raw, diff), base_texts)


def patches(raw: str, diff: Diff) -> dict[str, str]:
    """Each file's part of ``raw`` (a ``git diff``), by the path ``diff`` gives it."""
    chunks = file_parts(raw)  # slices: linear in the diff, even for one huge file
    if len(chunks) != len(diff.files):
        return {}  # not git's output: no per-file text, the model reads nothing
    return {f.path: chunk for f, chunk in zip(diff.files, chunks, strict=True)}


def _compared(path: str) -> bool:
    return path.endswith(".py") or path.startswith(".github/workflows/")


def scope(repo: Path, pull: PullDiff, since: str | None) -> ReviewScope:
    """Everything in the PR, or only what changed after ``since`` (the last reviewed head)."""
    everything = frozenset(_touched(pull.diff))
    whole = ReviewScope(everything, {p: pull.added(p) for p in everything if pull.added(p)})
    if since is None:
        return whole
    if since == pull.head:
        return ReviewScope(
            frozenset(), {}, since, f"nothing new: {since[:12]} was reviewed already"
        )
    git = Git(repo)
    if not have(git, since) or not _ancestor(git, since, pull.head):
        note = (
            f"the branch was rewritten since {since[:12]}: the whole pull request is reviewed "
            "again, and nothing said before is repeated"
        )
        return ReviewScope(whole.files, whole.lines, None, note)
    raw = diff_text(repo, since, pull.head)
    later = parse_diff(raw)
    files = frozenset(_touched(later)) & everything
    lines = {}
    for path in files:
        changed = later.file(path)
        fresh = (changed.added if changed else frozenset()) & pull.added(path)
        if fresh:
            lines[path] = fresh
    note = f"the changes since {since[:12]}, the head it reviewed last"
    return ReviewScope(files, lines, since, note, patches(raw, later))


def blobs(git: Git, rev: str, paths: Iterable[str]) -> dict[str, str | None]:
    """``rev:path`` texts; None for a binary, over-large, non-UTF-8 or missing file."""
    names = [p for p in dict.fromkeys(paths) if "\n" not in p]
    texts: dict[str, str | None] = dict.fromkeys(names)
    if not names:
        return texts
    query = "".join(f"{rev}:{path}\n" for path in names).encode()
    checked = git.run("cat-file", "--batch-check", input=query).stdout.decode().splitlines()
    small = [path for path, line in zip(names, checked, strict=True) if _small_blob(line)]
    if not small:
        return texts
    out = git.run("cat-file", "--batch", input="".join(f"{rev}:{p}\n" for p in small).encode())
    position = 0
    for path in small:
        header_end = out.stdout.index(b"\n", position)
        size = int(out.stdout[position:header_end].split()[2])
        body = out.stdout[header_end + 1 : header_end + 1 + size]
        texts[path] = _text(body)
        position = header_end + 1 + size + 1
    return texts


def _small_blob(checked: str) -> bool:
    """A ``--batch-check`` line for a blob within the size cap (not ``... missing``)."""
    parts = checked.split()
    return len(parts) == 3 and parts[1] == "blob" and int(parts[2]) <= MAX_FILE_BYTES


def _text(body: bytes) -> str | None:
    if b"\0" in body[:8192]:
        return None
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _touched(diff: Diff) -> Iterable[str]:
    """Every path a diff changes: head paths, and the base path of a deleted file."""
    return (f.path for f in diff.files)


def _ancestor(git: Git, older: str, newer: str) -> bool:
    return git.run("merge-base", "--is-ancestor", older, newer, check=False).returncode == 0
