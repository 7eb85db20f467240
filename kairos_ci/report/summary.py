"""The job summary: what was done, what was skipped and why. Pure rendering."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Skip:
    what: str
    why: str


@dataclass(frozen=True)
class RunReport:
    title: str
    facts: tuple[tuple[str, str], ...]
    done: tuple[str, ...] = ()
    skipped: tuple[Skip, ...] = ()
    problems: tuple[str, ...] = field(default=())
    advice: tuple[str, ...] = ()  # plain next steps, shown first (e.g. "run kairos-ci init")

    def one_line(self) -> str:
        parts = [f"{len(self.done)} done", f"{len(self.skipped)} skipped"]
        if self.problems:
            parts.append(f"{len(self.problems)} problems")
        return f"{self.title}: " + ", ".join(parts)


def render(report: RunReport) -> str:
    lines = [f"## {report.title}", ""]
    lines += [line for a in report.advice for line in (f"> {_inline(a)}", "")]
    lines += ["| | |", "|---|---|"]
    lines += [f"| {_cell(key)} | {_cell(value)} |" for key, value in report.facts]
    if report.problems:
        lines += ["", "### Problems you need to fix", ""]
        lines += [f"- {_inline(p)}" for p in report.problems]
    lines += ["", "### Done", ""]
    lines += [f"- {_inline(d)}" for d in report.done] or ["- nothing"]
    if report.skipped:
        lines += ["", "### Skipped", ""]
        lines += [f"- {_inline(s.what)}: {_inline(s.why)}" for s in report.skipped]
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return _inline(text).replace("|", "\\|")


def _inline(text: str) -> str:
    """Keep user-derived text from becoming markup: no HTML, no line breaks."""
    return " ".join(text.replace("<", "&lt;").replace(">", "&gt;").split())
