"""Hostile reports (SECURITY.md group H): each ends in a clear error, fast, in little memory.

Every case runs the real reader in a child process under an address-space limit
(RLIMIT_AS), so a regression is a failed test, not an exhausted machine. Files are made
here, at test time. Budgets: 5 s wall clock and 200 MiB peak RSS.
"""

from __future__ import annotations

import json
import resource
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from kairos_ci.errors import InputTooLarge
from kairos_ci.signals import source
from kairos_ci.signals.records import ReportLimits
from tests.signals.helpers import read

ADDRESS_SPACE = 256 * 1024 * 1024
MAX_RSS_KIB = 200 * 1024
MAX_SECONDS = 5.0

# VmHWM, not ru_maxrss: Linux carries ru_maxrss across fork+exec, so a child of a large
# test worker would report the worker's peak rather than its own.
CHILD = """
import json, sys
from kairos_ci.signals.read import parse_report
records = [[r.kind, getattr(r, "message", "")] for r in parse_report(sys.argv[1])]
with open("/proc/self/status") as status:
    peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
print(json.dumps({"records": records, "maxrss_kib": peak}))
"""


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))


def parse_in_child(path: Path) -> tuple[list[list[str]], int, float]:
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(path)],
        capture_output=True,
        text=True,
        timeout=30,
        preexec_fn=_limit,  # the test process starts no threads, so this is safe
        check=False,
    )
    elapsed = time.monotonic() - started
    assert done.returncode == 0, done.stderr[-2000:]  # a clean exit: no traceback, no OOM
    result = json.loads(done.stdout)
    return result["records"], result["maxrss_kib"], elapsed


def billion_laughs(path: Path) -> None:
    lines = ['<?xml version="1.0"?>', "<!DOCTYPE lolz [", '<!ENTITY lol0 "lol">']
    for level in range(1, 10):
        lines.append(f'<!ENTITY lol{level} "{f"&lol{level - 1};" * 10}">')
    lines += ["]>", '<testsuite name="&lol9;"><testcase classname="c" name="t"/></testsuite>']
    path.write_text("\n".join(lines))


def quadratic_blowup(path: Path) -> None:
    entity = "A" * 100_000
    body = "&a;" * 20_000
    path.write_text(
        f'<?xml version="1.0"?><!DOCTYPE t [<!ENTITY a "{entity}">]>'
        f'<testsuite name="s"><testcase classname="c" name="t"><failure>{body}</failure>'
        "</testcase></testsuite>"
    )


def huge_file(path: Path) -> None:
    # 200 MB without writing 200 MB: a real header, then a hole. The cap must refuse it
    # from its size; reading it would take far longer than the budget.
    with path.open("wb") as out:
        out.write(b'<?xml version="1.0"?><testsuites>')
        out.truncate(200 * 1000 * 1000)


def deep_xml(path: Path) -> None:
    depth = 10_000
    path.write_text(
        "<testsuites>" + '<testsuite name="n">' * depth + "</testsuite>" * depth + "</testsuites>"
    )


def deep_json(path: Path) -> None:
    path.write_text('{"version": "2.1.0", "runs": ' + "[" * 10_000 + "]" * 10_000 + "}")


def json_inflation(path: Path) -> None:
    # 9 MB on disk; parsed, each "[]" is a list object: about 200 MB of them.
    path.write_text('{"version": "2.1.0", "runs": [' + "[]," * 3_000_000 + "[]]}")


def json_big_integer(path: Path) -> None:
    region = '{"startLine": ' + "9" * 5_000 + "}"
    path.write_text(
        '{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "t"}}, "results": '
        '[{"ruleId": "r", "message": {"text": "m"}, "locations": [{"physicalLocation": '
        '{"artifactLocation": {"uri": "a.py"}, "region": ' + region + "}}]}]}]}"
    )


CASES: dict[str, tuple[Callable[[Path], None], str, str]] = {
    "billion-laughs": (billion_laughs, "bomb.xml", "refused a DOCTYPE"),
    "quadratic-blowup": (quadratic_blowup, "quad.xml", "refused a DOCTYPE"),
    "200-MB-file": (huge_file, "huge.xml", "over the 104,857,600-byte cap"),
    "10000-deep-xml": (deep_xml, "deep.xml", "nested deeper than 256"),
    "10000-deep-json": (deep_json, "deep.sarif", "JSON nested too deeply"),
    "json-inflation": (json_inflation, "wide.sarif", "JSON arrays and objects is over"),
    "json-5000-digit-integer": (json_big_integer, "int.sarif", "integer string conversion"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_input_ends_in_a_clear_error(tmp_path: Path, case: str) -> None:
    make, name, words = CASES[case]
    path = tmp_path / name
    make(path)
    records, peak_kib, elapsed = parse_in_child(path)
    assert [kind for kind, _ in records] == ["error"], records
    assert words in records[0][1]
    assert elapsed < MAX_SECONDS, f"{case} took {elapsed:.1f} s"
    assert peak_kib < MAX_RSS_KIB, f"{case} peaked at {peak_kib // 1024} MiB"


def test_external_dtd_is_never_fetched(tmp_path: Path) -> None:
    """BOMB-04: a DOCTYPE pointing at a local sink; the sink must see no connection."""
    with socket.socket() as sink:
        sink.bind(("127.0.0.1", 0))
        sink.listen(1)
        sink.settimeout(0.3)
        port = sink.getsockname()[1]
        path = tmp_path / "xxe.xml"
        path.write_text(
            f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY % sp SYSTEM "http://127.0.0.1:{port}/x.dtd">'
            f'%sp;]><testsuite name="&sp;"/>'
        )
        [error] = read(path)
        assert "refused a DOCTYPE" in error.message
        with pytest.raises(TimeoutError):
            sink.accept()


def test_streaming_cap_for_files_without_an_honest_size() -> None:
    # /dev/zero reports size 0 and never ends: the running count must stop the reading.
    with pytest.raises(InputTooLarge, match="more than the 1,048,576-byte cap"):
        for _ in source.chunks(Path("/dev/zero"), ReportLimits(max_bytes=1 << 20)):
            pass
