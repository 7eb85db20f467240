"""A finished run for a terminal: each would-be pull request as its title, body and
coloured diff, each would-be review with its inline comments, then the dashboard, the
run's summary and where the bundle is.

``rich`` renders it, imported here only: a command that prints for a workflow log never
loads it. Colour comes only when the stream is a terminal; otherwise the text is plain.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TextIO

from kairos_ci.bundle.intents import EditDashboard, OpenPullRequest, PostReview
from kairos_ci.bundle.records import ApplyResult, Write
from kairos_ci.report.summary import render
from kairos_ci.stages.outcome import RunOutcome

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

# A diff line's colour, by its first characters (the longest prefix first).
_DIFF_STYLES = (
    ("diff --git", "bold"),
    ("+++", "bold"),
    ("---", "bold"),
    ("@@", "cyan"),
    ("+", "green"),
    ("-", "red"),
)


def show_outcome(stream: TextIO, outcome: RunOutcome, bundle: str) -> None:
    """Print the run to ``stream``: pull requests or review, dashboard, summary, and
    last the ``bundle`` line (where the bundle is)."""
    console = console_for(stream)
    writes = outcome.bundle.writes
    for write in writes:
        if isinstance(write.intent, OpenPullRequest):
            _show_pull(console, write.intent, _status(outcome.applied, write))
        elif isinstance(write.intent, PostReview):
            _show_review(console, write.intent, _status(outcome.applied, write))
    if not any(isinstance(w.intent, OpenPullRequest | PostReview) for w in writes):
        _rule(console, "No pull request or review: nothing that kairos may propose")
    for write in writes:
        if isinstance(write.intent, EditDashboard):
            _show_markdown(console, f"Dashboard: {write.intent.title}", write.intent.body)
    _show_markdown(console, "Summary", render(outcome.report))
    console.print()
    console.print(bundle, markup=False, soft_wrap=True)


def console_for(stream: TextIO) -> Console:
    """Colour only on a terminal (rich asks the stream); no guessed highlighting of
    numbers and paths in text that is data."""
    from rich.console import Console

    return Console(file=stream, highlight=False)


def _show_pull(console: Console, pull: OpenPullRequest, status: str) -> None:
    _rule(console, f"Pull request: {pull.title}")
    console.print(f"{pull.branch} -> {pull.base} ({status})", markup=False, soft_wrap=True)
    _show_markdown(console, None, pull.body)
    console.print(coloured_diff(pull.change.patch), soft_wrap=True)


def _show_review(console: Console, review: PostReview, status: str) -> None:
    _rule(console, f"Review of {(review.commit_id or '')[:12]} ({status})")
    _show_markdown(console, None, review.body)
    for comment in review.comments:
        console.print(f"{comment.path}:{comment.line}", markup=False, style="bold")
        _show_markdown(console, None, comment.body)


def coloured_diff(patch: str) -> Text:
    """The patch as it is, each line coloured by what it does."""
    from rich.text import Text

    text = Text()
    for line in patch.splitlines(keepends=True):
        style = next((s for prefix, s in _DIFF_STYLES if line.startswith(prefix)), "")
        text.append(line, style=style)
    return text


def _show_markdown(console: Console, title: str | None, body: str) -> None:
    from rich.markdown import Markdown

    if title is not None:
        _rule(console, title)
    console.print(Markdown(body))


def _rule(console: Console, title: str) -> None:
    from rich.text import Text

    console.print()
    console.rule(Text(title, style="bold"), align="left")


def _status(applied: ApplyResult, write: Write) -> str:
    """What the dry run made of the write: planned, or skipped, and why."""
    found = next((o for o in applied.outcomes if o.write == write), None)
    if found is None:
        return "not applied"
    return f"{found.status.value}: {found.reason}" if found.reason else found.status.value
