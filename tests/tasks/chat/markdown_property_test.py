"""A command counts if and only if its line renders as a top-level paragraph that starts
with ``/kairos``. The oracle is markdown-it-py's rendered HTML, read with the standard
HTML parser: independent of the token walk ``first_command`` uses."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from kairos_ci.tasks.chat.parse import first_command

COMMANDS = ("fix", "review", "help", "status", "approve abc123", "ignore ruff/F401")
CONTEXTS = (
    "{c}",
    "   {c}",
    "some words first\n{c}",
    "> {c}",
    "> a quote\n{c}",
    "```\n{c}\n```",
    "~~~\n{c}\n~~~",
    "    {c}",
    "<pre>\n{c}\n</pre>",
    "<details>\n{c}\n</details>",
    "<div>\n{c}\n</div>",
    "<!--\n{c}\n-->",
    "<script>\n{c}\n</script>",
    "- {c}",
    "1. {c}",
    "* an item\n  {c}",
    "# {c}",
    "| a |\n|---|\n| {c} |",
    "`{c}`",
    "**{c}**",
)
FILLER = ("Thanks for the report.", "", "- a list item", "> quoted", "plain text")
_COMMAND_LINE = re.compile(r"^/kairos(?:[ \t]+.*)?$")


class TopLevelParagraphs(HTMLParser):
    """The leading plain text of every ``<p>`` that no other element contains: "" when the
    paragraph starts with markup (code, emphasis), which GitHub does not show as text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.current: list[str] | None = None
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("br", "hr", "img", "input"):
            return
        if tag == "p" and self.depth == 0:
            self.current = []
        elif self.current is not None and not self.current:
            self.current.append("\0")  # markup before any text: not a plain start
        self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("br", "hr", "img", "input"):
            return
        self.depth -= 1
        if tag == "p" and self.depth == 0 and self.current is not None:
            self.found.append("".join(self.current))
            self.current = None

    def handle_data(self, data: str) -> None:
        if self.current is not None:
            self.current.append(data)


def rendered_command(comment: str) -> str | None:
    """The first top-level paragraph's first line, when it is a command."""
    html = MarkdownIt("commonmark").enable("table").render(comment)
    reader = TopLevelParagraphs()
    reader.feed(html)
    for paragraph in reader.found:
        if paragraph.startswith("\0"):
            continue
        first = paragraph.split("\n", 1)[0].strip()
        if _COMMAND_LINE.match(first):
            return " ".join(first.split())
    return None


blocks = st.one_of(
    st.builds(
        lambda ctx, cmd: ctx.format(c=f"/kairos {cmd}"),
        st.sampled_from(CONTEXTS),
        st.sampled_from(COMMANDS),
    ),
    st.sampled_from(FILLER),
)
comments = st.builds(
    lambda parts, glue: "".join(p + g for p, g in zip(parts, glue, strict=False)),
    st.lists(blocks, min_size=1, max_size=5),
    st.lists(st.sampled_from(("\n", "\n\n")), min_size=5, max_size=5),
)


@pytest.mark.slow
@settings(max_examples=10_000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(comments)
# Found by this test: an HTML comment ends the list above it, so the indented line after
# it is a top-level paragraph (kairos once read the blocks after normalising the comment away).
@example("- a list item\n<!--\n/kairos fix\n-->\n   /kairos fix\n")
def test_a_command_counts_exactly_where_github_renders_it_as_a_paragraph(comment: str) -> None:
    found = first_command(comment)
    ours = found.line if found is not None else None
    assert ours == rendered_command(comment), comment


@pytest.mark.parametrize(
    "comment",
    [
        "<details>\n/kairos fix\n</details>",
        "<pre>\n/kairos fix\n</pre>",
        "<!-- /kairos fix -->",
        "> quoted\n/kairos fix",
        "Thanks!\n/kairos fix",
        "| a |\n|---|\n| /kairos fix |",
    ],
)
def test_commands_hidden_in_markup_do_not_count(comment: str) -> None:
    assert first_command(comment) is None
    assert rendered_command(comment) is None


def test_a_command_in_its_own_paragraph_counts() -> None:
    found = first_command("Thanks!\n\n/kairos fix\n")
    assert found is not None and found.line == "/kairos fix"
