"""``kairos-ci guard --base REV [--head REV]``: does a diff weaken the tests?

Prints one line per verdict (rule, file, line) and a total; exits 1 when anything is
flagged. Without ``--head`` it checks the working tree, untracked files included
(the user's index is not touched), so it works before a commit and in CI alike.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "guard",
        help="check a diff for weakened, skipped or deselected tests",
        description="Compare test files between two revisions and flag weakened tests. "
        "Exit 0 when nothing is flagged, 1 when something is, 2 on usage errors.",
    )
    parser.add_argument("--base", required=True, help="base revision (e.g. origin/main)")
    parser.add_argument("--head", help="head revision (default: the working tree)")
    parser.add_argument("--repo", type=Path, default=Path(), help="repository (default: .)")
    parser.add_argument("--json", action="store_true", help="print a JSON report")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from kairos_ci.guard.check import check
    from kairos_ci.guard.revisions import patch_versions, test_sources, top_level
    from kairos_ci.guard.special import test_literals_of

    repo = top_level(args.repo)
    files = patch_versions(repo, args.base, args.head)
    report = check(files, test_literals_of(test_sources(repo, args.head)))
    if args.json:
        print(json.dumps(_as_json(report), indent=2))
    else:
        for verdict in report.verdicts:
            print(verdict)
        flagged, notes = len(report.flagged), len(report.verdicts) - len(report.flagged)
        print(f"guard: {flagged} flagged, {notes} notes, {report.files} files changed")
    return 1 if report.flagged else 0


def _as_json(report: Any) -> dict[str, Any]:
    return {
        "ok": report.ok,
        "files": report.files,
        "verdicts": [
            {
                "rule": str(v.rule),
                "flagged": v.flagged,
                "path": v.path,
                "line": v.line,
                "test": v.test,
                "message": v.message,
            }
            for v in report.verdicts
        ],
    }
