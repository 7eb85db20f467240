"""The model's part of a review: one request, the diff as fenced data, comments checked.

The model sees the packed diff (``packing``), the PR's title and description and the
maintainers' notes from the base branch, each normalised, redacted and fenced as data.
It answers with ``comment`` calls; a comment counts only on a line the diff it was shown
adds, and its text reaches the review as inert markdown. It can say things; it cannot
decide what is posted, where, or at which autonomy.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from importlib import resources

from kairos_ci.agent.llm import Llm, cheaper_tiers, model_for
from kairos_ci.agent.loop import estimate_tokens
from kairos_ci.agent.records import Charge, LlmReply, LlmRequest, Text, Tier, ToolSpec, Turn
from kairos_ci.agent.redact import Redactor
from kairos_ci.agent.spend import BudgetView, charge, choose_model
from kairos_ci.agent.untrusted import Envelope, Profile, cap, normalise
from kairos_ci.config.records import Config
from kairos_ci.errors import ModelError
from kairos_ci.forge.markers import fingerprint
from kairos_ci.tasks.review.markdown import inert
from kairos_ci.tasks.review.packing import Packed
from kairos_ci.tasks.review.records import PullView, ReviewFinding, Source

MAX_COMMENTS = 10
MAX_TOKENS = 4096
MAX_BODY_CHARS = 4000  # the PR description the model sees
MAX_NOTES_CHARS = 4000  # maintainers' notes, as Copilot reads instruction files
MAX_COMMENT_CHARS = 800
SEVERITIES = ("error", "warning", "note")

COMMENT = ToolSpec(
    "comment",
    "Leave one review comment on a line the diff adds.",
    {
        "type": "object",
        "properties": {
            "path": {"type": "string", "description": "The file path exactly as shown."},
            "line": {"type": "integer", "description": "A head line number marked +."},
            "severity": {"type": "string", "enum": list(SEVERITIES)},
            "body": {"type": "string", "maxLength": 1000},
        },
        "required": ["path", "line", "severity", "body"],
        "additionalProperties": False,
    },
)
DONE = ToolSpec(
    "done",
    "Finish the review. Call once, after any comments.",
    {
        "type": "object",
        "properties": {"summary": {"type": "string", "maxLength": 500}},
        "required": ["summary"],
        "additionalProperties": False,
    },
)


@dataclass(frozen=True)
class ModelReview:
    findings: tuple[ReviewFinding, ...]
    charges: tuple[Charge, ...]
    note: str  # what the model read, or why it read nothing: for the coverage footer
    signals: tuple[str, ...] = ()  # hidden content stripped from the PR's text


@dataclass(frozen=True)
class ModelInput:
    pull: PullView
    packed: Packed
    notes: str | None  # maintainers' notes from the base branch (AGENTS.md), if any


def model_review(
    llm: Llm, config: Config, given: ModelInput, budget: BudgetView, redactor: Redactor
) -> ModelReview:
    packed = given.packed
    if not packed.excerpts:
        return ModelReview((), (), "not run: nothing in scope that it could read")
    envelope = Envelope.fresh()
    opening, signals = _opening(given, envelope, redactor)
    system = string.Template(_prompt()).substitute(nonce=envelope.nonce, max_comments=MAX_COMMENTS)
    request = LlmRequest(
        model=model_for(Tier.WORK, config.models),
        system=system,
        turns=(Turn("user", (Text(opening),)),),
        max_tokens=MAX_TOKENS,
        tools=(COMMENT, DONE),
        tool_choice="any",
    )
    size = estimate_tokens(request.system, request.tools, request.turns)
    candidates = [(tier, model_for(tier, config.models)) for tier in cheaper_tiers(Tier.WORK)]
    chosen = choose_model(candidates, size, request.max_tokens, config.budget.prices, budget)
    if chosen is None:
        return ModelReview(
            (), (), f"not run: no model call fits the budget ({budget.why()})", signals
        )
    try:
        reply = llm.complete(redactor.request(_with_model(request, chosen.model)))
    except ModelError as err:
        return ModelReview((), (), f"not run: the model failed ({err})", signals)
    charges = (charge(chosen.model, reply.usage, config.budget.prices),)
    findings = _comments(reply, packed, redactor)
    read = f"{len(packed.excerpts)} file(s), {packed.chars:,} characters of diff ({chosen.model})"
    return ModelReview(findings, charges, f"read {read}", signals)


def _with_model(request: LlmRequest, model: str) -> LlmRequest:
    return LlmRequest(
        model, request.system, request.turns, request.max_tokens, request.tools, request.tool_choice
    )


def _prompt() -> str:
    return (
        resources.files("kairos_ci.tasks.review")
        .joinpath("prompts", "review.md")
        .read_text("utf-8")
    )


def _opening(
    given: ModelInput, envelope: Envelope, redactor: Redactor
) -> tuple[str, tuple[str, ...]]:
    parts: list[str] = []
    signals: list[str] = []

    def add(label: str, source: str, text: str, limit: int, profile: Profile) -> None:
        clean = normalise(text, profile)
        signals.extend(f"{kind} stripped from the {source}" for kind in clean.stripped)
        parts.append(f"{label}:\n" + envelope.wrap(source, cap(redactor.text(clean.text), limit)))

    if given.notes:
        add("Notes from the maintainers (base branch)", "maintainer notes", given.notes,
            MAX_NOTES_CHARS, Profile.TEXT)  # fmt: skip
    pull = given.pull
    add("The pull request's title and description", "pull request text",
        f"{pull.title}\n\n{pull.body}", MAX_BODY_CHARS, Profile.TEXT)  # fmt: skip
    diff = "\n\n".join(e.text for e in given.packed.excerpts)
    add("The diff to review", "pull request diff", diff, len(diff) + 1, Profile.CODE)
    return "\n\n".join(parts), tuple(dict.fromkeys(signals))


def _comments(reply: LlmReply, packed: Packed, redactor: Redactor) -> tuple[ReviewFinding, ...]:
    allowed = {e.path: e.lines for e in packed.excerpts}
    found: dict[tuple[str, int], ReviewFinding] = {}
    for call in reply.tool_calls:
        if call.name != COMMENT.name or len(found) >= MAX_COMMENTS:
            continue
        path, line = call.input.get("path"), call.input.get("line")
        severity, body = call.input.get("severity"), call.input.get("body")
        if not isinstance(path, str) or not isinstance(line, int) or isinstance(line, bool):
            continue
        if line not in allowed.get(path, ()) or (path, line) in found or not isinstance(body, str):
            continue  # a line it was not shown, or a second comment on one line: dropped
        level = severity if severity in SEVERITIES else "note"
        found[(path, line)] = _finding(path, line, str(level), body, redactor)
    return tuple(found.values())


def _finding(path: str, line: int, severity: str, body: str, redactor: Redactor) -> ReviewFinding:
    text = redactor.text(normalise(body, Profile.TEXT).text)
    shown = inert(text, MAX_COMMENT_CHARS)
    first = inert(text.split(". ")[0], 120)
    return ReviewFinding(
        source=Source.MODEL,
        rule="model/review",
        path=path,
        line=line,
        title=f"model ({severity}): {first}",
        detail=f"**Model review** ({severity}): {shown}",
        fingerprint=fingerprint("model", path, " ".join(text.split())[:300], prefix="model"),
        severity=SEVERITIES.index(severity),
    )
