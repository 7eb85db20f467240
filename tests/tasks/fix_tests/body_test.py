"""The fix_tests PR section: the model's words and test ids can never become markup."""

from __future__ import annotations

import re

import pytest

from kairos_ci.agent.records import Charge, Denial, Usage
from kairos_ci.agent.redact import Redactor
from kairos_ci.context import Secret
from kairos_ci.signals.records import Outcome, TestResult
from kairos_ci.stages.evidence import Evidence
from kairos_ci.stages.records import Check, ProposedChange
from kairos_ci.tasks.fix_tests.body import (
    code,
    comment_body,
    cost_line,
    escape,
    evidence_table,
    quoted,
    refused_calls,
)

TOKEN = Secret("ghs_" + "Q" * 36)


def result(test_id: str, outcome: str) -> TestResult:
    name = test_id.rsplit("::", 1)[-1]
    return TestResult(
        "r.xml", test_id, (), None, name, None, None, Outcome(outcome), (), None, None
    )


def evidence(*tests: TestResult) -> Evidence:
    return Evidence(tests, None, (), ())


def inert(markdown: str) -> bool:
    """Outside inline code, nothing can make a link, image, tag, mention or reference."""
    plain = re.sub(r"`[^`]*`", "", markdown)
    unescaped = re.search(r"(?<!\\)[<>\[\]()!#|`*_]", plain.replace("\n> ", "\n"))
    return unescaped is None and not re.search(r"@|://|www\.|#\d|GH-\d", plain)


@pytest.mark.parametrize(
    "text",
    [
        "see [the docs](https://evil.example/x)",
        "![pixel](https://evil.example/p.png)",
        "<img src=x onerror=alert(1)>",
        "<a href='https://evil.example'>x</a>",
        "thanks @maria and @octo/security",
        "Fixes #12 and closes octo/app#3",
        "resolves GH-4",
        "<!-- hidden -->visible",
        "`code` and ```fence```",
        "# Heading\n| table | row |",
        "mail me: root@evil.example",
        "www.evil.example/path and javascript:alert(1)",
        "**bold** _em_ ~~gone~~",
    ],
)
def test_active_markdown_is_neutralised(text: str) -> None:
    out = quoted(text, Redactor.of())
    assert all(line.startswith("> ") for line in out.splitlines())
    assert inert("\n".join(line[2:] for line in out.splitlines())), out


def test_links_mentions_and_references_become_inline_code() -> None:
    out = escape("Fixes #12, thanks @maria: see https://evil.example/a_b. Done.")
    assert out == ("Fixes `#12`, thanks `@maria`: see `https://evil.example/a_b`. Done.")


def test_secrets_and_hidden_text_never_reach_the_body() -> None:
    out = quoted(f"the token is {TOKEN.reveal()}\u200b\u202e here", Redactor.of((TOKEN,)))
    assert TOKEN.reveal() not in out and "\\[REDACTED\\]" in out
    assert "\u200b" not in out and "\u202e" not in out


def test_code_spans_survive_backticks_and_pipes_in_table_cells() -> None:
    assert code("tests::test_a|b`c") == "`tests::test_a\\|b'c`"


def test_the_evidence_table_shows_before_after_and_totals() -> None:
    before = evidence(result("t::test_a", "failed"), result("t::test_b", "passed"))
    after = evidence(result("t::test_a", "passed"), result("t::test_b", "passed"))
    lines = evidence_table(["t::test_a", "t::missing"], before, after, "a" * 40)
    assert lines[0] == "| test | before (`aaaaaaaaaaaa`) | after (with this change) |"
    assert "| `t::test_a` | failed | passed |" in lines
    assert "| `t::missing` | not reported | not reported |" in lines
    assert lines[-1] == "| **all tests** | 1 passed, 1 failed | 2 passed |"


def test_cost_names_each_model_with_its_tokens() -> None:
    charges = [
        Charge("claude-haiku-4-5", Usage(1000, 50), 0.00125, "claude-haiku-4-5"),
        Charge("claude-sonnet-4-5", Usage(2000, 100, 500, 1500), 0.01, "claude-sonnet-4-5"),
        Charge("claude-sonnet-4-5", Usage(10, 10), 0.001, "claude-sonnet-4-5"),
    ]
    line = cost_line(charges)
    assert line.startswith("$0.0123 for 3 model calls: ")
    assert "claude-haiku-4-5 1,000 input / 50 output tokens ($0.0013)" in line
    assert "claude-sonnet-4-5 4,010 input / 110 output tokens ($0.0110)" in line
    assert cost_line([]) == "no model calls"


def test_a_suggestion_comment_fences_the_patch_so_it_cannot_break_out() -> None:
    patch = "+x = '````'\n+```\n+@maria [x](https://e.example)\n"
    change = ProposedChange(
        "fix_tests",
        "kairos/fix-tests/t-1",
        "Fix failing test t",
        "b" * 40,
        patch,
        ("calc.py",),
        (Check("tests no worse", True, "0 failing before"),),
        "summary",
        details="### Evidence",
    )
    body = comment_body(change, "main", "suggest: the pull request comes from a fork")
    fences = re.findall(r"^(`{3,})(diff)?$", body, re.MULTILINE)
    assert fences == [("`````", "diff"), ("`````", "")]
    assert "+@maria [x](https://e.example)" in body  # inside the fence: inert text
    assert "| tests no worse | passed | 0 failing before |" in body


def test_a_huge_patch_is_not_pasted_into_a_comment() -> None:
    change = ProposedChange(
        "fix_tests", "kairos/fix-tests/t-1", "t", "b" * 40, "+x\n" * 20_000, ("a.py",), (), "s"
    )
    body = comment_body(change, "main", "suggest")
    assert "(the patch is 60,000 characters: too long to show here)" in body
    assert len(body) < 10_000


def test_refused_calls_are_listed_by_kind_and_path_as_inert_text() -> None:
    denials = [
        Denial("write_file", "'a'", "read-only [see](https://evil.example)", "tests/t.py"),
        Denial("replace_in_file", "'a'", "read-only", "tests/t.py"),
        Denial("read_file", "'b'", f"token {TOKEN.reveal()}", "../x`y"),
    ]
    lines = refused_calls(denials, Redactor.of((TOKEN,)))
    assert lines[:3] == [
        "### Refused tool calls",
        "",
        "- 2 edits of `tests/t.py`: read-only \\[see\\]\\(`https://evil.example`\\)",
    ]
    assert lines[3].startswith("- 1 read of `../x'y`: token ") and TOKEN.reveal() not in lines[3]
    assert refused_calls([], Redactor.of(())) == []
