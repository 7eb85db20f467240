"""Ticks on the plan comment: a writer's approval is kept once; a non-writer's tick and a
body edit are reverted; bots, other comments and older versions are left alone."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from kairos_ci.coordinator.progress import ProgressView, render_progress
from kairos_ci.coordinator.records import Board, Question
from kairos_ci.events.records import IssueCommentCreated, Repository, User
from kairos_ci.forge.markers import with_marker
from kairos_ci.pipeline.plan_ticks import TickReply, TickStep, TickWiring, read_tick
from kairos_ci.plan.checkpoints import DirectoryCheckpoints
from kairos_ci.plan.comment import render_plan_comment, with_work
from kairos_ci.plan.current import current_plan, keep_current, with_approval
from kairos_ci.plan.records import Approval, Plan
from kairos_ci.plan.review import with_ticks
from tests.pipeline.plan_test import RecordingForge
from tests.plan.review_test import tick
from tests.plan.sample import base_repo, commit, sample_plan

KAIROS = User("kairos-ci[bot]", is_bot=True)
MARIA, EVE = User("maria", is_bot=False), User("eve", is_bot=False)
TOM = User("tom", is_bot=False)
FINGERPRINT = "plan.issue-7.v1"
NOW = datetime(2026, 11, 27, 5, 0, tzinfo=UTC)


@dataclass
class Rig:
    plan: Plan
    posted: str
    forge: RecordingForge
    wiring: TickWiring
    logged: list[str]

    def edit(self, body: str, editor: User = MARIA, **changes: object) -> TickReply:
        fields: dict[str, object] = {
            "action": "edited",
            "issue_number": 7,
            "on_pull_request": False,
            "comment_id": 70,
            "body": body,
            "author": KAIROS,
            "author_association": "NONE",
            "repository": Repository("octo/shop", "main"),
            "sender": editor,
            "previous_body": self.posted,
        }
        fields.update(changes)
        return read_tick(IssueCommentCreated(**fields), self.wiring)  # type: ignore[arg-type]

    def kept(self) -> Plan | None:
        return current_plan(self.wiring.store, "issue-7")


def rig(tmp_path: Path) -> Rig:
    git = base_repo(tmp_path / "app")
    plan = sample_plan(plan_id="issue-7", base_sha=git.text("rev-parse", "HEAD"))
    store = DirectoryCheckpoints(tmp_path / "plans")
    keep_current(store, plan)
    posted = with_marker(render_plan_comment(plan), FINGERPRINT, "comment")
    forge, logged = RecordingForge(), []
    forge.comments[FINGERPRINT] = posted
    wiring = TickWiring(forge, store, lambda: NOW, logged.append, git)
    return Rig(plan, posted, forge, wiring, logged)


def test_a_writer_s_approval_is_kept_once_with_approver_time_hash_and_choices(
    tmp_path: Path,
) -> None:
    setup = rig(tmp_path)
    ticked = tick(setup.posted, "dp=D1:opt=b", "approve")
    reply = setup.edit(ticked)
    assert reply.step is TickStep.APPROVED
    assert reply.why == f"maria approved plan {setup.plan.hash8} (D1=b)"
    kept = setup.kept()
    assert kept is not None and kept.plan_hash == setup.plan.plan_hash
    assert kept.approvals == (
        Approval("maria", "2026-11-27T05:00:00Z", setup.plan.plan_hash, {"D1": "b"}),
    )
    assert setup.forge.asked == ["maria"] and setup.forge.writes == []
    again = setup.edit(ticked, previous_body=ticked)  # GitHub redelivers, or a second save
    assert again.step is TickStep.APPROVED and setup.kept() == kept


def test_ticks_that_make_no_approval_yet_and_a_change_request(tmp_path: Path) -> None:
    setup = rig(tmp_path)
    pending = setup.edit(tick(setup.posted, "approve"))
    assert pending.step is TickStep.PENDING
    assert pending.why == "D1: tick one option; this decision is required"
    changes = setup.edit(tick(setup.posted, "changes"))
    assert changes.step is TickStep.CHANGES_REQUESTED
    kept = setup.kept()
    assert kept is not None and kept.approvals == ()


def test_a_non_writer_s_tick_is_reverted_quietly_to_the_body_before_it(tmp_path: Path) -> None:
    setup = rig(tmp_path)
    before = tick(setup.posted, "dp=D1:opt=a")  # a maintainer's earlier, valid tick
    reply = setup.edit(tick(before, "approve"), EVE, previous_body=before)
    assert reply.step is TickStep.REVERTED
    assert reply.why == "eve has read permission; ticking needs write"
    assert setup.forge.comments[FINGERPRINT] == before
    assert set(setup.forge.comments) == {FINGERPRINT}  # no note: nothing said to a reader
    kept = setup.kept()
    assert kept is not None and kept.approvals == ()


def test_a_body_edit_is_reverted_with_a_note_even_with_approve_ticked(tmp_path: Path) -> None:
    setup = rig(tmp_path)
    edited = tick(setup.posted, "dp=D1:opt=a", "approve").replace("Fastify", "Koa", 1)
    reply = setup.edit(edited)
    assert reply.step is TickStep.REVERTED
    assert reply.why.startswith("maria: the comment was edited beyond its checkboxes")
    assert setup.forge.comments[FINGERPRINT] == setup.posted
    assert "changed more than its checkboxes" in setup.forge.comments["plan-note.7"]
    kept = setup.kept()
    assert kept is not None and kept.approvals == ()
    unknown = setup.edit(edited, previous_body=None)  # no earlier body: the canonical one
    assert unknown.step is TickStep.REVERTED
    assert setup.forge.comments[FINGERPRINT] == render_plan_comment(setup.plan)


def test_a_restore_github_refuses_is_a_failure(tmp_path: Path) -> None:
    setup = rig(tmp_path)
    setup.forge.failing = True
    reply = setup.edit(setup.posted + "\nmore")
    assert reply.step is TickStep.FAILED
    assert reply.why.endswith("the comment could not be restored (secondary rate limit)")


def test_bots_other_comments_and_older_versions_are_left_alone(tmp_path: Path) -> None:
    setup = rig(tmp_path)
    edited = setup.posted + "\nmore"
    renovate = User("renovate[bot]", is_bot=True)
    cases = {
        "renovate[bot] is a bot": setup.edit(edited, renovate),
        "not kairos's plan comment": setup.edit(edited, author=MARIA),
        "the comment was created": setup.edit(edited, action="created"),
        "the comment is not the current plan's": setup.edit(
            edited, previous_body=setup.posted.replace(FINGERPRINT, "plan.issue-7.v0")
        ),
        "no plan is kept for #8": setup.edit(edited, issue_number=8),
    }
    for why, reply in cases.items():
        assert reply.step is TickStep.IGNORED and reply.why.startswith(why), why
    assert setup.forge.asked == [] and setup.forge.writes == []


def test_an_approval_of_a_plan_whose_files_moved_is_kept_and_called_stale(
    tmp_path: Path,
) -> None:
    setup = rig(tmp_path)
    (setup.wiring.git.repo / "src/app.js").write_text("// changed on main since the plan\n")
    commit(setup.wiring.git, "app moved")
    reply = setup.edit(tick(setup.posted, "dp=D1:opt=b", "approve"))
    assert reply.step is TickStep.STALE
    assert reply.why.startswith(f"maria approved plan {setup.plan.hash8} (D1=b), but it is stale")
    kept = setup.kept()
    assert kept is not None and len(kept.approvals) == 1
    note = setup.forge.comments["plan-note.7"]
    assert "approved but **stale**" in note and "src/app.js" in note
    assert "/kairos plan revise" in note


def working(tmp_path: Path) -> Rig:
    """Maria approved the plan; the work asked D2, shown below the plan with its boxes."""
    setup = rig(tmp_path)
    approval = Approval("maria", "2026-11-27T05:00:00Z", setup.plan.plan_hash, {"D1": "b"})
    approved = with_approval(setup.plan, approval)
    keep_current(setup.wiring.store, approved)
    asked = Question("D2", "Keep the v1 routes?", ("keep them", "drop them"), "S1", "t")
    board = Board("issue-7", approved.plan_hash, (), {"D1": "b", "D2": None}, questions=(asked,))
    work = render_progress(board, ProgressView(NOW))
    posted = with_marker(with_work(with_ticks(approved, approval), work), FINGERPRINT, "comment")
    setup.forge.comments[FINGERPRINT] = posted
    return replace(setup, plan=approved, posted=posted)


def test_a_tick_below_the_plan_is_an_answer_kept_for_the_board_not_an_approval(
    tmp_path: Path,
) -> None:
    setup = working(tmp_path)
    ticked = tick(setup.posted, "dp=D2:opt=b")
    reply = setup.edit(ticked, TOM)
    assert reply.step is TickStep.ANSWERED
    assert reply.why == f"tom answered D2=b on plan {setup.plan.hash8}"
    kept = (tmp_path / "plans" / "issue-7" / "answer-d2.json").read_text()
    assert json.loads(kept) == {
        "point": "D2",
        "key": "b",
        "by": "tom",
        "at": "2026-11-27T05:00:00Z",
    }
    plan = setup.kept()
    assert plan is not None and [a.approver for a in plan.approvals] == ["maria"]
    assert setup.forge.writes == []
    both = setup.edit(tick(ticked, "dp=D2:opt=a"), TOM, previous_body=ticked)
    assert (both.step, both.why) == (TickStep.PENDING, "D2: 2 options ticked; tick one")


def test_a_reader_s_answer_is_reverted_and_kept_nowhere(tmp_path: Path) -> None:
    setup = working(tmp_path)
    reply = setup.edit(tick(setup.posted, "dp=D2:opt=a"), EVE)
    assert reply.step is TickStep.REVERTED
    assert setup.forge.comments[FINGERPRINT] == setup.posted
    assert not (tmp_path / "plans" / "issue-7" / "answer-d2.json").exists()
