from __future__ import annotations

from kairos_ci.bundle.policy import ChangeBudget, effective_level, refusals
from kairos_ci.config.load import parse_config
from kairos_ci.config.records import Level
from tests.bundle.builders import bundle, comment_write, pr_write, review_write

SHA = "b" * 40


def test_pr_cap_and_observe() -> None:
    config = parse_config(
        b"version: 1\nautonomy:\n  default: auto\nlimits:\n  max_new_prs_per_run: 1\n", "c"
    )
    planned = bundle(
        pr_write(SHA, "p1", branch="kairos/a", fingerprint="a"),
        pr_write(SHA, "p2", branch="kairos/b", fingerprint="b"),
        comment_write(1, "x", "c", autonomy="observe"),
    )
    found = refusals(planned, config, ChangeBudget())
    assert found == {
        1: "limits.max_new_prs_per_run is 1",
        2: "autonomy is observe: nothing is written",
    }


def test_reviews_are_speech_whatever_the_bundle_claims() -> None:
    config = parse_config(b"version: 1\nautonomy:\n  default: auto\n", "c")
    [write] = bundle(review_write(3, [])).writes
    assert effective_level(write, config) is Level.SUGGEST
    assert effective_level(write, None) is Level.SUGGEST


def test_patch_size_is_capped_before_anything_is_built() -> None:
    planned = bundle(pr_write(SHA, "x" * 2000))
    assert refusals(planned, None, ChangeBudget(max_patch_bytes=1000)) == {
        0: "the patch is 2000 bytes, over the limit of 1000"
    }


def test_no_pull_request_is_made_from_the_memory_branch_or_outside_kairos() -> None:
    custom = parse_config(
        b"version: 1\nautonomy:\n  default: auto\nmemory:\n  branch: kairos/brain\n", "c"
    )
    planned = bundle(
        pr_write(SHA, "p", branch="kairos/memory", fingerprint="a"),
        pr_write(SHA, "p", branch="kairos/brain", fingerprint="b"),
        pr_write(SHA, "p", branch="kairos/fix", fingerprint="c"),
    )
    assert refusals(planned, None, ChangeBudget()) == {
        0: "kairos/memory is kairos's memory branch: no pull request is made from it"
    }
    found = refusals(planned, custom, ChangeBudget())
    assert found == {1: "kairos/brain is kairos's memory branch: no pull request is made from it"}
