"""Who may give kairos a command: decided from the API, never from the comment.

A command runs when its author's repository permission, as the collaborator-permission
API reports it, is write, maintain or admin. ``author_association`` is never read
(COLLABORATOR includes read-only collaborators). Bots are refused unless their exact
login is in ``chat.allowed_bots``; a listed bot still needs write permission, and gets
at most ``suggest``. kairos's own comments are never commands (no self-triggered loops).
"""

from __future__ import annotations

from kairos_ci.config.records import ChatConfig
from kairos_ci.events.records import User
from kairos_ci.policy.autonomy import actor_ceiling
from kairos_ci.policy.records import Actor, Permission, Trigger
from kairos_ci.tasks.chat.records import Authorization


def is_bot(user: User) -> bool:
    return user.is_bot or user.login.endswith("[bot]")


def refused_early(user: User, config: ChatConfig, own_login: str | None) -> Authorization | None:
    """The refusal that needs no API call (kairos itself, a bot not listed), else None."""
    if own_login is not None and user.login == own_login:
        return Authorization(False, "the comment is kairos's own")
    if is_bot(user) and user.login not in config.allowed_bots:
        return Authorization(False, f"{user.login} is a bot, and not listed in chat.allowed_bots")
    return None


def authorize(user: User, permission: Permission, config: ChatConfig) -> Authorization:
    if not permission.can_write:
        why = f"{user.login} has {permission} permission; commands need write, maintain or admin"
        return Authorization(False, why)
    # The trust table decides how far the request may go (a bot: at most suggest).
    ceiling = actor_ceiling(Actor(user.login, permission, is_bot(user)), Trigger.ISSUE_COMMENT)
    if is_bot(user):
        return Authorization(True, f"{user.login} is listed in chat.allowed_bots", ceiling)
    return Authorization(True, f"{user.login} has {permission} permission", ceiling)
