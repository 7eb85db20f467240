"""The typed, frozen ``Config`` built from checked config data (defaults filled in).

Kept apart from checking: ``kairos-ci validate`` checks a file without creating the
records' twenty dataclasses, which cost it more than its YAML parser does.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any

from kairos_ci.config.records import (
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


def typed_config(data: Mapping[str, Any], source: str) -> Config:
    """``data`` as checked by ``kairos_ci.config.load.check_config``, typed."""
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
            value_of_time_usd_per_hour=float(data["budget"]["value_of_time_usd_per_hour"]),
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
