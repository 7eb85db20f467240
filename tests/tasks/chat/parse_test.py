"""Commands count only when plainly written: on a line of their own, outside code and quotes."""

from __future__ import annotations

import pytest

from kairos_ci.tasks.chat.parse import first_command
from kairos_ci.tasks.chat.records import Name


@pytest.mark.parametrize(
    ("body", "name", "argument"),
    [
        ("/kairos help", Name.HELP, ""),
        ("/kairos", Name.HELP, ""),
        ("Looks good.\r\n\r\n  /kairos review  \r\n", Name.REVIEW, ""),
        ("/kairos IGNORE ruff/F401", Name.IGNORE, "ruff/F401"),
        ("/kairos approve fix_lint.ruff.0123abcd", Name.APPROVE, "fix_lint.ruff.0123abcd"),
        ("```\n/kairos fix\n```\n/kairos status", Name.STATUS, ""),
        ("````\n```\n/kairos fix\n````\n/kairos plan", Name.PLAN, ""),
        ("/kairos status\n/kairos fix", Name.STATUS, ""),  # one request per comment
    ],
)
def test_a_plain_command_is_found(body: str, name: Name, argument: str) -> None:
    found = first_command(body)
    assert found is not None and (found.name, found.argument) == (name, argument)


@pytest.mark.parametrize(
    "body",
    [
        "",
        "please /kairos fix",
        "`/kairos fix`",
        "> /kairos fix",
        "    /kairos fix",
        "\t/kairos fix",
        "* /kairos fix",
        "```suggestion\n/kairos fix\n```",
        "~~~\n/kairos fix",  # an unclosed fence runs to the end
        "<!-- /kairos fix -->",
        "/kairos\u2066 fix",
    ],
)
def test_no_command_where_it_is_not_plainly_written(body: str) -> None:
    assert first_command(body) is None


@pytest.mark.parametrize(
    "body", ["/kairos frobnicate", "/kairos fix the tests please", "/kairos ignore <script>"]
)
def test_a_malformed_command_is_a_command_kairos_did_not_understand(body: str) -> None:
    found = first_command(body)
    assert found is not None and found.name is None and found.line == body
