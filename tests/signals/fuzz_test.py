"""Whatever bytes a report holds, reading it yields records or one error record: no exception."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kairos_ci.signals.read import parse_report
from kairos_ci.signals.records import ErrorRecord, ReportFormat
from kairos_ci.signals.serialize import to_json

JUNIT = (
    b'<?xml version="1.0"?><testsuites><testsuite name="s" tests="2">'
    b'<testcase classname="c" name="a" time="0.1" file="a.py" line="3">'
    b'<failure message="m">trace\n  File "a.py", line 3</failure>'
    b'<flakyError message="e"><stackTrace>x</stackTrace><system-out>o</system-out></flakyError>'
    b'</testcase><testcase classname="c" name="b" status="disabled"/></testsuite></testsuites>'
)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "runs",
                    "results",
                    "version",
                    "tool",
                    "driver",
                    "rules",
                    "message",
                    "text",
                    "locations",
                    "physicalLocation",
                    "artifactLocation",
                    "uri",
                    "uriBaseId",
                    "region",
                    "startLine",
                    "ruleIndex",
                    "level",
                    "suppressions",
                    "filePath",
                    "messages",
                    "severity",
                    "code",
                    "filename",
                    "location",
                    "row",
                    "type",
                    "message-id",
                    "path",
                    "line",
                    "statistics",
                    "originalUriBaseIds",
                    "artifacts",
                    "index",
                    "kind",
                ]
            ),
            inner,
            max_size=6,
        )
    ),
    max_leaves=25,
)


def check(data: bytes, fmt: str) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "report"
        path.write_bytes(data)
        records = list(parse_report(path, fmt))
    errors = [r for r in records if isinstance(r, ErrorRecord)]
    assert len(errors) <= 1
    for record in records:
        json.dumps(to_json(record))


settings_ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@settings_
@given(doc=json_values, fmt=st.sampled_from([f.value for f in ReportFormat if f.value != "junit"]))
def test_any_json_shape(doc: Any, fmt: str) -> None:
    check(json.dumps(doc).encode(), fmt)
    check(json.dumps({"version": "2.1.0", "runs": [doc]}).encode(), fmt)


@settings_
@given(cut=st.integers(0, len(JUNIT)), junk=st.binary(max_size=8), at=st.integers(0, len(JUNIT)))
def test_damaged_junit(cut: int, junk: bytes, at: int) -> None:
    check(JUNIT[:cut], "auto")
    check(JUNIT[:at] + junk + JUNIT[at:], "junit")


@settings_
@given(data=st.binary(max_size=64))
def test_random_bytes(data: bytes) -> None:
    check(data, "auto")
