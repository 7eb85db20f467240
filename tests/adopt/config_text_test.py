"""The config text: each entry says where it came from, and no value can change the
document's shape."""

from __future__ import annotations

from kairos_ci.adopt.config_text import render_config
from kairos_ci.adopt.records import Adoption, LinterSetup, TestSetup
from kairos_ci.config.load import parse_config


def test_a_hostile_test_command_stays_one_string() -> None:
    run = 'mocha --grep "a: b # c\nlinters: []" \u2028 {x: [y]}'
    tests = TestSetup(run, ("reports/*.xml",), "package.json scripts.test")
    text = render_config(Adoption((), tests, (), ()))
    config = parse_config(text.encode(), "kairos.yml")
    assert config.tests.run is not None
    assert config.tests.run.text == run
    assert config.linters == ()


def test_sources_are_comments_and_optional_keys_appear_only_when_set() -> None:
    linter = LinterSetup(
        "checkstyle",
        "mvn checkstyle:checkstyle",
        "checkstyle",
        "pom.xml",
        report="target/checkstyle-result.xml",
    )
    text = render_config(Adoption((), None, (linter,), ()))
    assert "  # checkstyle: configured in pom.xml\n" in text
    assert '    report: "target/checkstyle-result.xml"\n' in text
    assert "fix:" not in text and "tests:" not in text
    parse_config(text.encode(), "kairos.yml")


def test_nothing_detected_is_said_in_the_file() -> None:
    text = render_config(Adoption((), None, (), ()))
    assert text.endswith(
        "version: 1\n# Nothing to run was detected: add `tests:` and `linters:` here.\n"
    )
