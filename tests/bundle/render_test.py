from __future__ import annotations

from kairos_ci.bundle.records import ApplyResult, Status, WriteOutcome
from kairos_ci.bundle.render import one_line, render_result
from tests.bundle.builders import bundle, comment_write


def test_summary_table_treats_bundle_text_as_data() -> None:
    write = comment_write(1, "x", "c-1")
    write["why"] = "<img src=x> | line\nbreak"
    planned = bundle(write)
    result = ApplyResult((WriteOutcome(planned.writes[0], Status.FAILED, "Not Found"),))
    text = render_result(planned, result, dry_run=False)
    assert (
        "| failed | comment on #1 | suggest | &lt;img src=x&gt; \\| line break | Not Found |"
        in text
    )
    assert one_line(result) == "writes: 1 failed"
    assert one_line(ApplyResult(())) == "writes: none"
