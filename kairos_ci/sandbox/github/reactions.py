"""Reactions on issue comments, as GitHub keeps them: one per user and content.

Adding a reaction that exists answers 200 with it; a new one answers 201.
"""

from __future__ import annotations

from kairos_ci.sandbox.github.calls import Call, HttpError, Reply, validation_failed
from kairos_ci.sandbox.github.records import Reaction, RepoRole

CONTENTS = frozenset({"+1", "-1", "laugh", "confused", "heart", "hooray", "rocket", "eyes"})


def create_reaction(call: Call) -> Reply:
    repo = call.the_repo()
    call.require(RepoRole.READ)
    comment_id = call.int_param("comment_id")
    if comment_id not in repo.comments:
        raise HttpError(404, "Not Found")
    content = call.json_object().get("content")
    if content not in CONTENTS:
        raise validation_failed("Reaction", "content", "invalid")
    for reaction in repo.reactions.values():
        same = (reaction.comment_id, reaction.content, reaction.user.login)
        if same == (comment_id, content, call.user.login):
            return Reply(200, call.shapes.reaction(reaction))
    reaction = Reaction(call.store.next_id(), comment_id, str(content), call.user, call.store.now())
    repo.reactions[reaction.id] = reaction
    return Reply(201, call.shapes.reaction(reaction))
