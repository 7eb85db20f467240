"""What a ``fix_tests`` change says: the evidence table, the model's explanation, the cost.

The explanation is the model's text and the test ids come from the project's test
reports, so both are shown as data: secrets redacted, hidden characters stripped,
markdown punctuation escaped, and every URL, e-mail address, @mention and issue
reference rendered as inline code. Nothing in them can become a link, an image, a
notification or a closing keyword (a keyword needs a reference after it).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from kairos_ci.agent.attempt_summary import refused
from kairos_ci.agent.records import Charge, Denial, FixAttempt
from kairos_ci.agent.redact import Redactor
from kairos_ci.agent.spend import to_journal, total_usd
from kairos_ci.agent.untrusted import Profile, cap, normalise
from kairos_ci.guard.classify import is_protected_test_path
from kairos_ci.guard.records import GuardVerdict
from kairos_ci.signals.records import TestResult
from kairos_ci.stages.evidence import Evidence
from kairos_ci.stages.records import Check, ProposedChange

MAX_EXPLANATION_CHARS = 6000
MAX_TABLE_ROWS = 20
MAX_COMMENT_PATCH_CHARS = 40_000

# Tokens GitHub would turn into links or notifications; shown as inline code instead.
_ACTIVE = re.compile(
    r"(?i)"
    r"(?:\b(?:https?|ftp|file|mailto|data|javascript|vbscript):[^\s`|<>]*[^\s`|<>.,:;!?)\]'\"])"
    r"|(?:\bwww\.[^\s`|<>]*[^\s`|<>.,:;!?)\]'\"])"  # URLs, without trailing punctuation
    r"|(?:[\w.+-]+@[\w-]+(?:\.[\w-]+)+)"  # e-mail addresses
    r"|(?:(?<![\w`])@[a-z0-9][a-z0-9-]*(?:/[\w.-]+)?)"  # @user, @org/team
    r"|(?:(?:\b[\w.-]+/[\w.-]+)?#\d+\b)"  # #12, owner/repo#12
    r"|(?:\bGH-\d+\b)"
)
_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()<>#+!|~&])")


def code(text: str) -> str:
    """Inline code that stays inline code in a table cell, whatever ``text`` holds."""
    flat = " ".join(text.split()).replace("`", "'").replace("|", "\\|")
    return f"`{flat}`"


def escape(text: str) -> str:
    """Plain text with every markdown-active character escaped and active tokens as code."""
    parts, last = [], 0
    for match in _ACTIVE.finditer(text):
        parts.append(_PUNCTUATION.sub(r"\\\1", text[last : match.start()]))
        parts.append(code(match.group(0)))
        last = match.end()
    parts.append(_PUNCTUATION.sub(r"\\\1", text[last:]))
    return "".join(parts)


def quoted(text: str, redactor: Redactor) -> str:
    """Untrusted prose as a blockquote of inert text."""
    clean = redactor.text(normalise(text, Profile.TEXT).text)
    clean = cap(clean.strip(), MAX_EXPLANATION_CHARS)
    return "\n".join(f"> {escape(line)}".rstrip() for line in clean.splitlines()) or "> (empty)"


def evidence_table(
    targets: Sequence[str], base: Evidence, after: Evidence | None, base_sha: str
) -> list[str]:
    before_by_id, after_by_id = _by_id(base.tests), _by_id(after.tests if after else ())
    rows = [
        f"| {code(test_id)} | {_outcome(before_by_id.get(test_id))} "
        f"| {_outcome(after_by_id.get(test_id))} |"
        for test_id in targets[:MAX_TABLE_ROWS]
    ]
    if len(targets) > MAX_TABLE_ROWS:
        rows.append(f"| and {len(targets) - MAX_TABLE_ROWS} more | | |")
    after_total = totals(after.tests) if after else "not run"
    return [
        f"| test | before (`{base_sha[:12]}`) | after (with this change) |",
        "|---|---|---|",
        *rows,
        f"| **all tests** | {totals(base.tests)} | {after_total} |",
    ]


def totals(tests: Iterable[TestResult]) -> str:
    counts: dict[str, int] = {}
    for test in tests:
        counts[test.outcome] = counts.get(test.outcome, 0) + 1
    order = ("passed", "failed", "errored", "skipped", "flaky")
    return ", ".join(f"{counts[k]} {k}" for k in order if k in counts) or "none reported"


def cost_line(charges: Sequence[Charge]) -> str:
    """``$0.0123 for 4 model calls: model (input / output tokens), ...``."""
    if not charges:
        return "no model calls"
    by_model = to_journal(charges)
    parts = [
        f"{model} {s.input_tokens:,} input / {s.output_tokens:,} output tokens (${s.usd:.4f})"
        for model, s in by_model.items()
    ]
    calls = f"{len(charges)} model call{'s' if len(charges) != 1 else ''}"
    return f"${total_usd(charges):.4f} for {calls}: " + "; ".join(parts)


def details(
    targets: Sequence[str],
    base: Evidence,
    after: Evidence | None,
    base_sha: str,
    explanation: str | None,
    charges: Sequence[Charge],
    redactor: Redactor,
) -> str:
    """The fix_tests section of a PR body or comment."""
    return "\n".join(
        [
            "### Evidence",
            "",
            *evidence_table(targets, base, after, base_sha),
            "",
            "### What the model says",
            "",
            "Its own account of the cause and the fix, not kairos's finding: the evidence "
            "above is what kairos checked.",
            "",
            quoted(explanation or "(no explanation was given)", redactor),
            "",
            "### Cost",
            "",
            escape(cost_line(charges)),
        ]
    )


def test_changes(attempt: FixAttempt, redactor: Redactor) -> list[str]:
    """Every changed test, old -> new, with the guard's verdict and the model's reason:
    a fix never changes a test silently. Empty when no test file changed."""
    changed = [c.path for c in attempt.changed if is_protected_test_path(c.path)]
    verdicts = [v for v in attempt.guard.verdicts if v.path in changed or v.old or v.new]
    if not changed and not verdicts:
        return []
    rows = [_change_row(v, attempt.guard.accepted, redactor) for v in verdicts[:MAX_TABLE_ROWS]]
    reasons = [
        f"- {code(path)}: {escape(redactor.text(why))}"
        for path, why in sorted(attempt.test_notes.items())
    ]
    return [
        "### Test changes",
        "",
        "| where | old | new | guard | id |",
        "|---|---|---|---|---|",
        *rows,
        "",
        "Why the model changed them (its words, not kairos's finding):",
        "",
        *(reasons or ["- (no reason was given)"]),
        "",
        "A finding marked *to accept* is accepted with `/kairos approve` or the dashboard box.",
    ]


def _change_row(verdict: GuardVerdict, accepted: frozenset[str], redactor: Redactor) -> str:
    where = f"{verdict.path}:{verdict.line}" if verdict.line else verdict.path
    if verdict.identity in accepted:
        state = "accepted"
    elif verdict.acceptable:
        state = "to accept"
    else:
        state = "flagged" if verdict.flagged else "note"
    old, new = (code(redactor.text(t)) if t else "-" for t in (verdict.old, verdict.new))
    judged = escape(f"{state}: {verdict.rule} ({verdict.check or 'rule'}): {verdict.message}")
    return f"| {code(where)} | {old} | {new} | {judged} | {code(verdict.identity)} |"


def refused_calls(denials: Sequence[Denial], redactor: Redactor) -> list[str]:
    """The tool calls kairos's policy refused, by kind and path; empty when none were."""
    groups = refused(denials)
    if not groups:
        return []
    rows = [
        f"- {group.count} {escape(group.kind)}{'s' if group.count != 1 else ''}"
        + (f" of {code(redactor.text(group.path))}" if group.path else "")
        + f": {escape(redactor.text(group.reason))}"
        for group in groups[:MAX_TABLE_ROWS]
    ]
    if len(groups) > MAX_TABLE_ROWS:
        rows.append(f"- and {len(groups) - MAX_TABLE_ROWS} more kinds or paths")
    return ["### Refused tool calls", "", *rows]


def checks_table(checks: Sequence[Check]) -> list[str]:
    rows = [
        f"| {escape(c.name)} | {'passed' if c.passed else 'FAILED'} | {escape(c.detail)} |"
        for c in checks
    ]
    return ["| check | result | evidence |", "|---|---|---|", *rows]


def comment_body(change: ProposedChange, default_branch: str, why: str) -> str:
    """A suggestion on a pull request: the verified fix as a patch for a human to apply."""
    fence = "`" * max(3, _longest_backticks(change.patch) + 1)
    patch = change.patch
    if len(patch) > MAX_COMMENT_PATCH_CHARS:
        patch = f"(the patch is {len(change.patch):,} characters: too long to show here)\n"
    files = ", ".join(code(f) for f in change.files[:20])
    return "\n".join(
        [
            "**kairos-ci**: tests that fail in this pull request's CI run also fail on "
            f"{code(default_branch)} at `{change.base_sha[:12]}`. Here is a fix for "
            f"{code(default_branch)}, verified with the project's own tests. kairos does "
            "not push to pull requests: apply it if it helps.",
            "",
            change.details,
            "",
            "### Verification",
            "",
            *checks_table(change.checks),
            "",
            f"<details><summary>Proposed patch ({len(change.files)} files: {files})</summary>",
            "",
            f"{fence}diff",
            patch.rstrip("\n"),
            fence,
            "",
            "</details>",
            "",
            f"_Suggested by kairos-ci because: {escape(why)}._",
        ]
    )


def _by_id(tests: Iterable[TestResult]) -> Mapping[str, TestResult]:
    return {t.id: t for t in tests}


def _outcome(test: TestResult | None) -> str:
    return test.outcome if test is not None else "not reported"


def _longest_backticks(text: str) -> int:
    return max((len(run) for run in re.findall(r"`+", text)), default=0)
