"""The guard on its labelled corpus, through ``kairos-ci guard`` on real git repositories.

Precision and recall are measured per patch (flagged or not), and each weakening
case must be flagged for the rule its label names.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kairos_ci.cli import main
from tests.guard.cases import Case, build_repo, load_cases

CASES = load_cases()
# What the corpus measured when these tests were written; they must not drop.
MIN_PRECISION = 0.979  # 48 of 49 flagged patches are weakening (0.980)
MIN_RECALL = 0.96  # 48 of 50 weakening patches are flagged
# Misjudged on purpose, documented in each case's "about" line: a wrong test corrected
# alone looks exactly like a test edited to agree with a bug; two evasions are not seen.
KNOWN_MISJUDGED = {"honest-wrong-test-corrected", "evasion-monkeypatch-sut", "evasion-lookup-table"}


def flagged_rules(case: Case, root: Path, capsys: pytest.CaptureFixture[str]) -> set[str]:
    base, head = build_repo(case, root / case.name)
    code = main(
        ["guard", "--base", base, "--head", head, "--repo", str(root / case.name), "--json"]
    )
    report = json.loads(capsys.readouterr().out)
    rules = {v["rule"] for v in report["verdicts"] if v["flagged"]}
    assert code == (1 if rules else 0), case.name
    return rules


def test_the_corpus_is_big_and_covers_every_rule() -> None:
    assert len(CASES) >= 30
    honest = [c for c in CASES if not c.expect]
    assert len(honest) >= 10
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
        "quality-gate-weakened",
        "unanalysable",
    }


def test_precision_and_recall(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    true_pos = false_pos = false_neg = 0
    wrong_rule, misjudged = [], set()
    for case in CASES:
        rules = flagged_rules(case, tmp_path, capsys)
        if case.expect and rules:
            true_pos += 1
            if not case.expect <= rules:
                wrong_rule.append(
                    f"{case.name}: expected {sorted(case.expect)}, got {sorted(rules)}"
                )
        elif case.expect:
            false_neg += 1
            misjudged.add(case.name)
        elif rules:
            false_pos += 1
            misjudged.add(case.name)
    precision = true_pos / (true_pos + false_pos)
    recall = true_pos / (true_pos + false_neg)
    print(f"guard corpus: {len(CASES)} patches, precision {precision:.3f}, recall {recall:.3f}")
    assert precision >= MIN_PRECISION and recall >= MIN_RECALL, misjudged
    assert misjudged == KNOWN_MISJUDGED
    assert not wrong_rule, wrong_rule
