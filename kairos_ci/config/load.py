"""Find, read, validate and type the kairos config.

Every problem is reported with its key path and the line and column in the YAML,
and all problems are reported at once, not just the first.
"""

from __future__ import annotations

import difflib
import itertools
import shlex
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, cast

from kairos_ci.config import schema as schemas
from kairos_ci.config.compiled import compile_schema
from kairos_ci.config.records import (
    BUILT_IN_DEFAULTS,
    BUILTIN_PROTECTED_PATHS,
    AgentConfig,
    AutonomyConfig,
    Budget,
    ChatConfig,
    Command,
    Config,
    DashboardConfig,
    DepGroup,
    Level,
    Limits,
    LinterConfig,
    MemoryConfig,
    Models,
    Price,
    ReviewConfig,
    Rule,
    RuleThen,
    RuleWhen,
    TaskKind,
    TestsConfig,
    UpdateDepsConfig,
)
from kairos_ci.config.yaml_source import YamlDocument, YamlRejected, load_yaml
from kairos_ci.errors import ConfigError, ConfigProblem, UsageError
from kairos_ci.git import Git

if TYPE_CHECKING:
    import jsonschema

CONFIG_CANDIDATES = (".github/kairos.yml", ".github/kairos.yaml", ".kairos.yml", ".kairos.yaml")

KeyPath = tuple[str | int, ...]


def find_config(repo: Path) -> Path | None:
    """The repository's config file, if it has one."""
    for candidate in CONFIG_CANDIDATES:
        path = repo / candidate
        if path.is_file():
            return path
    return None


def load_config_at(repo: Path, rev: str) -> Config:
    """The config as committed at ``rev`` (the default branch, or a PR's base).

    Reading from a commit, not the working tree, is what keeps a pull request from
    changing the rules it is judged by. No config file means the defaults.
    """
    git = Git(repo)
    for candidate in CONFIG_CANDIDATES:
        shown = git.run("show", "--end-of-options", f"{rev}:{candidate}", check=False)
        if shown.returncode == 0:
            return parse_config(shown.stdout, f"{candidate}@{rev[:12]}")
    git.text("rev-parse", "--verify", "--end-of-options", f"{rev}^{{commit}}")  # a bad rev raises
    return parse_config(b"version: 1\n", BUILT_IN_DEFAULTS)


def load_config(path: Path) -> Config:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except OSError as err:
        raise UsageError(f"{path}: cannot read: {err.strerror}") from None
    return parse_config(raw, str(path))


def parse_config(raw: bytes, source: str) -> Config:
    """Validate config bytes; raise ``ConfigError`` listing every problem."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        problem = ConfigProblem(source, "", None, None, f"not UTF-8 text (byte {err.start})")
        raise ConfigError((problem,)) from None
    try:
        document = load_yaml(text, source)
    except YamlRejected as rejected:
        raise ConfigError((rejected.problem,)) from None
    problems = list(_schema_problems(document, source))
    if not problems:
        problems = list(_semantic_problems(document, source))
    if problems:
        raise ConfigError(tuple(sorted(problems, key=_problem_order)))
    config_schema = schemas.load_schema("config")
    return _build(schemas.with_defaults(document.data, config_schema), source)


# --- schema validation, translated into located, human messages ---------------


def _schema_problems(document: YamlDocument, source: str) -> Iterator[ConfigProblem]:
    if not isinstance(document.data, dict):
        kind = _yaml_type(document.data)
        yield _problem(document, source, (), f"the file must be a mapping of keys, not {kind}")
        return
    config_schema = schemas.load_schema("config")
    if compile_schema(config_schema)(document.data):
        return
    # Only a file that may be invalid pays for importing jsonschema, which words the errors.
    import jsonschema

    validator = jsonschema.Draft202012Validator(config_schema)
    for error in validator.iter_errors(document.data):
        yield from _translate(error, document, source)


def _translate(
    error: jsonschema.ValidationError, document: YamlDocument, source: str
) -> Iterator[ConfigProblem]:
    path: KeyPath = tuple(error.absolute_path)
    keyword = error.validator
    # The stubs allow "unset"; for errors from iter_errors these are always set.
    schema = cast(dict[str, Any], error.schema)
    expected = cast(Any, error.validator_value)
    instance = cast(Any, error.instance)
    if keyword == "additionalProperties" and isinstance(error.instance, dict):
        allowed = sorted(schema.get("properties", {}))
        for key in sorted(set(error.instance) - set(allowed)):
            hint = _did_you_mean(str(key), allowed)
            message = f"unknown key '{key}'{hint}; allowed: {', '.join(allowed)}"
            yield _problem(document, source, (*path, key), message, of_key=True)
    elif keyword == "required":
        missing = [k for k in expected if k not in instance]
        for key in missing:
            yield _problem(document, source, path, f"missing required key '{key}'")
    elif keyword == "enum":
        options = [str(v) for v in expected]
        hint = _did_you_mean(str(error.instance), options)
        message = f"{error.instance!r} is not one of {', '.join(options)}{hint}"
        yield _problem(document, source, path, message)
    elif keyword == "const":
        yield _problem(document, source, path, f"must be {expected!r}")
    elif keyword == "type":
        wanted = expected
        wanted_text = " or ".join(wanted) if isinstance(wanted, list) else wanted
        got = _yaml_type(error.instance)
        yield _problem(document, source, path, f"expected {_article(wanted_text)}, got {got}")
    elif keyword in ("propertyNames", "pattern") and isinstance(error.instance, str):
        # A schema's title names what it expects; it says more than the regex.
        expected_text = schema.get("title") if keyword == "pattern" else None
        hint = f": expected {expected_text}" if isinstance(expected_text, str) else ""
        yield _problem(
            document, source, path, f"{error.instance!r} is not a valid value here{hint}"
        )
    else:
        yield _problem(document, source, path, error.message)


def _problem(
    document: YamlDocument, source: str, path: KeyPath, message: str, *, of_key: bool = False
) -> ConfigProblem:
    position = document.position(path, of_key=of_key)
    line, column = position if position else (None, None)
    return ConfigProblem(source, _dotted(path), line, column, message)


def _dotted(path: KeyPath) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _did_you_mean(word: str, options: list[str]) -> str:
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _yaml_type(value: object) -> str:
    names = {dict: "a mapping", list: "a list", str: "a string", bool: "a boolean"}
    if value is None:
        return "nothing (null)"
    for kind, name in names.items():
        if isinstance(value, kind):
            return f"{name} {value!r}" if kind in (str, bool) else name
    if isinstance(value, int | float):
        return f"a number {value!r}"
    return f"a {type(value).__name__}"


def _article(noun: str) -> str:
    noun = {"object": "mapping", "array": "list", "integer": "whole number"}.get(noun, noun)
    return f"an {noun}" if noun[0] in "aeiou" else f"a {noun}"


def _problem_order(problem: ConfigProblem) -> tuple[int, int, str]:
    return (problem.line or 0, problem.column or 0, problem.message)


# --- checks a schema cannot express -------------------------------------------


def _semantic_problems(document: YamlDocument, source: str) -> Iterator[ConfigProblem]:
    data: dict[str, Any] = document.data  # type: ignore[assignment]  # checked by the schema
    for path, text in _commands(data):
        message = _command_problem(text)
        if message:
            yield _problem(document, source, path, message)
    for index, pattern in enumerate(data.get("protected_paths", [])):
        if pattern.startswith("!"):
            builtin = " built-in" if pattern[1:] in BUILTIN_PROTECTED_PATHS else ""
            message = (
                f"cannot remove{builtin} protected path {pattern[1:]!r}: paths can only be added"
            )
            yield _problem(document, source, ("protected_paths", index), message)
    names: set[str] = set()
    for index, linter in enumerate(data.get("linters", [])):
        if linter["name"] in names:
            yield _problem(document, source, ("linters", index, "name"), "duplicate linter name")
        names.add(linter["name"])
    yield from _budget_problems(data.get("budget", {}), document, source)


def _commands(data: Mapping[str, Any]) -> Iterator[tuple[KeyPath, str]]:
    if "run" in data.get("tests", {}):
        yield ("tests", "run"), data["tests"]["run"]
    for index, linter in enumerate(data.get("linters", [])):
        for key in ("run", "fix"):
            if key in linter:
                yield ("linters", index, key), linter[key]


def _command_problem(text: str) -> str | None:
    try:
        argv = shlex.split(text)
    except ValueError as err:
        return f"cannot split the command: {err}"
    if not argv:
        return "the command is empty"
    return None


def _budget_problems(
    budget: Mapping[str, Any], document: YamlDocument, source: str
) -> Iterator[ConfigProblem]:
    caps = [k for k in ("per_run_usd", "per_day_usd", "per_month_usd") if k in budget]
    for smaller, larger in itertools.pairwise(caps):
        if budget[smaller] > budget[larger]:
            message = f"{smaller} ({budget[smaller]}) is more than {larger} ({budget[larger]})"
            yield _problem(document, source, ("budget", smaller), message)


# --- typed construction, after defaults are filled ----------------------------


def _build(data: dict[str, Any], source: str) -> Config:
    return Config(
        source=source,
        version=data["version"],
        tests=TestsConfig(
            run=_command(data["tests"].get("run")),
            junit=tuple(data["tests"]["junit"]),
            reruns=data["tests"]["reruns"],
            broken_commits=data["tests"]["broken_commits"],
        ),
        linters=tuple(_linter(item) for item in data["linters"]),
        autonomy=_autonomy(data["autonomy"]),
        rules=tuple(_rule(i, item) for i, item in enumerate(data["rules"])),
        protected_paths=(*BUILTIN_PROTECTED_PATHS, *data["protected_paths"]),
        models=Models(**data["models"]),
        budget=Budget(
            per_run_usd=float(data["budget"]["per_run_usd"]),
            per_day_usd=float(data["budget"]["per_day_usd"]),
            per_month_usd=float(data["budget"]["per_month_usd"]),
            prices=MappingProxyType(
                {model: Price(**price) for model, price in data["budget"]["prices"].items()}
            ),
        ),
        memory=MemoryConfig(branch=data["memory"]["branch"]),
        dashboard=DashboardConfig(
            enabled=data["dashboard"]["enabled"], labels=tuple(data["dashboard"]["labels"])
        ),
        limits=Limits(**data["limits"]),
        update_deps=_update_deps(data["update_deps"]),
        agent=AgentConfig(edit_tests=bool(data["agent"]["edit_tests"])),
        review=ReviewConfig(drafts=data["review"]["drafts"]),
        chat=ChatConfig(allowed_bots=tuple(data["chat"]["allowed_bots"])),
    )


def _update_deps(item: Mapping[str, Any]) -> UpdateDepsConfig:
    return UpdateDepsConfig(
        update_types=tuple(item["update_types"]),
        cooldown_days=item["cooldown_days"],
        ignore=tuple(item["ignore"]),
        groups=tuple(DepGroup(g["name"], tuple(g["match"])) for g in item["groups"]),
        index_url=item.get("index_url"),
        npm_registry_url=item.get("npm_registry_url"),
    )


def _command(text: str | None) -> Command | None:
    return None if text is None else Command(text=text, argv=tuple(shlex.split(text)))


def _linter(item: Mapping[str, Any]) -> LinterConfig:
    run = _command(item["run"])
    assert run is not None  # required by the schema
    return LinterConfig(
        name=item["name"],
        run=run,
        format=item["format"],
        report=item.get("report"),
        fix=_command(item.get("fix")),
    )


def _autonomy(item: Mapping[str, Any]) -> AutonomyConfig:
    per_kind = {TaskKind(k): Level.parse(v) for k, v in item.items() if k != "default"}
    return AutonomyConfig(default=Level.parse(item["default"]), per_kind=MappingProxyType(per_kind))


def _rule(index: int, item: Mapping[str, Any]) -> Rule:
    when, then = item["when"], item["then"]
    return Rule(
        index=index,
        when=RuleWhen(
            kinds=tuple(TaskKind(k) for k in when.get("kind", [])),
            paths=tuple(when.get("paths", [])),
            tests=tuple(when.get("tests", [])),
            labels=tuple(when.get("labels", [])),
            authors=tuple(when.get("authors", [])),
        ),
        then=RuleThen(
            autonomy=Level.parse(then["autonomy"]) if "autonomy" in then else None,
            notify=_handles(then.get("notify", [])),
            skip=bool(then.get("skip", False)),
            escalate=bool(then.get("escalate", False)),
        ),
    )


def _handles(names: Iterable[str]) -> tuple[str, ...]:
    """Logins and team handles without the ``@`` people type, each once (GitHub compares
    them without regard to case)."""
    seen: dict[str, str] = {}
    for name in names:
        handle = name.removeprefix("@")
        seen.setdefault(handle.casefold(), handle)
    return tuple(seen.values())
