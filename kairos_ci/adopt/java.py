"""A Java build, set up only to run Checkstyle: the toolchain and a first, online run of
the same goal, so the offline run kairos makes finds its plugins."""

from __future__ import annotations

import re

from kairos_ci.adopt import actions
from kairos_ci.adopt.records import DetectedLinter, Install, ProjectFiles, Toolchain

DEFAULT_JAVA = "21"
_VERSION = re.compile(r"^(\d+)")


def java_toolchain(files: ProjectFiles, linters: tuple[DetectedLinter, ...]) -> Toolchain | None:
    runs = [d.setup.run.replace(" --offline", "") for d in linters if d.language == "java"]
    if not runs:
        return None
    version = _VERSION.match((files.text(".java-version") or "").strip())
    build = "pom.xml" if files.has("pom.xml") else "gradlew"
    return Toolchain(
        language="java",
        setup=actions.setup_java(version.group(1) if version else DEFAULT_JAVA),
        install=Install(tuple(runs)),
        # Maven and Gradle run the build's own plugins: not for a pull request's code.
        review_install=Install(),
        sources=(build,),
    )
