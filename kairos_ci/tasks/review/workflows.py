"""Risky changes to GitHub Actions workflows, found on the lines a pull request adds.

- ``pull_request_target`` together with a checkout of the pull request's head: the
  "pwn request" shape, where a fork's code runs with the base repository's secrets.
- ``${{ github.event.* }}`` (or ``github.head_ref``) inside a ``run:`` script: text an
  outsider controls is pasted into a shell before it runs (template injection).
- New write permissions (``<scope>: write``, ``write-all``).

Read line by line, not as YAML: a comment must point at a line, and a workflow a PR
breaks should still be checked.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Mapping

from kairos_ci.forge.markers import fingerprint
from kairos_ci.tasks.review.markdown import code
from kairos_ci.tasks.review.records import ReviewFinding, Source

_WORKFLOW = re.compile(r"^\.github/workflows/[^/]+\.ya?ml$")
_RUN = re.compile(r"^\s*(?:-\s+)?(?P<key>run)\s*:")
_EXPRESSION = re.compile(r"\$\{\{(?P<body>.*?)\}\}")
_CONTEXT = re.compile(r"\bgithub\.(?:event(?:\.[A-Za-z0-9_*-]+|\[[^\]]*\])+|head_ref)\b")
# The last part of an event field that an outsider cannot shape: numbers, ids, shas.
_SAFE_FIELDS = frozenset(
    {"number", "id", "sha", "node_id", "html_url", "url", "created_at", "updated_at", "merged",
     "draft", "additions", "deletions", "changed_files", "run_id", "run_number", "run_attempt"}
)  # fmt: skip
_TARGET = re.compile(r"^\s*(?:-\s*)?(?:on\s*:.*)?\bpull_request_target\b")
_HEAD_REF = re.compile(
    r"^\s*(?:-\s*)?ref\s*:.*(?:github\.event\.pull_request\.head\.(?:sha|ref)|github\.head_ref"
    r"|refs/pull/)"
)
_WRITE = re.compile(
    r"^\s*(?:permissions\s*:\s*(?P<all>write-all)|(?P<scope>[a-z-]+)\s*:\s*write)\b"
)


def is_workflow(path: str) -> bool:
    return bool(_WORKFLOW.match(path))


def find_workflow_risks(
    path: str, head: str, base: str | None, added: frozenset[int]
) -> Iterator[ReviewFinding]:
    rows = head.split("\n")
    yield from _injections(path, rows, added)
    yield from _pwn_request(path, rows, added)
    yield from _new_writes(path, rows, base or "", added)


def _injections(path: str, rows: list[str], added: frozenset[int]) -> Iterator[ReviewFinding]:
    for number in sorted(_script_lines(rows) & added):
        fields = [
            m.group(0)
            for e in _EXPRESSION.finditer(rows[number - 1])
            for m in _CONTEXT.finditer(e.group("body"))
            if m.group(0).rsplit(".", 1)[-1] not in _SAFE_FIELDS
        ]
        if not fields:
            continue
        detail = (
            f"**Workflow injection**: {code(fields[0])} is pasted into a `run:` script before "
            "the shell reads it, so whoever writes that text can run commands in this job. "
            "Pass it through `env:` and use the variable in the script instead."
        )
        yield _finding(path, number, "workflow-injection", "untrusted text in a run: script",
                       detail, fields[0])  # fmt: skip


def _script_lines(rows: list[str]) -> set[int]:
    """Line numbers (1-based) that belong to a ``run:`` value, block scalars included."""
    found: set[int] = set()
    index = 0
    while index < len(rows):
        match = _RUN.match(rows[index])
        if match is None:
            index += 1
            continue
        found.add(index + 1)
        indent = match.start("key")  # the script goes on while lines sit deeper than its key
        index += 1
        while index < len(rows) and (not rows[index].strip() or _indent(rows[index]) > indent):
            found.add(index + 1)
            index += 1
    return found


def _pwn_request(path: str, rows: list[str], added: frozenset[int]) -> Iterator[ReviewFinding]:
    triggers = [n for n, row in enumerate(rows, 1) if _TARGET.match(_uncommented(row))]
    checkouts = [n for n, row in enumerate(rows, 1) if _HEAD_REF.match(_uncommented(row))]
    if not triggers or not checkouts:
        return
    spots = [n for n in (*checkouts, *triggers) if n in added]
    if not spots:
        return  # the risk was there before this pull request
    detail = (
        "**Workflow risk**: this workflow runs on `pull_request_target`, which holds the "
        "base repository's secrets and a write token, and it checks out the pull request's "
        "head. Code from a fork then runs with those secrets. Use `pull_request`, or do not "
        "check out or run the head's code in this workflow."
    )
    yield _finding(path, spots[0], "pull-request-target-checkout",
                   "pull_request_target with a checkout of the head", detail, "pwn")  # fmt: skip


def _new_writes(
    path: str, rows: list[str], base: str, added: frozenset[int]
) -> Iterator[ReviewFinding]:
    before = Counter(_grant(row) for row in base.split("\n"))
    seen: Counter[str] = Counter()
    for number, row in enumerate(rows, 1):
        grant = _grant(row)
        if grant is None:
            continue
        seen[grant] += 1
        if number in added and seen[grant] > before[grant]:
            detail = (
                f"**Workflow permission**: this grants `{grant}` to the job's token. "
                "Grant the least a job needs, per job rather than per workflow."
            )
            yield _finding(path, number, "workflow-write-permission",
                           f"new `{grant}` permission", detail, grant)  # fmt: skip


def _grant(row: str) -> str | None:
    match = _WRITE.match(_uncommented(row))
    if match is None:
        return None
    return "write-all" if match.group("all") else f"{match.group('scope')}: write"


def _uncommented(row: str) -> str:
    return row.split(" #", 1)[0] if not row.lstrip().startswith("#") else ""


def _indent(row: str) -> int:
    return len(row) - len(row.lstrip(" "))


def _finding(path: str, line: int, code: str, title: str, detail: str, what: str) -> ReviewFinding:
    rule = f"kairos/{code}"
    return ReviewFinding(
        source=Source.WORKFLOW,
        rule=rule,
        path=path,
        line=line,
        title=title,
        detail=detail,
        fingerprint=fingerprint(rule, path, what, prefix="workflow"),
        severity=0,
    )


def workflow_files(texts: Mapping[str, str | None]) -> tuple[str, ...]:
    return tuple(p for p in texts if is_workflow(p))
