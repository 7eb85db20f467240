"""Unpacking a CI run's artifact: every hostile zip member is refused, the rest still counts."""

from __future__ import annotations

import io
import stat
import zipfile
from pathlib import Path

import pytest

from kairos_ci.forge.records import Artifact
from kairos_ci.signals.budget import RunBudget
from kairos_ci.tasks.fix_tests.artifacts import (
    ArtifactLimits,
    Reports,
    junit_from_run,
    unpack,
)

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


class ArtifactStore:
    """The two forge calls reading a run's artifacts make: every artifact is ``zip_``."""

    def __init__(self, zip_: bytes, count: int) -> None:
        self.zip_, self.count = zip_, count
        self.downloads: list[tuple[int, int]] = []  # (artifact id, byte cap asked for)

    def list_artifacts(self, run_id: int) -> tuple[Artifact, ...]:
        size = len(self.zip_)
        return tuple(Artifact(i, f"junit-{i}", size, False, run_id) for i in range(self.count))

    def download_artifact(self, artifact_id: int, max_bytes: int) -> bytes:
        self.downloads.append((artifact_id, max_bytes))
        return self.zip_


def read_run(
    tmp_path: Path, count: int, limits: ArtifactLimits | None = None
) -> tuple[Reports, ArtifactStore]:
    store = ArtifactStore(zipped(("reports/junit.xml", REPORT.encode())), count)
    return junit_from_run(store, 7, tmp_path, limits), store  # type: ignore[arg-type]


def test_a_run_keeps_each_failing_test_once_and_counts_the_rest(tmp_path: Path) -> None:
    reports, _ = read_run(tmp_path, 3)
    assert [t.id for t in reports.failing()] == ["tests.test_x::test_bad"]
    assert (reports.read, reports.partial, reports.notes) == (6, None, ())
    assert not list(tmp_path.rglob("*.xml"))  # each report is deleted once read


def test_a_run_over_its_test_budget_is_a_partial_result_that_says_so(tmp_path: Path) -> None:
    limits = ArtifactLimits(run=RunBudget(max_tests=3))
    reports, store = read_run(tmp_path, 4, limits)
    assert reports.read == 3 and reports.partial == "the run's budget of 3 test cases is spent"
    assert reports.notes[-1] == f"run 7: a partial result: {reports.partial}"
    assert (
        "artifact 'junit-2': not read: the run's budget of 3 test cases is spent" in reports.notes
    )
    assert len(store.downloads) == 2  # nothing more is downloaded once the budget is spent


def test_a_run_over_its_download_budget_stops_downloading(tmp_path: Path) -> None:
    size = len(zipped(("reports/junit.xml", REPORT.encode())))
    reports, store = read_run(tmp_path, 5, ArtifactLimits(max_run_zip_bytes=2 * size))
    assert [artifact for artifact, _ in store.downloads] == [0, 1]
    assert store.downloads[1][1] == size  # the second may only take what is left
    assert reports.read == 4 and "downloaded bytes is spent" in str(reports.partial)
