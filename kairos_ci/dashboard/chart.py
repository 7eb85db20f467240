"""The trend chart: two Mermaid charts (GitHub renders Mermaid in issues) of numbers
kairos computed itself; the only text in them is a run's time, reduced to safe characters."""

from __future__ import annotations

import re
from collections.abc import Sequence

from kairos_ci.dashboard.records import TrendPoint

_UNSAFE = re.compile(r"[^0-9A-Za-z:. -]")


def trend_chart(points: Sequence[TrendPoint]) -> list[str]:
    """The pass rate as a line and the flaky failures as bars, one point per run."""
    labels = ", ".join(f'"{_UNSAFE.sub("", p.label)[:20]}"' for p in points)
    rates = ", ".join(f"{min(max(p.pass_rate, 0.0), 1.0) * 100:.1f}" for p in points)
    flaky = ", ".join(str(max(p.flaky, 0)) for p in points)
    top = max(1, max((p.flaky for p in points), default=0))
    return [
        f"The last {len(points)} runs that ran tests, oldest first. A retry that passed "
        "counts as passed; a flaky failure is a failure (or retry) of a test judged flaky.",
        "",
        *_chart("Tests passed (%)", labels, '"passed (%)" 0 --> 100', f"line [{rates}]"),
        "",
        *_chart("Flaky failures", labels, f'"tests" 0 --> {top}', f"bar [{flaky}]"),
    ]


def _chart(title: str, labels: str, y_axis: str, series: str) -> list[str]:
    return [
        "```mermaid",
        "xychart-beta",
        f'    title "{title}"',
        f"    x-axis [{labels}]",
        f"    y-axis {y_axis}",
        f"    {series}",
        "```",
    ]
