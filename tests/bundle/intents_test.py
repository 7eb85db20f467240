"""Each kind of write keeps its bundle-file shape through the typed record, both ways."""

from __future__ import annotations

from typing import Any

import pytest

from kairos_ci.bundle.intents import (
    ChangeToPush,
    EnableAutoMerge,
    Kind,
    OpenPullRequest,
    PostReview,
    intent_json,
    parse_intent,
)
from kairos_ci.bundle.load import parse_bundle
from kairos_ci.forge.records import InlineComment

SHA = "a" * 40
SHAPES: list[tuple[Kind, dict[str, Any]]] = [
    (
        Kind.PULL_REQUEST,
        {
            "target": {"branch": "kairos/fix-lint/ruff", "base": "main"},
            "payload": {
                "title": "Fix ruff findings",
                "body": "body",
                "labels": ["kairos"],
                "change": {"base_sha": SHA, "patch": "diff --git a/x b/x\n", "message": "m"},
                "draft": True,
                "approval": "fix_lint.ruff.0123456789abcdef",
            },
        },
    ),
    (
        Kind.REVIEW,
        {
            "target": {"pull_number": 7},
            "payload": {
                "body": "review",
                "comments": [
                    {"path": "a.py", "line": 3, "body": "b", "fingerprint": "f", "side": "RIGHT"},
                    {
                        "path": "b.py",
                        "line": 9,
                        "body": "c",
                        "fingerprint": "g",
                        "side": "RIGHT",
                        "start_line": 7,
                    },
                ],
                "commit_id": SHA,
            },
        },
    ),
    (Kind.COMMENT, {"target": {"number": 4}, "payload": {"body": "hello"}}),
    (Kind.DASHBOARD, {"target": {"label": "kairos"}, "payload": {"title": "t", "body": "b"}}),
    (Kind.LABEL, {"target": {"name": "kairos"}, "payload": {"color": "5319e7"}}),
    (Kind.LABELS, {"target": {"number": 4}, "payload": {"labels": ["kairos", "flaky"]}}),
    (Kind.AUTO_MERGE, {"target": {"pull_number": 4}, "payload": {"method": "squash"}}),
    (Kind.AUTO_MERGE, {"target": {"branch": "kairos/x"}, "payload": {"method": "rebase"}}),
]


@pytest.mark.parametrize(
    ("kind", "shape"), SHAPES, ids=[f"{k}-{i}" for i, (k, _) in enumerate(SHAPES)]
)
def test_a_write_reads_into_its_record_and_back_into_the_same_json(
    kind: Kind, shape: dict[str, Any]
) -> None:
    intent = parse_intent(kind, shape["target"], shape["payload"])
    assert intent.KIND is kind
    assert intent_json(intent) == shape


@pytest.mark.parametrize(
    ("kind", "shape"), SHAPES, ids=[f"{k}-{i}" for i, (k, _) in enumerate(SHAPES)]
)
def test_every_record_written_out_is_a_write_the_bundle_schema_accepts(
    kind: Kind, shape: dict[str, Any]
) -> None:
    item = {"kind": kind.value, "fingerprint": "f", "autonomy": "auto", "why": "w", **shape}
    (write,) = parse_bundle({"version": 1, "repository": "o/r", "writes": [item]}).writes
    assert write.kind is kind and intent_json(write.intent) == shape


def test_records_read_as_fields_not_keys() -> None:
    (pr_kind, pr), (review_kind, review) = SHAPES[0], SHAPES[1]
    intent = parse_intent(pr_kind, pr["target"], pr["payload"])
    assert isinstance(intent, OpenPullRequest)
    assert intent.change == ChangeToPush(SHA, "diff --git a/x b/x\n", "m")
    assert intent.labels == ("kairos",)
    assert intent.describe() == "pull request kairos/fix-lint/ruff -> main"
    posted = parse_intent(review_kind, review["target"], review["payload"])
    assert isinstance(posted, PostReview) and posted.describe() == "review on #7"
    assert posted.comments[1] == InlineComment("b.py", 9, "c", "g", start_line=7)
    assert EnableAutoMerge("squash", branch="kairos/x").describe() == "auto-merge of kairos/x"
    assert EnableAutoMerge("squash", pull_number=3).describe() == "auto-merge of #3"
