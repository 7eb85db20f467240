"""MEMORY.md: what people read when they browse the memory branch on GitHub.

Pure and deterministic (no wall clock), so a save that changes nothing produces
the same bytes and can be skipped. Test ids, reasons and facts come from
untrusted places: they are escaped so they render as text, never as markup.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

from kairos_ci.memory.records import Memory, Spend, TaskState, WorkState
from kairos_ci.verdicts.records import Verdict

_ROWS = 20
_CELL_CHARS = 120
_MARKUP = re.compile(r"([\\`*_{}\[\]()#+!|~])")


def render(memory: Memory, notes: Sequence[str] = ()) -> str:
    lines = [
        "# kairos-ci memory",
        "",
        "This branch is kairos-ci's memory; kairos-ci rewrites this file on every save.",
        "Do not edit the branch by hand: kairos-ci ignores memory whose newest commit it did "
        "not make.",
        "",
        *_overview(memory),
    ]
    if notes:
        lines += ["", "## Problems found in the previous memory", ""]
        lines += [f"- {text(note, 300)}" for note in notes]
    return "\n".join(lines + _sections(memory)) + "\n"


def _sections(memory: Memory) -> list[str]:
    lines = _tests(memory, Verdict.BROKEN, "Broken tests")
    lines += _tests(memory, Verdict.FLAKY, "Flaky tests")
    lines += _table(
        "Recent runs",
        ("Run", "Event", "Commit", "Time", "Outcome"),
        [(r.run_id, r.event, r.sha[:12], r.at, r.outcome.value) for r in memory.runs[::-1]],
    )
    lines += _table(
        "Open work",
        ("Branch", "PR", "Kind", "Updated"),
        [
            (w.branch, f"#{w.pr}" if w.pr else "", w.kind, w.updated_at)
            for w in sorted(memory.work.values(), key=lambda w: w.updated_at, reverse=True)
            if w.state is WorkState.OPEN
        ],
    )
    lines += _table(
        "Queued tasks",
        ("Task", "Kind", "Target", "State", "Why"),
        [
            (t.task_id, t.kind, t.target, t.state.value, t.why)
            for t in sorted(memory.tasks.values(), key=lambda t: t.at)
            if t.state in (TaskState.QUEUED, TaskState.RUNNING)
        ],
    )
    lines += _table(
        "Failed fixes waiting to be retried",
        ("Test", "Failed fixes", "Next try after", "Why"),
        [
            (b.test_id, str(b.attempts), b.next_attempt[:10], b.why)
            for b in sorted(memory.backoffs.values(), key=lambda b: b.last_attempt, reverse=True)
        ],
    )
    lines += _table(
        "Leases",
        ("Lease", "Owner", "Expires"),
        [(x.name, x.owner, x.expires_at) for x in sorted(memory.leases.values(), key=_name)],
    )
    lines += _table(
        "Recent decisions",
        ("Time", "Action", "Target", "Why"),
        [(d.at, d.action, d.target, d.why) for d in memory.decisions[::-1]],
    )
    lines += _table(
        "Facts",
        ("Fact", "Value", "Source"),
        [(f.key, f.value, f.source) for f in sorted(memory.facts.values(), key=lambda f: f.key)],
    )
    lines += _table("Model spend by month", ("Month", "USD", "Tokens"), _months(memory))
    return lines


def text(value: str, limit: int = _CELL_CHARS) -> str:
    """One line of inert Markdown: no HTML, no links, no emphasis, bounded."""
    flat = " ".join(value.split())
    if len(flat) > limit:
        flat = flat[: limit - 1] + "…"
    return _MARKUP.sub(r"\\\1", flat).replace("<", "&lt;").replace(">", "&gt;")


def _overview(memory: Memory) -> list[str]:
    verdicts = Counter(record.verdict for record in memory.tests.values())
    counts = ", ".join(f"{verdicts[v]} {v.value}" for v in Verdict if verdicts[v])
    last = memory.runs[-1] if memory.runs else None
    last_run = f" (last: {text(last.run_id)} at {last.at}, {last.outcome.value})" if last else ""
    return [
        f"- Runs remembered: {memory.run_count}{last_run}",
        f"- Tests tracked: {len(memory.tests)}" + (f" ({counts})" if counts else ""),
        f"- Things posted: {len(memory.posted)}; human rejections: {len(memory.rejections)}",
    ]


def _tests(memory: Memory, verdict: Verdict, title: str) -> list[str]:
    rows = [
        (test_id, ", ".join(record.evidence[-3:]))
        for test_id, record in sorted(memory.tests.items())
        if record.verdict is verdict
    ]
    return _table(title, ("Test", "Evidence (runs)"), rows)


def _months(memory: Memory) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for month in sorted(memory.spend.months, reverse=True):
        total = sum(memory.spend.months[month].values(), Spend())
        tokens = total.input_tokens + total.output_tokens
        rows.append((month, f"{total.usd:.2f}", str(tokens)))
    return rows


def _table(title: str, header: Sequence[str], rows: Iterable[tuple[str, ...]]) -> list[str]:
    shown = list(rows)
    if not shown:
        return []
    lines = ["", f"## {title}", "", "| " + " | ".join(header) + " |"]
    lines.append("|" + "---|" * len(header))
    lines += ["| " + " | ".join(text(cell) for cell in row) + " |" for row in shown[:_ROWS]]
    if len(shown) > _ROWS:
        lines += ["", f"…and {len(shown) - _ROWS} more."]
    return lines


def _name(item: object) -> str:
    return str(getattr(item, "name", ""))
