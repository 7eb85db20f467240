"""What README.md and docs/*.md state about the code is checked against the code: each
command's help, documented config defaults, model names, the price table and every file
or module the docs name."""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

import pytest

from kairos_ci import cli
from kairos_ci.agent.prices import DEFAULT_PRICES
from kairos_ci.cli_reference import CliCommand, commands, exit_code_rows
from kairos_ci.config.reference import key_rows

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
COMMANDS = list(commands(cli.build_parser()))
CONTEXT_SOURCE = (ROOT / "kairos_ci" / "context.py").read_text()
REPOSITORY_DIRS = ("kairos_ci", "docs", "examples", "bench", "tests", "schemas")
GENERATED_TABLE = r"<!-- config-reference:start -->.*<!-- config-reference:end -->"
DATA_SUFFIXES = ("xml", "json", "yml", "yaml", "toml", "md", "txt", "cfg", "ini")
SCHEMA_DEFAULTS = {path: schema["default"] for path, schema, _ in key_rows() if "default" in schema}


def _prog(command: CliCommand) -> str:
    return command.parser.prog


def _sections(epilog: str) -> dict[str, list[str]]:
    """An epilog's ``name:`` sections, each with its indented lines."""
    sections: dict[str, list[str]] = {}
    current: list[str] = []
    for line in epilog.splitlines():
        if re.fullmatch(r"[a-z]+:", line):
            current = sections.setdefault(line[:-1], [])
        elif line.strip():
            current.append(line.strip())
    return sections


@pytest.mark.parametrize("command", COMMANDS, ids=_prog)
def test_every_command_help_has_a_description_its_environment_and_an_example(
    command: CliCommand,
) -> None:
    sections = _sections(command.parser.epilog or "")
    assert command.parser.description, f"{_prog(command)}: no description"
    assert sections.get("environment"), f"{_prog(command)}: no environment: section"
    assert sections.get("example"), f"{_prog(command)}: no example: section"


@pytest.mark.parametrize("command", COMMANDS, ids=_prog)
def test_documented_environment_variables_are_ones_kairos_reads(command: CliCommand) -> None:
    lines = _sections(command.parser.epilog or "").get("environment", [])
    if lines == ["none"]:
        return
    for line in lines:
        names = re.findall(r"\b[A-Z][A-Z0-9_]+\b", re.split(r"\s{2,}", line)[0])
        assert names, f"{_prog(command)}: {line!r} names no variable"
        for name in names:
            assert f'"{name}"' in CONTEXT_SOURCE, f"{_prog(command)}: context.py never reads {name}"


@pytest.mark.parametrize("command", COMMANDS, ids=_prog)
def test_the_example_uses_only_the_commands_own_options(command: CliCommand) -> None:
    example = _sections(command.parser.epilog or "").get("example", [""])[0]
    words = [word for word in example.split() if not re.fullmatch(r"[A-Z_]+=\S*", word)]
    assert " ".join(words).startswith(_prog(command)), f"example: {example!r}"
    options = set(command.parser._option_string_actions)
    for child in _children(command.parser):
        options |= set(child._option_string_actions)
    unknown = [word for word in words if word.startswith("--") and word not in options]
    assert unknown == [], f"{_prog(command)}: example uses {unknown}"


@pytest.mark.parametrize("command", COMMANDS, ids=_prog)
def test_a_default_named_in_help_is_the_actual_default(command: CliCommand) -> None:
    for action in command.parser._actions:
        stated = re.search(r"\(default: (\S+)\)", action.help or "")
        if stated and action.default is not None:
            assert stated[1] == str(action.default), f"{_prog(command)} {action.dest}"


def test_readme_lists_every_command() -> None:
    readme = (ROOT / "README.md").read_text()
    top_level = [_prog(c) for c in COMMANDS if _prog(c).count(" ") == 1]
    missing = [prog for prog in top_level if f"| `{prog}" not in readme]
    assert missing == [], f"README's command table lacks {missing}"


def test_readmes_exit_codes_are_clis() -> None:
    table = (ROOT / "README.md").read_text().split("| code | meaning |", 1)[1].split("\n\n")[0]
    documented = re.findall(r"^\| (\d+) \|", table, re.M)
    assert documented == [code for code, _ in exit_code_rows(cli.__doc__ or "")]


def test_documented_config_defaults_are_the_schemas() -> None:
    leaves = _unique_leaves()
    checked = set()
    for doc, key, value in _default_claims():
        path = key if key in SCHEMA_DEFAULTS else leaves.get(key)
        if path is None:
            continue  # not a config key (a plan field, a CLI option)
        assert value in _spellings(SCHEMA_DEFAULTS[path]), f"{doc}: `{key}` default {value}"
        checked.add(path)
    # The claims the docs make today; if the wording changes, point the check at it again.
    assert {"memory.branch", "update_deps.cooldown_days", "update_deps.update_types"} <= checked


def test_documented_default_models_are_the_schemas() -> None:
    agent = (ROOT / "docs" / "agent.md").read_text()
    stated = re.search(
        r"`models\.triage`, `models\.work`, `models\.plan`; defaults\s+"
        r"`([^`]+)`,\s+`([^`]+)`,\s+`([^`]+)`",
        agent,
    )
    assert stated, "docs/agent.md no longer states the default models"
    tiers = ("models.triage", "models.work", "models.plan")
    assert stated.groups() == tuple(SCHEMA_DEFAULTS[tier] for tier in tiers)


def test_default_models_have_built_in_prices() -> None:
    tiers = ("models.triage", "models.work", "models.plan")
    assert [SCHEMA_DEFAULTS[tier] in DEFAULT_PRICES for tier in tiers] == [True] * 3


def test_every_model_the_docs_name_is_priced() -> None:
    for doc in DOCS:
        for model in re.findall(r"\bclaude-[a-z]+-[0-9]+-[0-9]+(?:-[0-9]{8})?\b", doc.read_text()):
            alias = re.sub(r"-[0-9]{8}$", "", model)  # a dated id is priced as its alias
            assert alias in DEFAULT_PRICES, f"{doc.name}: {model} has no built-in price"


def test_the_documented_price_table_is_the_built_in_one() -> None:
    agent = (ROOT / "docs" / "agent.md").read_text()
    rows = re.findall(
        r"^\| `(claude-[^`]+)` \| ([\d.]+) \| ([\d.]+) \| ([\d.]+) \| ([\d.]+) \|$", agent, re.M
    )
    documented = {model: tuple(float(n) for n in prices) for model, *prices in rows}
    built_in = {
        model: (price.input, price.output, price.cache_write, price.cache_read)
        for model, price in DEFAULT_PRICES.items()
    }
    assert documented == built_in


@pytest.mark.parametrize("doc", DOCS, ids=lambda doc: doc.name)
def test_every_file_the_docs_name_exists(doc: Path) -> None:
    text = doc.read_text()
    named = re.findall(r"`([\w.-]+/[^`\s]*)`", text) + re.findall(r"\]\(([^)\s#]+)", text)
    missing = [path for path in named if not _exists(path, doc)]
    assert missing == [], f"{doc.name} names files that do not exist: {missing}"


@pytest.mark.parametrize("doc", DOCS, ids=lambda doc: doc.name)
def test_every_module_the_docs_name_exists(doc: Path) -> None:
    names = re.findall(r"\bkairos_ci(?:\.\w+)+", doc.read_text())
    missing = [name for name in names if not _module_exists(name)]
    assert missing == [], f"{doc.name} names modules that do not exist: {missing}"


def _children(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    """Subcommands' parsers: a group's example may use its children's options."""
    return [c.parser for c in commands(parser)]


def _unique_leaves() -> dict[str, str]:
    """A key's last part, when no other key ends the same way (`cooldown_days`)."""
    by_leaf: dict[str, list[str]] = {}
    for path in SCHEMA_DEFAULTS:
        by_leaf.setdefault(path.rsplit(".", 1)[-1], []).append(path)
    return {leaf: paths[0] for leaf, paths in by_leaf.items() if len(paths) == 1}


def _default_claims() -> list[tuple[str, str, str]]:
    """(doc, key, value) for every "`key` ... default VALUE" in the docs' prose."""
    claims = []
    for doc in DOCS:
        # The generated reference table is checked by docs_test.py.
        text = re.sub(GENERATED_TABLE, "", doc.read_text(), flags=re.S)
        pattern = r"`([a-z_][a-z_.]*)`[^`.;]{0,20}?\bdefault:?\s+(`[^`]+`|[^\s,;)]+)"
        for key, value in re.findall(pattern, text):
            claims.append((doc.name, key, value.strip("`")))
    return claims


def _spellings(default: object) -> set[str]:
    """How the docs may write a default: as JSON, or a list without quotes."""
    spellings = {json.dumps(default)}
    if isinstance(default, str | int | float) and not isinstance(default, bool):
        spellings.add(str(default))
    if isinstance(default, list):
        spellings.add("[" + ", ".join(str(item) for item in default) + "]")
    return spellings


def _exists(path: str, doc: Path) -> bool:
    if path.startswith(("http:", "https:", "mailto:")) or re.search(r"[*<>{}$]", path):
        return True  # a URL or a pattern, not a file
    path = path.rstrip("/")
    if (doc.parent / path).exists() or (ROOT / path).exists():
        return True
    top = path.split("/", 1)[0]
    if top in REPOSITORY_DIRS:
        return False
    module = re.fullmatch(r"([\w/]+)(?:\.py|\.(\w+))?", path)
    if module and module[2] not in DATA_SUFFIXES and (ROOT / "kairos_ci" / top).is_dir():
        # Relative to the package: `stages/state.py`, or `policy/autonomy.decide`.
        dotted = "kairos_ci." + module[1].replace("/", ".")
        return _module_exists(dotted + (f".{module[2]}" if module[2] else ""))
    return True  # a path in the user's repository (`config/checkstyle/checkstyle.xml`)


def _module_exists(name: str) -> bool:
    """``kairos_ci.a.b`` is a package or module, or names a top-level definition in one."""
    parts = name.split(".")
    for end in range(len(parts), 1, -1):
        base = ROOT.joinpath(*parts[:end])
        source = base / "__init__.py" if base.is_dir() else base.with_suffix(".py")
        if source.exists():
            rest = parts[end:]
            if not rest:
                return True
            pattern = rf"^(?:def|class|async def) {rest[0]}\b|^{rest[0]}\b.*="
            return len(rest) == 1 and re.search(pattern, source.read_text(), re.M) is not None
    return False
