"""Who may command kairos: the API's permission decides, never the comment's association."""

from __future__ import annotations

import pytest

from kairos_ci.config.records import ChatConfig, Level
from kairos_ci.events.records import User
from kairos_ci.policy.records import Permission
from kairos_ci.tasks.chat.authorize import authorize, refused_early

NONE = ChatConfig()
RENOVATE = ChatConfig(allowed_bots=("renovate[bot]",))


@pytest.mark.parametrize("permission", [Permission.ADMIN, Permission.MAINTAIN, Permission.WRITE])
def test_write_maintain_and_admin_may(permission: Permission) -> None:
    decision = authorize(User("maria", False), permission, NONE)
    assert decision.allowed and decision.ceiling is Level.AUTO


@pytest.mark.parametrize("permission", [Permission.TRIAGE, Permission.READ, Permission.NONE])
def test_triage_read_and_none_may_not(permission: Permission) -> None:
    decision = authorize(User("tom", False), permission, NONE)
    assert not decision.allowed and f"tom has {permission} permission" in decision.why


def test_bots_are_refused_unless_listed_by_exact_login() -> None:
    bot = User("renovate[bot]", True)
    refused = refused_early(bot, NONE, None)
    assert refused is not None and not refused.allowed
    assert refused_early(bot, RENOVATE, None) is None
    looks_alike = User("Renovate[bot]", True)
    assert refused_early(looks_alike, RENOVATE, None) is not None
    unmarked = User("sneaky[bot]", False)  # a bot's login, whatever the payload's type says
    assert refused_early(unmarked, RENOVATE, None) is not None
    listed = authorize(bot, Permission.WRITE, RENOVATE)
    assert listed.allowed and listed.ceiling is Level.SUGGEST
    assert not authorize(bot, Permission.READ, RENOVATE).allowed  # still needs write


def test_kairos_itself_is_never_a_commander() -> None:
    me = refused_early(
        User("kairos-ci[bot]", True), ChatConfig(("kairos-ci[bot]",)), "kairos-ci[bot]"
    )
    assert me is not None and "kairos's own" in me.why
