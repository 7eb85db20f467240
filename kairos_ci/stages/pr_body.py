"""Pull-request bodies: what changed, the verification evidence, and why kairos may act."""

from __future__ import annotations

from kairos_ci.policy.records import mentions
from kairos_ci.stages.records import ProposedChange


def pr_body(change: ProposedChange, why: str, notify: tuple[str, ...] = ()) -> str:
    """The body is rebuilt the same way on every push, so the people a config rule names
    are mentioned once: GitHub notifies a mention when the PR opens, not on an unchanged edit."""
    rows = [
        f"| {c.name} | {'passed' if c.passed else 'FAILED'} | {_cell(c.detail)} |"
        for c in change.checks
    ]
    files = "\n".join(f"- `{_cell(path)}`" for path in change.files[:50])
    more = f"\n- and {len(change.files) - 50} more" if len(change.files) > 50 else ""
    return "\n".join(
        [
            f"{_cell(change.summary)}",
            "",
            *([change.details, ""] if change.details else []),
            "### Verification",
            "",
            "| check | result | evidence |",
            "|---|---|---|",
            *rows,
            "",
            "### Files changed",
            "",
            files + more,
            "",
            f"_Opened by kairos-ci because: {_cell(why)}. Close this pull request to reject "
            "this exact change; kairos will not propose it again._",
            *(["", f"For {mentions(notify)}, as the config's rules ask."] if notify else []),
        ]
    )


def _cell(text: str) -> str:
    return " ".join(text.replace("|", "\\|").replace("<", "&lt;").split())
