"""The bundle and its outcomes as Markdown for the job summary (pure)."""

from __future__ import annotations

from kairos_ci.bundle.records import ApplyResult, Bundle, Status
from kairos_ci.dashboard.records import Action, BoxDecision


def render_result(bundle: Bundle, result: ApplyResult, dry_run: bool) -> str:
    counts = ", ".join(
        f"{result.count(status)} {status.value}" for status in Status if result.count(status)
    )
    title = "Writes (dry run: nothing applied)" if dry_run else "Writes"
    lines = [
        f"### {title}",
        "",
        f"{len(bundle.writes)} intended for `{_inline(bundle.repository)}`: {counts or 'none'}.",
    ]
    if not result.outcomes:
        return "\n".join(lines) + "\n"
    lines += ["", "| result | write | autonomy | why | detail |", "|---|---|---|---|---|"]
    for outcome in result.outcomes:
        write = outcome.write
        detail = outcome.reason
        if outcome.url:
            detail = f"{detail} {outcome.url}".strip()
        cells = (outcome.status.value, write.describe(), str(write.autonomy), write.why, detail)
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"


def one_line(result: ApplyResult) -> str:
    parts = [f"{result.count(s)} {s.value}" for s in Status if result.count(s)]
    return "writes: " + (", ".join(parts) if parts else "none")


def _cell(text: str) -> str:
    return _inline(text)[:300].replace("|", "\\|")


def _inline(text: str) -> str:
    """Text from a bundle is data: no HTML, no line breaks, no table breaks."""
    return " ".join(text.replace("<", "&lt;").replace(">", "&gt;").split())


def dashboard_decisions(result: ApplyResult) -> tuple[BoxDecision, ...]:
    """What the outcomes ask of a human on the dashboard: branches a human took over."""
    return tuple(
        BoxDecision(
            Action.RECREATE,
            o.write.fingerprint,
            f"{o.write.describe()}: a human committed to the branch, so kairos stopped updating it",
            "tick to close it and let kairos propose the change again on a new branch",
        )
        for o in result.outcomes
        if o.human_owned
    )
