"""The trend chart: Mermaid that GitHub renders, with nothing but numbers and safe labels."""

from __future__ import annotations

from kairos_ci.dashboard.chart import trend_chart
from kairos_ci.dashboard.records import TrendPoint


def test_two_mermaid_charts_one_point_per_run() -> None:
    text = "\n".join(
        trend_chart((TrendPoint("12-04 03:00", 1.0, 0), TrendPoint("12-05 03:00", 0.755, 3)))
    )
    assert text.count("```mermaid\nxychart-beta\n") == 2
    assert '    x-axis ["12-04 03:00", "12-05 03:00"]' in text
    assert "    line [100.0, 75.5]" in text
    assert "    bar [0, 3]" in text
    assert '    y-axis "tests" 0 --> 3' in text
    assert "The last 2 runs" in text


def test_labels_cannot_break_out_of_the_chart() -> None:
    text = "\n".join(trend_chart((TrendPoint('12-05"]\n```\n<b>@x', 2.0, -1),)))
    assert '    x-axis ["12-05bx"]' in text
    assert "    line [100.0]" in text and "    bar [0]" in text
    assert text.count("```") == 4 and "<" not in text and "@" not in text
