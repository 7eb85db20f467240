"""Composing the one review: which findings go inline, the body, and the coverage footer.

A finding goes inline when its line is one GitHub shows in the pull request's diff (a
suggestion also needs every line it replaces to be an added line). Findings on the same
line share one comment (at most one of their suggestions goes with it: two would
conflict). The first ``limits.max_review_comments`` comments, most serious first, are
posted; the rest, and findings with no line in the diff, are listed in the body. The
footer says what was read and what was not, and never calls the review complete.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kairos_ci.forge.markers import fingerprint
from kairos_ci.forge.records import InlineComment
from kairos_ci.tasks.review.markdown import code, fence
from kairos_ci.tasks.review.records import RANK, Coverage, PullDiff, ReviewFinding, ReviewScope

MAX_PER_COMMENT = 10  # findings in one line's comment; more are listed in the body
MAX_LISTED = 50  # body list entries; the job summary has them all
MAX_BODY_CHARS = 60_000  # GitHub takes 65,536; the marker and a margin need the rest
_CUT = "\n\n_(cut here: the full list is in the run's job summary)_"
MAX_NOT_REVIEWED = 30
NOT_COMPLETE = (
    "_Automated checks and a model can miss problems: this is not a complete review, "
    "and it never approves._"
)


@dataclass(frozen=True)
class Composed:
    body: str
    comments: tuple[InlineComment, ...]
    inline: tuple[ReviewFinding, ...]
    listed: tuple[ReviewFinding, ...]  # in the body


def ranked(findings: Sequence[ReviewFinding]) -> list[ReviewFinding]:
    return sorted(findings, key=lambda f: (RANK[f.source], f.severity, f.path, f.line or 0))


def compose(
    findings: Sequence[ReviewFinding],
    pull: PullDiff,
    scope: ReviewScope,
    coverage: Coverage,
    limit: int,
) -> Composed:
    spots: dict[tuple[str, int | None], list[ReviewFinding]] = {}
    unplaced: list[ReviewFinding] = []
    for finding in ranked(findings):
        if placeable(finding, pull):
            spots.setdefault(anchor(finding), []).append(finding)
        else:
            unplaced.append(finding)
    groups = list(spots.values())  # in the rank of each line's most serious finding
    posted = [group[:MAX_PER_COMMENT] for group in groups[:limit]]
    inline = [f for group in posted for f in group]
    over = [f for group in groups[:limit] for f in group[MAX_PER_COMMENT:]]
    over += [f for group in groups[limit:] for f in group]
    body = _body(pull, scope, coverage, (inline, len(posted)), over, unplaced, limit)
    comments = tuple(_comment(group) for group in posted)
    return Composed(body, comments, tuple(inline), (*over, *unplaced))


def anchor(finding: ReviewFinding) -> tuple[str, int | None]:
    """The line a finding's comment hangs on (GitHub shows a comment at its last line)."""
    line = finding.suggestion.end if finding.suggestion is not None else finding.line
    return finding.path, line


def placeable(finding: ReviewFinding, pull: PullDiff) -> bool:
    changed = pull.diff.file(finding.path)
    if changed is None or finding.line is None:
        return False
    shown = changed.added | changed.context
    if finding.suggestion is not None:
        s = finding.suggestion
        return all(n in changed.added for n in range(s.start, s.end + 1))
    first = finding.start_line or finding.line
    return all(n in shown for n in range(first, finding.line + 1))


def _comment(group: list[ReviewFinding]) -> InlineComment:
    """One comment for the findings on one line, most serious first."""
    fixer = next((f for f in group if f.suggestion is not None), None)
    fix = fixer.suggestion if fixer is not None else None
    # Placeable findings have a line; with a suggestion, the comment covers exactly
    # what it replaces.
    last = fix.end if fix is not None else (group[0].line or 0)
    first = fix.start if fix is not None else min((f.start_line or f.line or 0) for f in group)
    parts = [_part(f, with_suggestion=f is fixer) for f in group]
    if len(group) == 1:
        text, fp = parts[0], group[0].fingerprint
    else:
        heading = f"**{len(group)} findings on this line:**"
        text = heading + "\n\n" + "\n\n---\n\n".join(parts)
        fp = fingerprint(*(f.fingerprint for f in group), prefix="line")
    start = first if 0 < first < last else None
    return InlineComment(group[0].path, last, text, fp, start_line=start)


def _part(finding: ReviewFinding, *, with_suggestion: bool) -> str:
    text = finding.detail
    if with_suggestion and finding.suggestion is not None:
        s = finding.suggestion
        marks = fence(s.text)
        block = f"{s.text}\n" if s.text else ""
        text += f"\n\n{marks}suggestion\n{block}{marks}"
    return f"{text}\n\n{_footnote(finding)}"


def _footnote(finding: ReviewFinding) -> str:
    return (
        f"_kairos · {code(finding.rule, 80)} · not useful? comment on the pull request "
        f"`/kairos ignore {finding.fingerprint}` (this finding) or "
        f"`/kairos ignore {finding.rule}` (this rule)_"
    )


def _body(
    pull: PullDiff,
    scope: ReviewScope,
    coverage: Coverage,
    inline: tuple[list[ReviewFinding], int],  # the findings in comments, and the comments
    over: list[ReviewFinding],
    unplaced: list[ReviewFinding],
    limit: int,
) -> str:
    said, comments = inline
    total = len(said) + len(over) + len(unplaced)
    what = scope.note or "this pull request"
    lines = [f"**kairos** reviewed {what} (head `{pull.head[:12]}`): {_count(total)}."]
    if comments == len(said) and said:
        lines.append(f"{len(said)} of them are comments on the lines they concern.")
    elif said:
        lines.append(
            f"{len(said)} of them are in {comments} comments on the lines they concern "
            "(one comment per line)."
        )
    if over:
        lines += ["", f"**More findings** (over `limits.max_review_comments`, {limit}):", ""]
        lines += _listed(over)
    if unplaced:
        lines += ["", "**Not on a line of this diff:**", ""]
        lines += _listed(unplaced, details=True)
    tail = "\n".join(["", *footer(coverage)])
    text = "\n".join(lines)
    room = MAX_BODY_CHARS - len(tail)
    if len(text) > room:  # the lists give way; the coverage footer always stays
        text = text[: room - len(_CUT)] + _CUT
    return text + tail


def _count(n: int) -> str:
    return "nothing new to say" if n == 0 else f"{n} new finding{'s' if n != 1 else ''}"


def _listed(findings: list[ReviewFinding], details: bool = False) -> list[str]:
    rows = []
    for f in findings[:MAX_LISTED]:
        where = f"{code(f.path)} line {f.line}" if f.line else code(f.path)
        text = f.detail if details else f.title
        rows.append(f"- {where}: {' '.join(text.split())} (`{f.fingerprint}`)")
    if len(findings) > MAX_LISTED:
        rows.append(f"- and {len(findings) - MAX_LISTED} more: see the run's job summary")
    return rows


def footer(coverage: Coverage) -> list[str]:
    rows = [
        "---",
        "**Coverage**",
        "",
        f"- Deterministic checks (secrets, debug leftovers, test integrity, workflows, early "
        f"warnings): read {coverage.checked} of {coverage.files} changed file(s) in scope.",
        f"- Linters: {coverage.linters}.",
    ]
    if coverage.preexisting is not None:
        rows.append(
            f"- Left out: {coverage.preexisting} lint finding(s) on changed lines that the "
            "base branch already had (moved or re-indented, not introduced here)."
        )
    rows.append(f"- Model review: {coverage.model}.")
    missing = coverage.not_reviewed
    if missing:
        rows += ["", f"**Not reviewed** ({len(missing)}):", ""]
        rows += [f"- {code(item.path)}: {item.why}" for item in missing[:MAX_NOT_REVIEWED]]
        if len(missing) > MAX_NOT_REVIEWED:
            rows.append(f"- and {len(missing) - MAX_NOT_REVIEWED} more: see the run's job summary")
    rows += ["", NOT_COMPLETE]
    return rows
