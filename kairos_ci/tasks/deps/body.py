"""What a dependency update says about itself: title, one-line summary, PR body.

Registry text (link labels, URLs) and test output are untrusted: cells are
escaped and cut, and only http(s) links the registry clients accepted appear.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from kairos_ci.tasks.deps.records import Bump, Dropped, Ecosystem, Link, RegistryFailure, UpdatePlan

LinkMap = Mapping[tuple[Ecosystem, str], tuple[Link, ...]]  # (ecosystem, key) -> links
_REASON_CHARS = 300


def title(group_key: str, bumps: Sequence[Bump]) -> str:
    if len(bumps) == 1:
        only = bumps[0]
        return f"Update {only.name} from {only.old} to {only.new}"
    kinds = "/".join(
        k for k in ("patch", "minor", "major") if any(b.update_type == k for b in bumps)
    )
    return f"Update {len(bumps)} dependencies in group {group_key} ({kinds})"


def summary(bumps: Sequence[Bump], dropped: Sequence[Dropped]) -> str:
    """One plain line for summaries and dashboards (their renderers escape it)."""
    moved = ", ".join(f"{b} (released {_date(b)})" for b in bumps)
    text = f"Updates {moved}."
    if dropped:
        text += " Left out: " + "; ".join(" ".join(str(d).split())[:_REASON_CHARS] for d in dropped)
        text += "."
    return text


def body(
    group_key: str,
    branch: str,
    bumps: Sequence[Bump],
    dropped: Sequence[Dropped],
    links: LinkMap,
    test_command: str,
    versions_hash: str,
) -> str:
    lines = [
        f"Updates {len(bumps)} {'dependency' if len(bumps) == 1 else 'dependencies'} in group "
        f"`{group_key}` (`{branch}`), verified by `{_cell(test_command)}` with the new "
        "versions installed in an isolated environment (no install scripts run).",
        "",
        "| package | from | to | type | released | release notes |",
        "|---|---|---|---|---|---|",
    ]
    for bump in bumps:
        notes = " · ".join(
            f"[{_cell(link.label)}]({link.url})"
            for link in links.get((bump.ecosystem, bump.key), ())
        )
        lines.append(
            f"| {_cell(bump.name)} | {bump.old} | {bump.new} | {bump.update_type} "
            f"| {_date(bump)} | {notes or '-'} |"
        )
    if dropped:
        lines += ["", "### Left out of this update", ""]
        lines += [
            f"- **{_cell(d.bump.name)}** {d.bump.old} -> {d.bump.new}: {_reason(d)}"
            for d in dropped
        ]
        lines += [
            "",
            "No separate pull request is opened for these; they are tried again next run.",
        ]
    files = sorted({pin.manifest for bump in bumps for pin in bump.pins})
    lines += ["", "Manifests: " + ", ".join(f"`{_cell(f)}`" for f in files)]
    lines += ["", f"<!-- kairos-deps group={group_key} versions={versions_hash} -->"]
    return "\n".join(lines)


def _date(bump: Bump) -> str:
    return bump.released.strftime("%Y-%m-%d") if bump.released else "unknown"


def _reason(dropped: Dropped) -> str:
    text = _cell(dropped.why)
    return text if len(text) <= _REASON_CHARS else text[: _REASON_CHARS - 1] + "…"


def _cell(text: str) -> str:
    cleaned = text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")
    return " ".join(cleaned.replace("`", "'").split())


def report_lines(plan: UpdatePlan) -> tuple[str, ...]:
    """Plain lines for the job summary and the dashboard: what the plan did not do, and why.

    Failures are grouped per registry, so an outage reads as one line naming the
    registry, its first error and the packages it cost.
    """
    failed: dict[str, list[RegistryFailure]] = {}
    for failure in plan.failures:
        failed.setdefault(failure.registry, []).append(failure)
    lines = [
        f"Registry {registry} failed for {len(items)} package(s) "
        f"({_names([f.package for f in items])}): {items[0].error}"
        for registry, items in failed.items()
    ]
    for group in plan.blocked:
        bumps = _names([str(b) for b in group.bumps])
        lines.append(f"Group {group.key} not proposed again: its PR was closed unmerged ({bumps})")
    lines += [f"{h.name} {h.version}: {h.why}" for h in plan.held]
    lines += [str(p) for p in plan.problems]
    return tuple(" ".join(line.split()) for line in lines)


def _names(names: Sequence[str]) -> str:
    shown = ", ".join(names[:10])
    return shown + (f" and {len(names) - 10} more" if len(names) > 10 else "")
