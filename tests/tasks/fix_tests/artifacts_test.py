"""Unpacking a CI run's artifact: every hostile zip member is refused, the rest still counts."""

from __future__ import annotations

import io
import stat
import zipfile
from pathlib import Path

import pytest

from kairos_ci.tasks.fix_tests.artifacts import ArtifactLimits, Reports, unpack

REPORT = (
    '<testsuite name="s" tests="2" failures="1">'
    '<testcase classname="tests.test_x" name="test_ok"/>'
    '<testcase classname="tests.test_x" name="test_bad"><failure message="boom"/></testcase>'
    "</testsuite>"
)


def zipped(*members: tuple[str | zipfile.ZipInfo, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            archive.writestr(name, data)
    return buffer.getvalue()


def symlink(name: str, target: str) -> tuple[zipfile.ZipInfo, bytes]:
    info = zipfile.ZipInfo(name)
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info, target.encode()


def test_reports_are_unpacked_inside_the_folder_and_other_files_skipped(tmp_path: Path) -> None:
    data = zipped(("reports/junit.xml", REPORT.encode()), ("log.txt", b"x"), ("a/", b""))
    files, problems = unpack(data, tmp_path / "out", ArtifactLimits())
    assert files == [tmp_path / "out" / "reports" / "junit.xml"] and problems == []
    assert files[0].read_text() == REPORT


@pytest.mark.parametrize(
    ("member", "why"),
    [
        (("/etc/cron.d/x.xml", b"<a/>"), "an absolute or Windows path: refused"),
        (("../../outside.xml", b"<a/>"), "a path that leaves the folder: refused"),
        (("reports/../../x.xml", b"<a/>"), "a path that leaves the folder: refused"),
        (("C:/x.xml", b"<a/>"), "an absolute or Windows path: refused"),
        (("reports\\..\\x.xml", b"<a/>"), "an absolute or Windows path: refused"),
        (symlink("reports/link.xml", "/proc/self/environ"), "a symlink: refused"),
    ],
)
def test_hostile_members_are_refused_and_the_good_one_kept(
    tmp_path: Path, member: tuple[str | zipfile.ZipInfo, bytes], why: str
) -> None:
    data = zipped(member, ("junit.xml", REPORT.encode()))
    files, problems = unpack(data, tmp_path / "out", ArtifactLimits())
    assert [f.name for f in files] == ["junit.xml"]
    assert len(problems) == 1 and problems[0].endswith(why)
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == ["junit.xml"]


def test_sizes_and_counts_are_bounded(tmp_path: Path) -> None:
    bomb = b"<a>" + b" " * 5_000_000 + b"</a>"  # compresses to a few kilobytes
    limits = ArtifactLimits(max_member_bytes=1_000_000, max_members=3)
    data = zipped(
        ("big.xml", bomb), ("one.xml", b"<a/>"), ("two.xml", b"<a/>"), ("three.xml", b"<a/>")
    )
    files, problems = unpack(data, tmp_path / "out", limits)
    assert [f.name for f in files] == ["one.xml", "two.xml"]
    assert problems[0] == "only the first 3 of 4 files are read"
    assert problems[1] == "'big.xml': 5000007 bytes, over the limit of 1000000"


def test_the_total_unpacked_size_is_bounded(tmp_path: Path) -> None:
    limits = ArtifactLimits(max_total_bytes=1500)
    data = zipped(("a.xml", b"x" * 1000), ("b.xml", b"y" * 1000))
    files, problems = unpack(data, tmp_path / "out", limits)
    assert [f.name for f in files] == ["a.xml"]
    assert problems == ["'b.xml': cannot be unpacked (larger than 500 bytes unpacked)"]
    assert not (tmp_path / "out" / "b.xml").exists()


def test_a_member_named_twice_is_not_written_twice(tmp_path: Path) -> None:
    with pytest.warns(UserWarning, match="Duplicate name"):
        data = zipped(("r.xml", b"<first/>"), ("r.xml", b"<second/>"))
    files, problems = unpack(data, tmp_path / "out", ArtifactLimits())
    assert [f.read_bytes() for f in files] == [b"<first/>"]
    assert "cannot be unpacked" in problems[0]


def test_what_is_not_a_zip_is_a_note(tmp_path: Path) -> None:
    files, problems = unpack(b"PK\x03\x04 not really", tmp_path / "out", ArtifactLimits())
    assert files == [] and problems[0].startswith("not a readable zip")


def test_failing_tests_come_from_the_parsed_reports(tmp_path: Path) -> None:
    from kairos_ci.signals.read import parse_report
    from kairos_ci.signals.records import TestResult

    report = tmp_path / "junit.xml"
    report.write_text(REPORT)
    tests = tuple(r for r in parse_report(report, "junit") if isinstance(r, TestResult))
    reports = Reports(tests + tests, ())
    assert [t.id for t in reports.failing()] == ["tests.test_x::test_bad"]
