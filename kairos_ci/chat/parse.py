"""Finding ``/kairos`` commands in a comment: on a line of their own, outside code and quotes.

A comment is untrusted text even from a maintainer (they may be quoting someone), so
only a command the author plainly wrote counts: not one inside a fenced or indented
code block, a blockquote, an HTML comment or a list item, and not one hidden with
invisible characters (a line that only reads as a command once they are stripped, as a
bidi override can make it, is not one). The first command counts; a comment is one
request.
"""

from __future__ import annotations

import re

from kairos_ci.agent.untrusted import Profile, normalise
from kairos_ci.chat.records import ChatCommand, Name

PREFIX = "/kairos"
ARGUMENT = re.compile(r"^[A-Za-z0-9._:/+-]{1,128}$")
_LINE = re.compile(r"^ {0,3}/kairos(?:[ \t]+(?P<rest>.*?))?[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(?P<mark>`{3,}|~{3,})")
MAX_BODY_CHARS = 65_536


def first_command(body: str) -> ChatCommand | None:
    """The comment's first command, or None when it has none."""
    raw = body[:MAX_BODY_CHARS].replace("\r\n", "\n")
    text = normalise(raw, Profile.TEXT).text
    verbatim = set(raw.split("\n"))
    fence: str | None = None
    for line in text.split("\n"):
        opened = _FENCE.match(line)
        if fence is not None:
            if (
                opened
                and opened.group("mark")[0] == fence[0]
                and len(opened.group("mark")) >= len(fence)
            ):
                fence = None
            continue
        if opened:
            fence = opened.group("mark")
            continue
        found = _LINE.match(line)
        if found is not None and line in verbatim:  # no hidden character was taken out
            return _command(found.group("rest") or "", line)
    return None


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
