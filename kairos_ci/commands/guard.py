"""``kairos-ci guard --base REV [--head REV]``: does a diff weaken the tests?

Prints one line per verdict (rule, file, line) with its class, the check that fired and
``old -> new``, and a total; exits 1 when anything is flagged. Without ``--head`` it
checks the working tree, untracked files included (the user's index is not touched), so
it works before a commit and in CI alike. ``--collected-before/--collected-after`` take
``pytest --collect-only -q`` output from both sides, to account for every collected test.
"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

from kairos_ci.errors import UsageError
from kairos_ci.guard.accounting import parse_collect_only
from kairos_ci.guard.check import check_patch
from kairos_ci.guard.records import CollectedRuns
from kairos_ci.guard.revisions import patch_versions, repo_context, top_level

if TYPE_CHECKING:
    from kairos_ci.guard.records import CollectedRuns, GuardReport, GuardVerdict


def run(args: argparse.Namespace) -> int:

    repo = top_level(args.repo)
    files = patch_versions(repo, args.base, args.head)
    report = check_patch(files, repo_context(repo, args.head, _collected(args)))
    if args.json:
        print(json.dumps(_as_json(report), indent=2))
    else:
        for verdict in report.verdicts:
            print(verdict)
            print(f"    {_detail(verdict)}")
        flagged, notes = len(report.flagged), len(report.verdicts) - len(report.flagged)
        print(f"guard: {flagged} flagged, {notes} notes, {report.files} files changed")
    return 1 if report.flagged else 0


def _collected(args: argparse.Namespace) -> CollectedRuns | None:

    before, after = args.collected_before, args.collected_after
    if before is None and after is None:
        return None
    if before is None or after is None:
        raise UsageError("--collected-before and --collected-after go together")
    try:
        texts = [path.read_text(errors="replace") for path in (before, after)]
    except OSError as err:
        raise UsageError(f"cannot read collected test ids: {err}") from None
    return CollectedRuns(parse_collect_only(texts[0]), parse_collect_only(texts[1]))


def _detail(verdict: GuardVerdict) -> str:
    change = f": {verdict.old or '(none)'} -> {verdict.new or '(none)'}"
    shown = change if verdict.old or verdict.new else ""
    return f"[{verdict.kind} / {verdict.check or verdict.rule}]{shown}"


def _as_json(report: GuardReport) -> dict[str, Any]:
    return {
        "ok": report.ok,
        "files": report.files,
        "verdicts": [
            {
                "class": str(v.kind),
                "rule": str(v.rule),
                "check": v.check,
                "flagged": v.flagged,
                "acceptable": v.acceptable,
                "file": v.path,
                "line": v.line,
                "test": v.test,
                "old": v.old,
                "new": v.new,
                "message": v.message,
                "id": v.identity,
            }
            for v in report.verdicts
        ],
    }
