"""What a review remembers: the last head it reviewed per pull request, and every
fingerprint it posted there; and what it must never say again (``/kairos ignore``).

Memory keys: the fact ``review.head.pr#<n>`` holds the last reviewed head; a posted
finding is ``pr#<n>:<fingerprint>``. A rejection (from ``/kairos ignore``) names a
fingerprint or a rule and holds for the whole repository.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from kairos_ci.agent.records import Charge
from kairos_ci.agent.spend import to_journal
from kairos_ci.memory.records import (
    DecisionRecord,
    Fact,
    Journal,
    Memory,
    Posted,
    RunRecord,
    RunResult,
)
from kairos_ci.stages.records import RunInfo
from kairos_ci.tasks.review.records import ReviewFinding, Source


def head_key(number: int) -> str:
    return f"review.head.pr#{number}"


def posted_key(number: int, fp: str) -> str:
    return f"pr#{number}:{fp}"


def last_head(memory: Memory, number: int) -> str | None:
    fact = memory.facts.get(head_key(number))
    return fact.value if fact is not None else None


# A leaked secret, a weakened test and a risky workflow change are said on every pull
# request that has them: an ignore in memory (which anyone who once could write it may
# have planted) never silences them.
UNSILENCEABLE = frozenset({Source.SECRET, Source.GUARD, Source.WORKFLOW})


def ignored(finding: ReviewFinding, memory: Memory) -> bool:
    if finding.source in UNSILENCEABLE:
        return False
    keys = {k.casefold() for k in memory.rejections}
    names = (finding.fingerprint, finding.rule, finding.code)
    return any(name.casefold() in keys for name in names)


def fresh(
    findings: Iterable[ReviewFinding], memory: Memory, number: int
) -> tuple[list[ReviewFinding], int]:
    """Findings never posted on this PR and never ignored, each once; and how many were
    left out because they were said before or ignored."""
    seen: set[str] = set()
    kept: list[ReviewFinding] = []
    dropped = 0
    for finding in findings:
        if finding.fingerprint in seen:
            continue
        seen.add(finding.fingerprint)
        said = posted_key(number, finding.fingerprint) in memory.posted
        if said or ignored(finding, memory):
            dropped += 1
        else:
            kept.append(finding)
    return kept, dropped


def journal(
    run: RunInfo,
    number: int,
    head: str,
    url: str,
    said: Sequence[str],
    charges: Sequence[Charge],
    why: str,
    failed: bool = False,
) -> Journal:
    """This review in memory: the head reviewed and the fingerprints ``said``. A review
    that failed to post keeps the old head, so the next run looks at the same changes."""
    facts = () if failed else (Fact(head_key(number), head, "review", run.run_id, run.at),)
    return Journal(
        run=RunRecord(
            run.run_id,
            run.event,
            head,
            run.at,
            RunResult.FAILURE if failed else RunResult.SUCCESS,
        ),
        posted={
            posted_key(number, fp): Posted("review", f"pr#{number}", url, run.at)
            for fp in ([] if failed else said)
        },
        decisions=(DecisionRecord(run.run_id, run.at, "review", f"pr#{number}", why[:4000]),),
        spend=to_journal(charges),
        facts=facts,
    )
