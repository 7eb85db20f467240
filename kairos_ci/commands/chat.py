"""``kairos-ci chat``: answer one ``/kairos`` command (``issue_comment`` events).

It reads the event, has wiring build the comment's run (the config read from the
checked-out default branch) and runs ``pipeline/chat.py``; ``/kairos review`` runs the
review pipeline on the pull request. Refusals and non-commands end quietly, with one
line in the job summary.
"""

from __future__ import annotations

import argparse

from kairos_ci import context
from kairos_ci.commands import wiring
from kairos_ci.commands.present import present, runner_for
from kairos_ci.commands.requests import ChatRequest, from_args
from kairos_ci.errors import UsageError
from kairos_ci.events.parse import load_event
from kairos_ci.events.records import IssueCommentCreated
from kairos_ci.pipeline.chat import answer_comment
from kairos_ci.report.runner import Runner


def run(args: argparse.Namespace) -> int:
    ctx = context.from_environ()
    return chat_command(ctx, runner_for(ctx), from_args(ChatRequest, args))


def chat_command(ctx: context.Context, runner: Runner, request: ChatRequest) -> int:
    event = load_event("issue_comment", request.payload or ctx.event_path)
    if not isinstance(event, IssueCommentCreated):
        raise UsageError("the issue_comment payload is not a comment event")
    return present(ctx, runner, answer_comment(wiring.comment_for(ctx, request, event)), None)
