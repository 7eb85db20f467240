"""Nothing a bundle would publish holds a secret or a token: checked where it is applied."""

from __future__ import annotations

import urllib.parse
from typing import Any

import pytest

from kairos_ci.agent.redact import MARK, Redactor
from kairos_ci.bundle.apply import ApplySettings, apply
from kairos_ci.bundle.records import Status
from kairos_ci.bundle.secrets import refusals
from kairos_ci.context import Secret
from kairos_ci.forge.branches import Branches
from kairos_ci.sandbox.github.server import GitHubSandbox
from tests.bundle.builders import (
    bundle,
    comment_write,
    dashboard_write,
    label_write,
    make_patch,
    pr_write,
    review_write,
)
from tests.sandbox.github.world import MAINTAINER_TOKEN, World, client, forge_for

TOKEN = "ghs_" + "Zq7Lm2Xv9Rt4Kp8Wn3Yb6Hc1Jd5Fg0Ts2Ue"  # GitHub-shaped: ghs_ + 36
KEY = "s3cr3t/value+with spaces&more"  # a known secret no token shape matches
NOTHING_KNOWN = Redactor.of()


def _binary_patch(world: World, name: str, data: bytes) -> tuple[str, str]:
    base = world.git("rev-parse", "HEAD")
    (world.work / name).write_bytes(data)
    world.git("add", "-A")
    patch = world.git("diff", "--cached", "--binary", base) + "\n"
    world.git("reset", "-q", "--hard", base)
    return base, patch


def test_a_token_two_edits_put_together_is_refused_by_field(world: World) -> None:
    first, second = TOKEN[:18], TOKEN[18:]
    text = "".join(f"line {i}\n" for i in range(1, 41))
    text = text.replace("line 3\n", f'KEY = "{first}\n')  # one edit writes half of it,
    text = text.replace(f'"{first}\n', f'"{first}{second}"\n')  # another the rest
    assert not NOTHING_KNOWN.finds(f'"{first}') and not NOTHING_KNOWN.finds(second + '"')
    base, patch = make_patch(world, {"app.py": text})
    found = refusals(bundle(pr_write(base, patch)), NOTHING_KNOWN)
    assert found == {0: "not published: a secret or token in the patch (app.py)"}
    assert TOKEN not in found[0] and first not in found[0]


def test_a_known_secret_url_encoded_in_a_pr_body_is_refused(world: World) -> None:
    base, patch = make_patch(world, {"app.py": "fixed\n"})
    body = f"Reproduce with https://example.com/?key={urllib.parse.quote_plus(KEY)}"
    planned = bundle(pr_write(base, patch, body=body))
    assert refusals(planned, NOTHING_KNOWN) == {}
    found = refusals(planned, Redactor.of([Secret(KEY)]))
    assert found == {0: "not published: a secret or token in the PR body"}


def test_a_secret_on_a_removed_line_is_not_a_leak(world: World) -> None:
    world.commit({"config.py": f'TOKEN = "{TOKEN}"\nKEY = "{KEY}"\nDEBUG = True\n'}, "leak")
    base, patch = make_patch(world, {"config.py": "DEBUG = True\n"})
    assert TOKEN in patch and KEY in patch
    assert refusals(bundle(pr_write(base, patch)), Redactor.of([Secret(KEY)])) == {}


def test_a_clean_bundle_is_not_refused(world: World) -> None:
    base, patch = make_patch(world, {"app.py": "fixed\n", "docs/notes.md": "# Notes\n"})
    comments = [{"path": "app.py", "line": 5, "body": "nit", "fingerprint": "f-5"}]
    planned = bundle(
        label_write(),
        pr_write(base, patch),
        review_write(1, comments),
        comment_write(1, "flaky: test_a", "flaky-a"),
        dashboard_write("## Needs your decision\n- nothing"),
    )
    assert refusals(planned, Redactor.of([Secret(KEY), Secret(TOKEN)])) == {}


NO_PATCH = "diff --git a/app.py b/app.py\n"


def _pr(**payload: Any) -> dict[str, Any]:
    return pr_write("0" * 40, NO_PATCH, **payload)


@pytest.mark.parametrize(
    ("write", "field"),
    [
        (_pr(title=f"Fix {TOKEN}"), "PR title"),
        (_pr(change={"base_sha": "0" * 40, "patch": NO_PATCH, "message": TOKEN}), "commit message"),
        (_pr(labels=["kairos", TOKEN]), "labels"),
        (pr_write("0" * 40, NO_PATCH, branch=f"kairos/{TOKEN}"), "branch name"),
        (comment_write(1, f"use {TOKEN}", "c-1"), "comment body"),
        (review_write(1, [{"path": "a", "line": 1, "body": TOKEN, "fingerprint": "f"}]), "inline"),
        (dashboard_write(f"- {TOKEN}"), "dashboard text"),
        ({**label_write(), "why": f"because {TOKEN}"}, "why text"),
    ],
)
def test_every_published_field_is_scanned_and_named(write: dict[str, Any], field: str) -> None:
    [reason] = refusals(bundle(write), NOTHING_KNOWN).values()
    assert reason.startswith(f"not published: a secret or token in the {field}")
    assert TOKEN not in reason


def test_a_secret_in_a_file_name_is_not_repeated_in_the_reason(world: World) -> None:
    base, patch = make_patch(world, {f"keys/{TOKEN}.txt": "x\n"})
    [reason] = refusals(bundle(pr_write(base, patch)), NOTHING_KNOWN).values()
    assert reason == f"not published: a secret or token in the patch (keys/{MARK}.txt)"


def test_a_line_break_git_does_not_see_hides_nothing(world: World) -> None:
    base, patch = make_patch(world, {"app.py": f"x = 1\f{TOKEN}\n"})
    assert refusals(bundle(pr_write(base, patch)), NOTHING_KNOWN)


def test_binary_changes_are_read_before_they_are_published(world: World) -> None:
    base, clean = _binary_patch(world, "blob.bin", b"\0\1\2 nothing to see " * 50)
    _, leaky = _binary_patch(world, "blob.bin", b"\0\1\2" + TOKEN.encode() + b"\0")
    assert "GIT binary patch" in clean and "GIT binary patch" in leaky
    assert refusals(bundle(pr_write(base, clean)), NOTHING_KNOWN) == {}
    found = refusals(bundle(pr_write(base, leaky)), NOTHING_KNOWN)
    assert found == {0: "not published: a secret or token in the patch (blob.bin)"}
    garbled = leaky.replace("literal", "literal 9\n~~~~~\n\nliteral", 1)
    [reason] = refusals(bundle(pr_write(base, garbled)), NOTHING_KNOWN).values()
    assert "patch (blob.bin): unreadable binary" in reason


def test_a_token_inserted_into_a_binary_file_is_found_in_the_delta(world: World) -> None:
    blob = bytes(range(256)) * 80
    (world.work / "blob.bin").write_bytes(blob)
    world.git("add", "-A")
    world.git("commit", "-q", "-m", "blob")
    base, patch = _binary_patch(world, "blob.bin", blob[:9000] + TOKEN.encode() + blob[9000:])
    assert "\ndelta " in patch
    assert refusals(bundle(pr_write(base, patch)), NOTHING_KNOWN)


def test_a_leaking_write_fails_and_the_others_are_applied(
    world: World, sandbox: GitHubSandbox
) -> None:
    base, patch = make_patch(world, {"app.py": f'TOKEN = "{TOKEN}"\n'})
    issue = client(sandbox, MAINTAINER_TOKEN).get_repo(world.full_name).create_issue(title="x")
    planned = bundle(
        pr_write(base, patch),
        comment_write(issue.number, "flaky: test_a", "flaky-a"),
        comment_write(issue.number, f"run it with KEY={' '.join(KEY)}", "leak"),
    )
    settings = ApplySettings(secrets=(Secret(KEY),))
    result = apply(planned, forge_for(sandbox, world), Branches(world.work), settings)
    # A leak is a failure someone must look at, not a quiet skip.
    assert [o.status for o in result.outcomes] == [Status.FAILED, Status.APPLIED, Status.FAILED]
    assert result.outcomes[0].reason == "not published: a secret or token in the patch (app.py)"
    assert result.outcomes[2].reason == "not published: a secret or token in the comment body"
    assert result.outcomes[2].write.intent.body == f"run it with KEY={MARK}"  # as shown
    assert TOKEN not in str(result.outcomes[0].write)
    assert world.git("ls-remote", "--heads", "origin").count("refs/heads/") == 1
    state = sandbox.state()["repos"]["octo/app"]
    assert state["pulls"] == []
    assert [c["body"].splitlines()[0] for c in state["comments"]] == ["flaky: test_a"]
