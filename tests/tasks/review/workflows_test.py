"""Risky workflow changes on added lines: template injection in run scripts, the
pull_request_target "pwn request", and new write permissions."""

from __future__ import annotations

from kairos_ci.tasks.review.workflows import find_workflow_risks

PATH = ".github/workflows/ci.yml"
WORKFLOW = """on:
  pull_request_target:
permissions:
  contents: read
  pull-requests: write
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          ref: ${{ github.event.pull_request.head.sha }}
      - run: echo "${{ github.event.pull_request.title }}"
      - name: block
        run: |
          echo "${{ github.event.pull_request.number }}"
          echo "${{ github.head_ref }}"
        env:
          BODY: ${{ github.event.comment.body }}
"""
ALL = frozenset(range(1, 40))


def risks(head: str, base: str | None = None, added: frozenset[int] = ALL) -> list[tuple[int, str]]:
    return [(f.line or 0, f.rule) for f in find_workflow_risks(PATH, head, base, added)]


def test_every_risk_on_added_lines_is_found() -> None:
    assert risks(WORKFLOW) == [
        (13, "kairos/workflow-injection"),
        (17, "kairos/workflow-injection"),
        (12, "kairos/pull-request-target-checkout"),
        (5, "kairos/workflow-write-permission"),
    ]


def test_numbers_and_env_values_are_not_injections() -> None:
    found = dict(risks(WORKFLOW))
    assert 16 not in found and 19 not in found


def test_what_was_there_before_is_not_this_pull_requests_doing() -> None:
    assert risks(WORKFLOW, WORKFLOW, frozenset({20})) == []
    same_grant = risks(WORKFLOW, WORKFLOW, ALL)
    assert (5, "kairos/workflow-write-permission") not in same_grant


def test_a_new_write_all_is_flagged() -> None:
    head = "on: push\npermissions: write-all\njobs: {}\n"
    assert risks(head, "on: push\njobs: {}\n") == [(2, "kairos/workflow-write-permission")]
