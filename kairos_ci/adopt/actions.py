"""The third-party actions the written workflows use, pinned by full commit SHA."""

from __future__ import annotations

from kairos_ci.adopt.records import ActionStep

CHECKOUT = ActionStep("actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683", "v4.2.2")
# The examples' placeholder: there is no release to pin yet (see docs/init.md).
KAIROS = ActionStep(
    "kairos-ci/kairos-ci@0000000000000000000000000000000000000000",
    "v1.x.y: replace with the release commit SHA",
)
UPLOAD_ARTIFACT = ActionStep(
    "actions/upload-artifact@ea165f8d65b6e75b540449e92b4886f43607fa02", "v4.6.2"
)


def setup_python(version: str) -> ActionStep:
    return ActionStep(
        "actions/setup-python@a26af69be951a213d495a4c3e4e4022e16d87065",
        "v5.6.0",
        (("python-version", version),),
    )


def setup_node(version: str) -> ActionStep:
    return ActionStep(
        "actions/setup-node@49933ea5288caeca8642d1e84afbd3f7d6820020",
        "v4.4.0",
        (("node-version", version),),
    )


def setup_java(version: str) -> ActionStep:
    return ActionStep(
        "actions/setup-java@c5195efecf7bdfc987ee8bae7a71cb8b11521c00",
        "v4.7.1",
        (("distribution", "temurin"), ("java-version", version)),
    )
