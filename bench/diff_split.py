"""Benchmark: the review's diff path on one huge file (a rewritten lockfile) stays linear.

    python bench/diff_split.py [--lines 10000 40000 100000 200000] [--repeat 5] [--no-git]

For each size, a single-file ``git diff`` with that many changed lines (half removed,
half added, as when a lockfile is regenerated) is built in memory, then the review's
diff path runs on it: ``parse_diff`` (the hunks) and ``pulldiff.patches`` (each file's
own text, which was quadratic in one file's length). Unless ``--no-git``, the same
change is also committed to a scratch repository and ``pulldiff.pull_diff`` runs end to
end (merge base, ``git diff``, parse, blobs, patches), the path ``kairos-ci review``
takes. CPU seconds per run (git's included for ``pull_diff``: wall clock on a shared
machine measures the neighbours); prints median, min and max.

Target (issue 21): a 100,000-line single-file diff goes through the diff path in < 1 s.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from kairos_ci.diff.parse import parse_diff
from kairos_ci.tasks.review.pulldiff import patches, pull_diff

TARGET_S = 1.0
TARGET_LINES = 100_000


def lockfile(lines: int, version: str) -> str:
    return "".join(f'"package-{i}": "{version}.{i % 97}.{i % 13}"\n' for i in range(lines))


def synthetic_diff(changed: int) -> str:
    """A ``git diff`` of one file whose every line changed: ``changed`` lines in all."""
    half = changed // 2
    header = (
        "diff --git a/package-lock.json b/package-lock.json\n"
        "index 1111111..2222222 100644\n--- a/package-lock.json\n+++ b/package-lock.json\n"
        f"@@ -1,{half} +1,{half} @@\n"
    )
    old = "".join(f"-{line}\n" for line in lockfile(half, "1").splitlines())
    new = "".join(f"+{line}\n" for line in lockfile(half, "2").splitlines())
    return header + old + new


def in_process(raw: str) -> Callable[[], object]:
    def run() -> object:
        diff = parse_diff(raw)
        parts = patches(raw, diff)
        assert len(parts) == 1, "the split lost the file"
        return parts

    return run


def through_git(scratch: Path, changed: int) -> Callable[[], object]:
    repo = scratch / f"repo-{changed}"
    repo.mkdir()

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=repo, capture_output=True, check=True)
        return done.stdout.decode().strip()

    git("init", "-q", "-b", "main")
    git("config", "user.email", "bench@example.com")
    git("config", "user.name", "bench")
    lock = repo / "package-lock.json"
    lock.write_text(lockfile(changed // 2, "1"))
    git("add", ".")
    git("commit", "-q", "-m", "base")
    base = git("rev-parse", "HEAD")
    lock.write_text(lockfile(changed // 2, "2"))
    git("commit", "-q", "-am", "regenerate the lockfile")
    head = git("rev-parse", "HEAD")
    return lambda: pull_diff(repo, base, head)


def cpu_with_children() -> float:
    """CPU seconds of this process and of the children it waited for (git)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def timed(
    run: Callable[[], object], repeat: int, clock: Callable[[], float] = time.process_time
) -> list[float]:
    seconds = []
    for _ in range(repeat):
        started = clock()
        run()
        seconds.append(clock() - started)
    return seconds


def line(label: str, seconds: list[float]) -> str:
    median = statistics.median(seconds)
    return (
        f"{label:<38} median {median * 1000:7.0f} ms  "
        f"min {min(seconds) * 1000:6.0f}  max {max(seconds) * 1000:6.0f}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, nargs="+", default=[10_000, 40_000, 100_000, 200_000])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-git", action="store_true", help="skip the end-to-end git runs")
    args = parser.parse_args()
    verdicts: list[bool] = []
    with tempfile.TemporaryDirectory() as scratch:
        for changed in args.lines:
            raw = synthetic_diff(changed)
            seconds = timed(in_process(raw), args.repeat)
            print(line(f"{changed:>7,} lines: parse + split", seconds))
            if changed == TARGET_LINES:
                verdicts.append(statistics.median(seconds) < TARGET_S)
            if args.no_git:
                continue
            # git's own work (merge-base, diff, cat-file) is part of the path: its CPU counts.
            seconds = timed(through_git(Path(scratch), changed), args.repeat, cpu_with_children)
            print(line(f"{changed:>7,} lines: pull_diff, git included", seconds))
            if changed == TARGET_LINES:
                verdicts.append(statistics.median(seconds) < TARGET_S)
    if verdicts:
        met = all(verdicts)
        print(f"100,000-line diff under {TARGET_S:.0f} s: {'met' if met else 'MISSED'}")
        return 0 if met else 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
