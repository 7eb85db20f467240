"""Java is set up only to run Checkstyle, and never in the review job."""

from __future__ import annotations

from pathlib import Path

from kairos_ci.adopt.java import java_toolchain
from kairos_ci.adopt.linters import detect_linters
from kairos_ci.adopt.scan import scan
from tests.adopt.projects import write


def test_maven_checkstyle_warms_the_cache_online_first(tmp_path: Path) -> None:
    files = scan(
        write(
            tmp_path,
            {"pom.xml": "<project/>", "checkstyle.xml": "<module/>", ".java-version": "17.0.2\n"},
        )
    )
    linters, _ = detect_linters(files)
    chain = java_toolchain(files, linters)
    assert chain is not None
    assert chain.install.lines == (
        "mvn --batch-mode checkstyle:checkstyle -Dcheckstyle.config.location=checkstyle.xml",
    )
    assert chain.review_install.lines == ()
    assert chain.setup.inputs == (("distribution", "temurin"), ("java-version", "17"))


def test_no_checkstyle_no_java(tmp_path: Path) -> None:
    files = scan(write(tmp_path, {"pom.xml": "<project/>"}))
    assert java_toolchain(files, detect_linters(files)[0]) is None
