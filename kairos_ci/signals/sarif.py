"""SARIF 2.1.0 (and the 2.0.0 pre-standard shapes, with a warning) into findings.

Per run: rules by ``ruleIndex`` or ``ruleId``; level from the result, else the rule's
``defaultConfiguration``, else ``warning``; results that are suppressed (accepted
suppressions, 2.0.0 ``suppressionStates``), absent from the baseline, or of kind
``pass``/``notApplicable`` are not findings. Paths go through ``uriBaseId`` /
``originalUriBaseIds`` and ``file://`` to repository-relative paths.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from kairos_ci.errors import InputError, InputTooLarge
from kairos_ci.signals.findings import finding, severity_word
from kairos_ci.signals.jsondoc import arr, obj, text
from kairos_ci.signals.records import Notice, Record, ReportLimits, Severity
from kairos_ci.signals.sarif_where import Location, locate

_SKIPPED_KINDS = frozenset({"pass", "notApplicable"})


def is_sarif(doc: Any) -> bool:
    return isinstance(doc, dict) and isinstance(doc.get("runs"), list)


def read(doc: Any, display: str, root: str | None, limits: ReportLimits) -> Iterator[Record]:
    if not is_sarif(doc):
        raise InputError("not a SARIF log: no 'runs' array at the top level")
    version = doc.get("version")
    if version != "2.1.0":
        yield Notice(display, _version_notice(version))
    count = 0
    for run in arr(doc["runs"]):
        for record in _run(obj(run), display, root, limits):
            count += 1
            if count > limits.max_findings:
                raise InputTooLarge(f"stopped after {limits.max_findings:,} findings (the cap)")
            yield record


def _version_notice(version: object) -> str:
    if isinstance(version, str) and version.startswith("2.0"):
        return (
            f"SARIF {version} is a pre-standard draft: read with 2.1.0 rules where the "
            "shapes agree; ask the tool for SARIF 2.1.0"
        )
    return f"SARIF version {version!r} is not 2.1.0: read as 2.1.0"


def _run(
    run: dict[str, Any], display: str, root: str | None, limits: ReportLimits
) -> Iterator[Record]:
    tool = obj(run.get("tool"))
    driver = obj(tool.get("driver"))
    name = text(driver.get("name")) or text(tool.get("name")) or "sarif"
    rules = _rules(driver, run)
    indexed = [obj(rule) for rule in arr(driver.get("rules"))]
    for result in arr(run.get("results")):
        if not isinstance(result, dict) or _dropped(result):
            continue
        rule_id, rule = _rule(result, rules, indexed)
        where = locate(result, run)
        yield _finding(result, rule_id, rule, where, name, display, root, limits)


def _rules(driver: dict[str, Any], run: dict[str, Any]) -> dict[str, dict[str, Any]]:
    by_id: dict[str, dict[str, Any]] = {}
    for rule in arr(driver.get("rules")):
        rule = obj(rule)
        if isinstance(rule.get("id"), str):
            by_id.setdefault(rule["id"], rule)
    for key, rule in obj(obj(run.get("resources")).get("rules")).items():  # SARIF 2.0.0
        by_id.setdefault(key, obj(rule))
    return by_id


def _dropped(result: dict[str, Any]) -> bool:
    if result.get("kind") in _SKIPPED_KINDS or result.get("baselineState") == "absent":
        return True
    if arr(result.get("suppressionStates")):  # SARIF 2.0.0
        return True
    for suppression in arr(result.get("suppressions")):
        status = obj(suppression).get("status")
        if status is None or status == "accepted":
            return True
    return False


def _rule(
    result: dict[str, Any], rules: dict[str, dict[str, Any]], indexed: list[dict[str, Any]]
) -> tuple[str | None, dict[str, Any]]:
    rule_id = text(result.get("ruleId")) or text(obj(result.get("rule")).get("id"))
    index = result.get("ruleIndex", obj(result.get("rule")).get("index"))
    if isinstance(index, int) and not isinstance(index, bool) and 0 <= index < len(indexed):
        rule = indexed[index]
        return rule_id or text(rule.get("id")), rule
    return rule_id, rules.get(rule_id or "", {}) if rule_id else {}


def _finding(
    result: dict[str, Any],
    rule_id: str | None,
    rule: dict[str, Any],
    where: Location,
    tool: str,
    display: str,
    root: str | None,
    limits: ReportLimits,
) -> Record:
    return finding(
        file=display,
        tool=tool,
        rule=rule_id,
        severity=_level(result, rule),
        path=where.path,
        root=root,
        start_line=where.start_line,
        end_line=where.end_line,
        start_column=where.start_column,
        message=_message(obj(result.get("message")), rule),
        max_message=limits.max_message_chars,
        partial=obj(result.get("partialFingerprints")),
    )


def _level(result: dict[str, Any], rule: dict[str, Any]) -> Severity:
    level = result.get("level")
    if not isinstance(level, str):
        level = obj(rule.get("defaultConfiguration")).get("level")
    return severity_word(level, default=Severity.WARNING)


def _message(message: dict[str, Any], rule: dict[str, Any]) -> str:
    plain = text(message.get("text")) or text(message.get("markdown"))
    if plain is None:
        key = text(message.get("id")) or text(message.get("messageId"))
        template = obj(rule.get("messageStrings")).get(key or "")
        plain = text(obj(template).get("text")) or text(template)
    if plain is None:
        return ""
    for number, value in enumerate(arr(message.get("arguments"))):
        plain = plain.replace("{" + str(number) + "}", str(value))
    return plain
