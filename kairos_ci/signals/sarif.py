"""SARIF 2.1.0 (and the 2.0.0 pre-standard shapes, with a warning) into findings.

Per run: rules by ``ruleIndex`` or ``ruleId``; level from the result, else the rule's
``defaultConfiguration``, else ``warning``; results that are suppressed (accepted
suppressions, 2.0.0 ``suppressionStates``), absent from the baseline, or of kind
``pass``/``notApplicable`` are not findings. A suppression's status is read from
``status``, or from ``state`` (its name in drafts before 2.1.0 was final), so a
*rejected* suppression written either way leaves its result visible. Paths go through
``uriBaseId`` / ``originalUriBaseIds`` and ``file://`` to repository-relative paths; a
base that names no place on disk (``empty:``) leaves its results without a path, with a
notice.

A run whose invocation says ``executionSuccessful: false`` and that lists no results did
not scan anything: it is an ``ErrorRecord`` (with the tool's own error notification),
never a clean run. With results, they are read and a notice says they may be incomplete.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from kairos_ci.errors import InputError, InputTooLarge
from kairos_ci.signals.findings import Reporter, Span, finding, severity_word
from kairos_ci.signals.jsondoc import arr, obj, text
from kairos_ci.signals.records import ErrorRecord, Notice, Record, ReportLimits, Severity
from kairos_ci.signals.sarif_status import did_not_run, failed_invocation, tool_name
from kairos_ci.signals.sarif_where import Unmapped, locate

_SKIPPED_KINDS = frozenset({"pass", "notApplicable"})
_SAID_RUNS = 3  # failed runs quoted in a file's error record


def is_sarif(doc: Any) -> bool:
    return isinstance(doc, dict) and isinstance(doc.get("runs"), list)


def read(doc: Any, display: str, root: str | None, limits: ReportLimits) -> Iterator[Record]:
    if not is_sarif(doc):
        raise InputError("not a SARIF log: no 'runs' array at the top level")
    version = doc.get("version")
    if version != "2.1.0":
        yield Notice(display, _version_notice(version))
    count = 0
    not_run: list[str] = []  # one error record, last, as for any file read in part
    unrun = 0
    for run in map(obj, arr(doc["runs"])):
        failure = did_not_run(run, limits.max_message_chars)
        if failure is not None:
            unrun += 1
            if len(not_run) < _SAID_RUNS:  # bounded: a log may hold any number of runs
                not_run.append(failure)
            continue
        for record in _run(run, display, root, limits):
            count += 1
            if count > limits.max_findings:
                raise InputTooLarge(f"stopped after {limits.max_findings:,} findings (the cap)")
            yield record
    if not_run:
        more = f"; and {unrun - len(not_run):,} more run(s)" if unrun > len(not_run) else ""
        yield ErrorRecord(display, "; ".join(not_run) + more)


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
    driver = obj(obj(run.get("tool")).get("driver"))
    name = tool_name(run)
    source = Reporter(display, name, root, limits.max_message_chars)
    rules = _rules(driver, run)
    indexed = [obj(rule) for rule in arr(driver.get("rules"))]
    if failed_invocation(run) is not None:
        yield Notice(display, f"{name} reports executionSuccessful: false: findings may be missing")
    unmapped = Unmapped()
    for result in arr(run.get("results")):
        if not isinstance(result, dict) or _dropped(result):
            continue
        rule_id, rule = _rule(result, rules, indexed)
        where = locate(result, run, unmapped)
        yield _finding(result, rule_id, rule, where, source)
    yield from (Notice(display, message) for message in unmapped.notices(name))


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
        given = obj(suppression)
        status = given.get("status", given.get("state"))  # "state": the draft's name
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
    where: Span,
    source: Reporter,
) -> Record:
    return finding(
        source,
        rule=rule_id,
        severity=_level(result, rule),
        at=where,
        message=_message(obj(result.get("message")), rule),
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
