"""Which failed run `/kairos fix` takes, the event it stands for, and what its reply says."""

from __future__ import annotations

from kairos_ci.agent.claude import NO_KEY
from kairos_ci.bundle.intents import PostComment
from kairos_ci.bundle.records import ApplyResult, Bundle, Status, Write, WriteOutcome
from kairos_ci.config.load import parse_config
from kairos_ci.config.records import Level
from kairos_ci.events.records import Repository
from kairos_ci.forge.records import PullRequest, WorkflowRun
from kairos_ci.report.summary import RunReport, Skip
from kairos_ci.stages.outcome import RunOutcome
from kairos_ci.tasks.chat.fix import (
    MAX_LINES,
    fix_reply,
    latest_failed,
    no_failed_run,
    refusal,
    run_event,
)

HEAD = "c" * 40


def run(run_id: int, name: str, conclusion: str | None) -> WorkflowRun:
    url = f"https://github.com/o/r/actions/runs/{run_id}"
    return WorkflowRun(run_id, name, "feature", HEAD, "pull_request", "completed", conclusion, url)


def pull(author: str = "maria") -> PullRequest:
    return PullRequest(
        7, "https://x/pull/7", "N", "T", "", author, "feature", HEAD, "main", "open", False,
        head_repo="o/r",
    )  # fmt: skip


def outcome(outcomes: tuple[WriteOutcome, ...] = (), skips: tuple[Skip, ...] = ()) -> RunOutcome:
    report = RunReport("kairos-ci fix-tests", (), skipped=skips)
    return RunOutcome(report, Bundle("o/r", ()), ApplyResult(outcomes), 0)


def test_the_newest_failed_run_among_each_workflows_newest_is_taken() -> None:
    runs = [run(1, "CI", "failure"), run(2, "Lint", "failure"), run(3, "CI", "success")]
    taken = latest_failed(runs)
    assert taken is not None and taken.id == 2  # CI's re-run passed: nothing left to fix there
    assert latest_failed([run(1, "CI", "failure"), run(4, "Docs", "failure")]) == run(
        4, "Docs", "failure"
    )
    assert latest_failed([run(5, "CI", "success"), run(6, "CI", None)]) is None
    assert latest_failed([]) is None


def test_the_event_is_the_failed_runs_with_the_pull_requests_author_as_actor() -> None:
    event = run_event(pull("renovate[bot]"), run(9, "CI", "failure"), Repository("o/r", "main"))
    assert (event.run_id, event.head_sha, event.pull_numbers) == (9, HEAD, (7,))
    assert event.actor.login == "renovate[bot]" and event.actor.is_bot
    assert event.triggering_event == "pull_request" and not event.from_fork


def test_what_cannot_be_served_is_refused_with_its_reason() -> None:
    observe = parse_config(b"version: 1\nautonomy:\n  fix_tests: observe\n", "test")
    suggest = parse_config(b"version: 1\nautonomy:\n  fix_tests: suggest\n", "test")
    assert "autonomy.fix_tests is observe" in refusal(observe, has_model=True)
    assert refusal(suggest, has_model=False) == NO_KEY
    assert refusal(suggest, has_model=True) == ""
    assert "Nothing was queued" in no_failed_run(pull()) and HEAD[:12] in no_failed_run(pull())


def test_the_reply_links_the_suggestion() -> None:
    write = Write("fix_tests:pr7:x", Level.SUGGEST, "why", PostComment(7, "body"))
    posted = WriteOutcome(write, Status.APPLIED, url="https://x/pull/7#issuecomment-5")
    text = fix_reply(run(9, "CI", "failure"), outcome((posted,)))
    assert "[run 9](https://github.com/o/r/actions/runs/9)" in text
    assert "- suggested fix (kairos never pushes to a pull request): https://x/pull/7#" in text
    assert "No fix" not in text and "Left alone" not in text
    left = fix_reply(
        run(9, "CI", "failure"), outcome((posted,), (Skip("fix_tests (t)", "PR only"),))
    )
    assert left.endswith(
        "request): https://x/pull/7#issuecomment-5\nLeft alone:\n- fix\\_tests \\(t\\): PR only"
    )


def test_the_reply_says_why_not_in_inert_text() -> None:
    skips = tuple(
        Skip(f"fix_tests (t{i})", "see @maria at https://evil.example") for i in range(12)
    )
    text = fix_reply(run(9, "`CI` @x", "failure"), outcome(skips=skips))
    assert "No fix was proposed:" in text and "`@maria`" in text and " @maria" not in text
    assert "`https://evil.example`" in text and "`'CI' @x`" in text
    assert f"- and {12 - MAX_LINES} more, in the job summary" in text
    write = Write("fix_tests:pr7:x", Level.SUGGEST, "why", PostComment(7, "body"))
    failed = WriteOutcome(write, Status.FAILED, reason="403 forbidden")
    assert "- could not comment on #7: 403 forbidden" in fix_reply(
        run(9, "CI", "failure"), outcome((failed,))
    )
