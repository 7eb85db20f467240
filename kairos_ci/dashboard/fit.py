"""A long Markdown section cut to fit the dashboard, at whole lines only: a cut inside a
line could split a table row, an escape (``&amp;``) or a link, and break what follows.

The section comes from elsewhere (the coordinator's progress tracker), so nothing is
assumed of it but Markdown: when it holds a table, rows go from that table's end, so the
lines around it (a header line, the totals, questions) stay; otherwise lines go from the
end of the section. Either way a line says how many went.
"""

from __future__ import annotations


def fitted(markdown: str, limit: int) -> str:
    """``markdown`` in at most ``limit`` characters, cut at whole lines (never inside a
    row, an escape or a link): rows go from the end of its first table, so the lines
    around it (the header, the totals) stay; failing that, lines from the end."""
    text = markdown.strip()
    if len(text) <= limit:
        return text
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith("|")), len(lines))
    end = next((i for i in range(start, len(lines)) if not lines[i].startswith("|")), len(lines))
    rows = lines[start + 2 : end]  # below the table's header and its delimiter row
    over = len(text) - limit + len(_cut_note(len(rows), "steps")) + 2
    cut = 0
    while over > 0 and cut < len(rows):
        cut += 1
        over -= len(rows[-cut]) + 1
    if over > 0:
        return _cut_from_end(lines, limit)
    kept = [*lines[: end - cut], "", _cut_note(cut, "steps"), *lines[end:]]
    return "\n".join(kept)


def _cut_from_end(lines: list[str], limit: int) -> str:
    room = limit - len(_cut_note(len(lines), "lines")) - 2
    kept: list[str] = []
    for line in lines:
        room -= len(line) + 1
        if room < 0:
            break
        kept.append(line)
    note = _cut_note(len(lines) - len(kept), "lines")
    return "\n\n".join(part for part in ("\n".join(kept).rstrip(), note) if part)


def _cut_note(count: int, what: str) -> str:
    return (
        f"_{count} more {what} are cut to keep the dashboard short: the plan's comment has them._"
    )
