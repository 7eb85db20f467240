from __future__ import annotations

from kairos_ci.tasks.deps.manifests.edit import PinEdit, rewrite
from kairos_ci.tasks.deps.manifests.pyproject import read_pyproject

PYPROJECT = """\
[build-system]
requires = ["hatchling==1.25.0"]  # not a dependency of the project

[project]
name = "demo"
dependencies = [
  "alpha==1.0.0",   # why: 1.1 broke us
  'Beta[fast] == 2.0 ; python_version < "3.13"',
  "gamma>=3",
  "delta==1.*",
]

[project.optional-dependencies]
test = ["pytest==8.0.0", "demo[extra]"]
"docs" = [
    # the docs build
    "sphinx==7.2.6",
]

[dependency-groups]
dev = ["ruff==0.5.0", {include-group = "docs"}]

[tool.other]
dependencies = ["not-ours==1.0"]
"""


def test_pins_in_every_dependency_list_with_sections() -> None:
    manifest = read_pyproject("pyproject.toml", PYPROJECT)
    assert [(p.section, p.name, p.version) for p in manifest.pins] == [
        ("dependencies", "alpha", "1.0.0"),
        ("dependencies", "Beta", "2.0"),
        ("optional-dependencies.test", "pytest", "8.0.0"),
        ("optional-dependencies.docs", "sphinx", "7.2.6"),
        ("dependency-groups.dev", "ruff", "0.5.0"),
    ]
    assert [p.what for p in manifest.problems] == ["delta==1.*"]


def test_formatting_survives_byte_for_byte() -> None:
    manifest = read_pyproject("pyproject.toml", PYPROJECT)
    new_versions = {"alpha": "1.0.1", "Beta": "2.0.4", "sphinx": "7.2.7"}
    edits = [PinEdit(p, new_versions[p.name]) for p in manifest.pins if p.name in new_versions]
    expected = (
        PYPROJECT.replace('"alpha==1.0.0"', '"alpha==1.0.1"')
        .replace("Beta[fast] == 2.0 ;", "Beta[fast] == 2.0.4 ;")
        .replace("sphinx==7.2.6", "sphinx==7.2.7")
    )
    assert rewrite(PYPROJECT, edits) == expected


def test_text_the_scanner_cannot_follow_is_refused_not_guessed() -> None:
    escaped = '[project]\nname = "x"\ndependencies = ["alpha\\u003d=1.0"]\n'
    manifest = read_pyproject("pyproject.toml", escaped)
    assert manifest.pins == ()
    assert "escaped" in manifest.problems[0].why
    broken = read_pyproject("pyproject.toml", "[project\nname=")
    assert broken.pins == () and broken.problems[0].why.startswith("not valid TOML")


def test_dotted_and_inline_table_forms() -> None:
    text = (
        'project.name = "x"\n'
        'project.dependencies = ["alpha==1.0"]\n'
        'project.optional-dependencies = { test = ["beta==2.0"], "d" = [] }\n'
        'multi = """\nline"""\n'
    )
    manifest = read_pyproject("pyproject.toml", text)
    assert [(p.section, p.name) for p in manifest.pins] == [
        ("dependencies", "alpha"),
        ("optional-dependencies.test", "beta"),
    ]
