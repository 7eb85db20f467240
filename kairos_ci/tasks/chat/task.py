"""One ``issue_comment`` event, top to bottom: is it a command, may its author give it,
acknowledge, answer once, and what memory learns.

Anything that is not an authorized command ends quietly: no reaction, no reply (a
reply to a stranger would make kairos a spam amplifier), only a line in the job
summary. An authorized command gets an ``eyes`` reaction and exactly one reply, found
again by a marker keyed by the command's comment id, so a redelivered event edits the
same reply instead of adding another.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from kairos_ci.config.records import Config
from kairos_ci.errors import ForgeError
from kairos_ci.events.records import IssueCommentCreated
from kairos_ci.forge.markers import fingerprints
from kairos_ci.forge.port import Forge
from kairos_ci.forge.records import CommentSpec, DashboardSpec, Issue
from kairos_ci.memory.records import Journal, Memory, RunRecord, RunResult
from kairos_ci.stages.records import RunInfo
from kairos_ci.tasks.chat.authorize import authorize, refused_early
from kairos_ci.tasks.chat.handle import answer
from kairos_ci.tasks.chat.parse import first_command
from kairos_ci.tasks.chat.plan_command import plan_command
from kairos_ci.tasks.chat.records import (
    Answer,
    Authorization,
    ChatCommand,
    ChatOutcome,
    CommandStatus,
    Name,
    Thread,
)

ACK = "eyes"
PLANNED_ELSEWHERE = "`/kairos plan` is answered by `kairos-ci plan` (the kairos-plan workflow)"
KAIROS_ACTIONS = "github-actions[bot]"  # who kairos comments as with the workflow's token

Reviewer = Callable[[int], str]  # reviews pull request N now; returns the reply's text
Fixer = Callable[[int], str]  # fixes pull request N's failed run now; the reply's text
Recorder = Callable[[Journal], str | None]  # saves a journal; None, or why it could not


@dataclass(frozen=True)
class ChatJob:
    event: IssueCommentCreated
    config: Config
    memory: Memory
    forge: Forge
    run: RunInfo
    sha: str  # the commit this run started from, for memory's run record
    own_login: str | None = None
    reviewer: Reviewer | None = None
    recorder: Recorder | None = None  # None: memory is not written (the caller keeps it)
    fixer: Fixer | None = None
    runs_url: str = ""  # where the repository's Actions runs are, for status links


@dataclass(frozen=True)
class Chatted:
    outcome: ChatOutcome
    journal: Journal | None  # None: nothing for memory to learn


def chat(job: ChatJob) -> Chatted:
    event = job.event
    if event.action != "created":
        return _quiet(
            CommandStatus.IGNORED, f"the comment was {event.action}: only new comments count"
        )
    if fingerprints(event.body) or event.author.login == KAIROS_ACTIONS:
        return _quiet(CommandStatus.IGNORED, "the comment is kairos's own")
    if plan_command(event.body) is not None:
        return _quiet(CommandStatus.IGNORED, PLANNED_ELSEWHERE)
    command = first_command(event.body)
    if command is None:
        return _quiet(CommandStatus.IGNORED, "no /kairos command on a line of its own")
    allowed = _authorized(job)
    if not allowed.allowed:
        return _quiet(CommandStatus.REFUSED, allowed.why, command)
    job.forge.add_reaction(event.comment_id, ACK)
    said = answer(command, _thread(job, command, allowed))
    text = said.text
    if said.review:
        text = job.reviewer(event.issue_number) if job.reviewer else "Reviews cannot run here."
    if said.fix:
        text = job.fixer(event.issue_number) if job.fixer else "Fixes cannot run here."
    journal = _journal(job, said)
    problem = job.recorder(journal) if journal is not None and job.recorder else None
    if problem is not None:  # memory first: the reply must not promise what was not kept
        text = f"kairos could not record this ({problem}); nothing was changed. Try again later."
    elif said.tick is not None:
        _tick(job, said.tick)
    job.forge.ensure_comment(CommentSpec(event.issue_number, f"chat.{event.comment_id}", text))
    status = CommandStatus.FAILED if problem else CommandStatus.DONE
    return Chatted(ChatOutcome(status, problem or allowed.why, command, text), journal)


def _quiet(status: CommandStatus, why: str, command: ChatCommand | None = None) -> Chatted:
    return Chatted(ChatOutcome(status, why, command), None)


def _authorized(job: ChatJob) -> Authorization:
    author = job.event.author
    early = refused_early(author, job.config.chat, job.own_login)
    if early is not None:
        return early
    try:
        permission = job.forge.get_permission(author.login)
    except ForgeError as err:
        return Authorization(False, f"the permission of {author.login} is unknown ({err})")
    return authorize(author, permission, job.config.chat)


def _thread(job: ChatJob, command: ChatCommand, allowed: Authorization) -> Thread:
    assert allowed.ceiling is not None  # an allowed command always has its ceiling
    event = job.event
    wants_board = command.name is Name.APPROVE
    return Thread(
        number=event.issue_number,
        on_pull_request=event.on_pull_request,
        login=event.author.login,
        ceiling=allowed.ceiling,
        memory=job.memory,
        dashboard=job.forge.get_dashboard(job.config.dashboard.label) if wants_board else None,
        comment_id=event.comment_id,
        at=job.run.at,
        runs_url=job.runs_url,
    )


def _tick(job: ChatJob, key: str) -> None:
    board = job.forge.get_dashboard(job.config.dashboard.label)
    if board is not None:
        spec = DashboardSpec(board.title, ticked(board, key), job.config.dashboard.label)
        job.forge.ensure_dashboard(spec)


def ticked(board: Issue, key: str) -> str:
    """The dashboard body with the approve box of ``key`` ticked, and nothing else changed."""
    marker = re.escape(f"<!-- kairos:key=approve:{key} -->")
    box = re.compile(rf"^(\s*[-*] )\[ \](.*{marker}\s*)$", re.MULTILINE)
    return box.sub(r"\1[x]\2", board.body, count=1)


def _journal(job: ChatJob, said: Answer) -> Journal | None:
    if not said.tasks and not said.rejections:
        return None
    record = RunRecord(job.run.run_id, job.run.event, job.sha, job.run.at, RunResult.SUCCESS)
    return Journal(run=record, tasks=said.tasks, rejections=said.rejections)
