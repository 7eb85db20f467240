"""Finding ``/kairos`` commands in a comment: where GitHub shows them as plain text.

A comment is untrusted text even from a maintainer (they may be quoting someone), so
only a command the author plainly wrote counts: a line that renders as the start of a
top-level paragraph, as a CommonMark parser (markdown-it-py, with GitHub's tables)
reads it. Not one inside code, a blockquote (lazy continuation lines included), an HTML
block (``<pre>``, ``<details>``, a comment...), a list item, a table or a heading, nor a
line inside someone else's paragraph, nor one hidden with invisible characters (a line
that only reads as a command once they are stripped, as a bidi override can make it, is
not one). The first command counts; a comment is one request.
"""

from __future__ import annotations

import re

from kairos_ci.agent.untrusted import Profile, normalise
from kairos_ci.tasks.chat.records import ChatCommand, Name

PREFIX = "/kairos"
ARGUMENT = re.compile(r"^[A-Za-z0-9._:/+-]{1,128}$")
_LINE = re.compile(r"^ {0,3}/kairos(?:[ \t]+(?P<rest>.*?))?[ \t]*$")
MAX_BODY_CHARS = 65_536


def first_command(body: str) -> ChatCommand | None:
    """The comment's first command, or None when it has none."""
    # The blocks are read from the text as sent, as GitHub renders it: normalising first
    # would drop an HTML comment and change what the lines around it belong to.
    text = body[:MAX_BODY_CHARS].replace("\r\n", "\n")
    lines = text.split("\n")
    for start in paragraph_starts(text):
        line = lines[start]
        found = _LINE.match(line)
        if found is not None and _plain(line):
            return _command(found.group("rest") or "", line)
    return None


def _plain(line: str) -> bool:
    """No hidden or look-alike character: normalising the line leaves it as it is."""
    return normalise(line, Profile.TEXT).text == line


def paragraph_starts(text: str) -> list[int]:
    """The first source line of each top-level paragraph, as GitHub would render it."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    return [
        token.map[0]
        for token in tokens
        if token.type == "paragraph_open" and token.level == 0 and token.map is not None
    ]


def _command(rest: str, line: str) -> ChatCommand:
    words = rest.split()
    shown = " ".join(line.split())[:200]
    if not words:
        return ChatCommand(Name.HELP, "", shown)
    try:
        name = Name(words[0].lower())
    except ValueError:
        return ChatCommand(None, "", shown)
    argument = words[1] if len(words) == 2 else ""
    if len(words) > 2 or (argument and not ARGUMENT.match(argument)):
        return ChatCommand(None, "", shown)
    return ChatCommand(name, argument, shown)
