"""Shaping one review: which comments go inline, which go into the body, and the payload.

Comments outside the PR's hunks would make GitHub reject the whole review, so they
are listed in the body instead.
"""

from __future__ import annotations

from collections.abc import Iterable

from kairos_ci.forge.hunks import commentable, placeable
from kairos_ci.forge.markers import fit, with_marker
from kairos_ci.forge.records import InlineComment, PullFile, ReviewSpec


def split(
    spec: ReviewSpec, files: Iterable[PullFile]
) -> tuple[list[InlineComment], list[InlineComment], str]:
    """(inline comments, comments outside the diff, the body listing the latter)."""
    lines = commentable(files)
    inline = [c for c in spec.comments if placeable(c, lines)]
    outside = [c for c in spec.comments if not placeable(c, lines)]
    return inline, outside, with_outside(spec.body, outside)


def with_outside(body: str, outside: list[InlineComment]) -> str:
    if not outside:
        return body
    lines = [body.rstrip(), "", "Outside the diff of this pull request:", ""]
    for c in outside:
        text = " ".join(c.body.split())
        lines.append(f"- `{c.path}` line {c.line}: {text}")
    return "\n".join(lines).strip()


def payload(body: str, comments: list[InlineComment], commit_id: str | None) -> dict[str, object]:
    """The body of ``POST /pulls/{n}/reviews``: every comment in one request."""
    items = []
    for c in comments:
        item: dict[str, object] = {
            "path": c.path,
            "line": c.line,
            "side": c.side,
            "body": fit(with_marker(c.body, c.fingerprint, "finding")),
        }
        if c.start_line is not None:
            item["start_line"] = c.start_line
            item["start_side"] = c.side
        items.append(item)
    answer: dict[str, object] = {"body": body, "event": "COMMENT", "comments": items}
    if commit_id:
        answer["commit_id"] = commit_id
    return answer
