"""The guard on its labelled corpus, through ``kairos-ci guard`` on real git repositories.

Precision and recall are measured per patch (flagged or not), overall and per class of
weakening; each honest refactor class must pass clean; each weakening case must be
flagged for the rule its label names; review cases (an expected value changed with the
code) must be flagged only as an acceptable ``expected-value-changed``.
"""

from __future__ import annotations

import pytest

from tests.guard.cases import (
    WEAKENING_CLASSES,
    Outcome,
    by_class,
    honest_kinds,
    judge,
    load_cases,
    overall,
)

CASES = load_cases()
# What the corpus measured when these tests were written (244 patches: 155 weakening,
# 81 honest, 8 review); they must not drop, and never below 0.95.
MIN_PRECISION = 0.99  # 155 of 156 flagged patches are weakening (0.994)
MIN_RECALL = 1.0  # 155 of 155 weakening patches are flagged
MIN_CLASS_SCORE = 0.95  # precision and recall of every class with 5 cases or more
HONEST_REFACTORS = (
    "honest-split",
    "honest-move",
    "honest-duplicate",
    "honest-unittest",
    "honest-parametrize",
    "honest-helper",
)
# Misjudged on purpose, documented in the case's "about" line: a wrong expectation
# corrected alone looks exactly like a test edited to agree with a bug.
KNOWN_MISJUDGED = {"honest-wrong-test-corrected"}


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> list[Outcome]:
    root = tmp_path_factory.mktemp("corpus")
    return [judge(case, root) for case in CASES]


def test_the_corpus_is_big_and_covers_every_class() -> None:
    assert len(CASES) >= 150
    kinds = [case.kind for case in CASES]
    for kind in (*WEAKENING_CLASSES, *HONEST_REFACTORS):
        assert kinds.count(kind) >= 5, kind
    assert all(case.kind for case in CASES), "every case has a class"
    covered = set().union(*(c.expect for c in CASES))
    assert covered >= {
        "assertion-removed",
        "assertion-weakened",
        "skip-added",
        "tolerance-loosened",
        "broad-except",
        "test-removed",
        "tests-deselected",
        "special-casing",
        "dunder-override",
        "error-masking",
        "oracle-neutralised",
        "quality-gate-weakened",
        "expectation-edited",
        "expected-value-changed",
        "unanalysable",
    }


@pytest.mark.slow  # builds 244 git repositories: about 10 s
def test_precision_and_recall(outcomes: list[Outcome]) -> None:
    score = overall(outcomes)
    print(f"guard corpus: {len(CASES)} patches, {score.precision:.3f} / {score.recall:.3f}")
    assert score.precision >= MIN_PRECISION and score.recall >= MIN_RECALL
    for klass in by_class(outcomes):
        if klass.cases >= 5:
            assert klass.precision >= MIN_CLASS_SCORE, klass
            assert klass.recall >= MIN_CLASS_SCORE, klass


@pytest.mark.slow  # builds 244 git repositories: about 10 s
def test_honest_refactors_pass_and_review_cases_ask_a_human(outcomes: list[Outcome]) -> None:
    for kind, (cases, right) in honest_kinds(outcomes).items():
        if cases >= 5:
            assert right / cases >= MIN_CLASS_SCORE, kind


@pytest.mark.slow  # builds 244 git repositories: about 10 s
def test_only_the_known_cases_are_misjudged(outcomes: list[Outcome]) -> None:
    misjudged = {o.case.name for o in outcomes if not o.correct}
    assert misjudged == KNOWN_MISJUDGED


@pytest.mark.slow  # builds 244 git repositories: about 10 s
def test_weakening_is_flagged_for_the_labelled_rule(outcomes: list[Outcome]) -> None:
    wrong = [
        f"{o.case.name}: expected {sorted(o.case.expect)}, got {sorted(o.rules)}"
        for o in outcomes
        if o.case.weakening and o.flagged and not o.case.expect <= o.rules
    ]
    assert not wrong
