"""What the fix prompt gathers before the model asks: four parts, each in its own budget.

1. the failing tests' source (``test_source``);
2. the code under test, from their tracebacks and imports (``under_test``);
3. the diff since they last passed, when memory knows that commit (``since_pass``);
4. a ranked map of the symbols around them (``symbol_map``).

Each part is cut to its token budget (``ContextBudget``) and says what it left out; a
part with nothing to say is left out whole. The texts are the repository's own content:
the caller shows them to the model as untrusted data.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from kairos_ci.agent.excerpts import FileExcerpt, merged
from kairos_ci.agent.records import ContextBudget, FailingTest
from kairos_ci.agent.repo_files import RepoFiles
from kairos_ci.agent.since_pass import since_pass
from kairos_ci.agent.symbol_map import Pointers, render, symbol_map
from kairos_ci.agent.test_source import FailingSource, FoundTest, failing_source
from kairos_ci.agent.tokens import estimate, trim
from kairos_ci.agent.under_test import code_under_test

MIN_PART_TOKENS = 60  # a cut excerpt smaller than this says nothing useful


TESTS_TITLE = "Source of the failing tests"
CODE_TITLE = "Code under test (from the tracebacks and the tests' imports)"
CHANGES_TITLE = "Changes since the tests last passed"
SYMBOLS_TITLE = "Relevant symbols, most relevant first (path:line definition)"


@dataclass(frozen=True)
class BriefingPart:
    title: str  # the heading the prompt shows
    source: str  # the label of the untrusted-data envelope
    text: str  # already within its budget

    @property
    def tokens(self) -> int:
        return estimate(self.text)


@dataclass(frozen=True)
class Briefing:
    found: Mapping[str, FoundTest]  # test id -> where its file is
    parts: tuple[BriefingPart, ...]

    @property
    def tokens(self) -> int:
        return sum(part.tokens for part in self.parts)


def brief(
    root: Path, base_sha: str, failing: Sequence[FailingTest], budget: ContextBudget
) -> Briefing:
    files = RepoFiles.of(root)
    sources = [s for test in failing if (s := failing_source(test, files)) is not None]
    code = code_under_test(failing, sources, files)
    pointed = {s.found.path for s in sources} | {e.path for e in code}
    changes = since_pass(root, base_sha, failing, pointed, budget.since_pass)
    pointers = Pointers(
        failure_text="\n".join(f"{t.id}\n{t.message or ''}\n{t.details or ''}" for t in failing),
        test_files=tuple(dict.fromkeys(s.found.path for s in sources)),
        test_names=frozenset(name for s in sources for name in s.used),
        code_files=tuple(dict.fromkeys(e.path for e in code)),
        changed_files=changes.paths,
    )
    symbols = render(symbol_map(pointers, files)) if budget.symbols > 0 else ""
    parts = (
        BriefingPart(
            TESTS_TITLE, "test source", _fit(_per_file(sources), files, budget.test_source)
        ),
        BriefingPart(CODE_TITLE, "code under test", _fit(code, files, budget.code_under_test)),
        BriefingPart(
            CHANGES_TITLE, "diff since the last pass", _cut(changes.text, budget.since_pass)
        ),
        BriefingPart(SYMBOLS_TITLE, "symbol map", _cut(symbols, budget.symbols)),
    )
    return Briefing({s.test_id: s.found for s in sources}, tuple(p for p in parts if p.text))


def _per_file(sources: Sequence[FailingSource]) -> list[FileExcerpt]:
    """One excerpt per test file: tests in one file share its imports."""
    by_path: dict[str, list[FileExcerpt]] = {}
    for source in sources:
        by_path.setdefault(source.excerpt.path, []).append(source.excerpt)
    return [
        FileExcerpt(path, merged(span for e in found for span in e.spans), found[0].why)
        for path, found in by_path.items()
    ]


def _cut(text: str, tokens: int) -> str:
    return trim(text, tokens) if tokens > 0 else ""


def _fit(excerpts: Sequence[FileExcerpt], files: RepoFiles, tokens: int) -> str:
    """Excerpts in order while they fit; the first that does not is cut, the rest named."""
    shown: list[str] = []
    room = tokens
    for index, excerpt in enumerate(excerpts):
        if room <= 0:
            break
        text = excerpt.render(files.rows(excerpt.path))
        size = estimate(text) + 1
        if size > room:
            if room >= MIN_PART_TOKENS:
                shown.append(trim(text, room - 20))
            rest = [e.path for e in excerpts[index + 1 :]]
            if rest and shown:
                shown.append(f"[not shown, to stay in budget: {', '.join(rest[:10])}]")
            break
        shown.append(text)
        room -= size
    return "\n".join(shown)
