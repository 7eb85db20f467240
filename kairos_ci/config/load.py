"""Find, read, check and type the kairos config.

Every problem is reported with its key path and the line and column in the YAML,
and all problems are reported at once, not just the first. Checking imports neither
the typed records nor git, so ``kairos-ci validate`` pays for neither; the records are
built by ``kairos_ci.config.typed``, imported when a command asks for a ``Config``.
"""

from __future__ import annotations

import itertools
import shlex
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from kairos_ci.config import schema as schemas
from kairos_ci.config.compiled import compile_schema
from kairos_ci.errors import ConfigError, ConfigProblem, UsageError

if TYPE_CHECKING:
    import jsonschema

    from kairos_ci.config.records import Config
    from kairos_ci.config.yaml_source import YamlDocument

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
    from kairos_ci.config.records import BUILT_IN_DEFAULTS  # lazy: see the module docstring
    from kairos_ci.git import Git

    git = Git(repo)
    for candidate in CONFIG_CANDIDATES:
        shown = git.run("show", "--end-of-options", f"{rev}:{candidate}", check=False)
        if shown.returncode == 0:
            return parse_config(shown.stdout, f"{candidate}@{rev[:12]}")
    git.text("rev-parse", "--verify", "--end-of-options", f"{rev}^{{commit}}")  # a bad rev raises
    return parse_config(b"version: 1\n", BUILT_IN_DEFAULTS)


def load_config(path: Path) -> Config:
    return parse_config(read_config(path), str(path))


def read_config(path: Path) -> bytes:
    """The config file's bytes; a missing or unreadable file is a usage error."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except OSError as err:
        raise UsageError(f"{path}: cannot read: {err.strerror}") from None


def parse_config(raw: bytes, source: str) -> Config:
    """Check config bytes and type them; raise ``ConfigError`` listing every problem."""
    from kairos_ci.config.typed import typed_config  # lazy: see the module docstring

    return typed_config(check_config(raw, source), source)


def check_config(raw: bytes, source: str) -> dict[str, Any]:
    """Config bytes checked by the schema and by what it cannot express, with every
    default filled in; raise ``ConfigError`` listing every problem."""
    document = yaml_document(raw, source)
    problems = list(_schema_problems(document, source))
    if not problems:
        problems = list(_semantic_problems(document, source))
    if problems:
        raise ConfigError(tuple(sorted(problems, key=_problem_order)))
    filled: dict[str, Any] = schemas.with_defaults(document.data, schemas.load_schema("config"))
    return filled


def yaml_document(raw: bytes, source: str) -> YamlDocument:
    """``raw`` read as YAML with the position of every key; ``ConfigError`` when it is not
    UTF-8, or not YAML kairos accepts (aliases, size and depth are capped)."""
    # Lazy: PyYAML costs ~40 ms, and commands that only look for a config pay nothing.
    from kairos_ci.config.yaml_source import YamlRejected, load_yaml

    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        problem = ConfigProblem(source, "", None, None, f"not UTF-8 text (byte {err.start})")
        raise ConfigError((problem,)) from None
    try:
        return load_yaml(text, source)
    except YamlRejected as rejected:
        raise ConfigError((rejected.problem,)) from None


# --- schema validation, translated into located, human messages ---------------


def _schema_problems(document: YamlDocument, source: str) -> Iterator[ConfigProblem]:
    if not isinstance(document.data, dict):
        kind = _yaml_type(document.data)
        yield located_problem(
            document, source, (), f"the file must be a mapping of keys, not {kind}"
        )
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
            yield located_problem(document, source, (*path, key), message, of_key=True)
    elif keyword == "required":
        missing = [k for k in expected if k not in instance]
        for key in missing:
            yield located_problem(document, source, path, f"missing required key '{key}'")
    elif keyword == "enum":
        options = [str(v) for v in expected]
        hint = _did_you_mean(str(error.instance), options)
        message = f"{error.instance!r} is not one of {', '.join(options)}{hint}"
        yield located_problem(document, source, path, message)
    elif keyword == "const":
        yield located_problem(document, source, path, f"must be {expected!r}")
    elif keyword == "type":
        wanted = expected
        wanted_text = " or ".join(wanted) if isinstance(wanted, list) else wanted
        got = _yaml_type(error.instance)
        yield located_problem(
            document, source, path, f"expected {_article(wanted_text)}, got {got}"
        )
    elif keyword in ("propertyNames", "pattern") and isinstance(error.instance, str):
        # A schema's title names what it expects; it says more than the regex.
        expected_text = schema.get("title") if keyword == "pattern" else None
        hint = f": expected {expected_text}" if isinstance(expected_text, str) else ""
        yield located_problem(
            document, source, path, f"{error.instance!r} is not a valid value here{hint}"
        )
    else:
        yield located_problem(document, source, path, error.message)


def located_problem(
    document: YamlDocument, source: str, path: KeyPath, message: str, *, of_key: bool = False
) -> ConfigProblem:
    """``message`` about the key at ``path``, with its line and column in ``source``."""
    position = document.position(path, of_key=of_key)
    line, column = position if position else (None, None)
    return ConfigProblem(source, _dotted(path), line, column, message)


def _dotted(path: KeyPath) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _did_you_mean(word: str, options: list[str]) -> str:
    import difflib  # only a broken file pays for it

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
            yield located_problem(document, source, path, message)
    for index, pattern in enumerate(data.get("protected_paths", [])):
        if pattern.startswith("!"):
            from kairos_ci.config.records import BUILTIN_PROTECTED_PATHS  # only this case pays

            builtin = " built-in" if pattern[1:] in BUILTIN_PROTECTED_PATHS else ""
            message = (
                f"cannot remove{builtin} protected path {pattern[1:]!r}: paths can only be added"
            )
            yield located_problem(document, source, ("protected_paths", index), message)
    names: set[str] = set()
    for index, linter in enumerate(data.get("linters", [])):
        if linter["name"] in names:
            yield located_problem(
                document, source, ("linters", index, "name"), "duplicate linter name"
            )
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
            yield located_problem(document, source, ("budget", smaller), message)
