from __future__ import annotations

from kairos_ci.tasks.deps.manifests.edit import PinEdit, rewrite
from kairos_ci.tasks.deps.manifests.package_json import read_package_json

PACKAGE = """{
    "name": "demo",
    "version": "1.0.0",
    "scripts": {"test": "node test.js"},
    "dependencies": {
        "@scope/left": "1.2.3",
        "range": "^1.0.0",
        "tagged": "latest",
        "aliased": "npm:other@1.0.0"
    },
    "devDependencies" : { "tap":"16.3.0" , "beta": "2.0.0-rc.1" },
    "peerDependencies": {"peer": "1.0.0"},
    "weird": ["dependencies", {"dependencies": {"inner": "1.0.0"}}]
}
"""


def test_exact_versions_only_in_the_two_sections() -> None:
    manifest = read_package_json("package.json", PACKAGE)
    assert [(p.section, p.name, p.version) for p in manifest.pins] == [
        ("dependencies", "@scope/left", "1.2.3"),
        ("devDependencies", "tap", "16.3.0"),
        ("devDependencies", "beta", "2.0.0-rc.1"),
    ]


def test_only_the_version_characters_change() -> None:
    manifest = read_package_json("package.json", PACKAGE)
    left, tap, _ = manifest.pins
    new = rewrite(PACKAGE, [PinEdit(left, "1.2.4"), PinEdit(tap, "16.3.1")])
    assert new == PACKAGE.replace('"1.2.3"', '"1.2.4"').replace('"16.3.0"', '"16.3.1"')


def test_broken_json_is_a_problem() -> None:
    manifest = read_package_json("web/package.json", '{"dependencies": {"a": "1.0.0",}}')
    assert manifest.pins == ()
    assert str(manifest.problems[0]).startswith("web/package.json: file: not valid JSON")
