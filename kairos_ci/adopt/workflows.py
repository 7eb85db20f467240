"""The kairos workflows as text: the example workflows (``examples/workflows/``) with the
project's toolchain set up and its dependencies installed before kairos runs.

Jobs that run the project's tests (nightly, fix-tests) install the project as its CI
does; the review job, which runs on pull requests, installs only the linters, without
running any of the pull request's code. No run line may hold a line break or a
``${{`` expression: such a line is left out, with a comment saying so.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from kairos_ci.adopt import actions
from kairos_ci.adopt.records import ActionStep, Adoption, Install, PlannedFile, Toolchain

WORKFLOWS_DIR = ".github/workflows"
_KAIROS_INPUTS = """\
        with:
          anthropic-api-key: ${{ secrets.ANTHROPIC_API_KEY }}
          memory-key: ${{ secrets.KAIROS_MEMORY_KEY }} # the same secret in every kairos workflow"""
_WRITTEN = "# Written by `kairos-ci init` for this repository: edit freely."

NIGHTLY = """\
# Nightly maintenance: run tests and linters, learn flaky tests, keep one lint-fix PR
# and the dashboard issue up to date.
{written}
name: kairos nightly

on:
  schedule:
    - cron: "17 3 * * *" # an odd minute: runs at :00 are delayed more often
  workflow_dispatch:
    inputs:
      dry-run:
        description: Write the bundle and summary, change nothing on GitHub
        type: boolean
        default: false

permissions: {{}}

concurrency:
  group: kairos-nightly
  cancel-in-progress: false

jobs:
  nightly:
    runs-on: ubuntu-latest
    timeout-minutes: 30
    permissions:
      contents: write # push kairos/* branches and the kairos/memory branch
      pull-requests: write # open and update kairos pull requests
      issues: write # keep the dashboard issue
    steps:
{checkout}
          fetch-depth: 0
{install}      - uses: {kairos}
        id: kairos
{inputs}
          dry-run: ${{{{ inputs.dry-run || false }}}}
      # Each fix's before/after test results, as JUnit: test reporters can show them.
      - uses: {upload}
        if: always() && steps.kairos.outputs.evidence != ''
        with:
          name: kairos-evidence-${{{{ github.run_id }}}}-${{{{ github.run_attempt }}}}
          path: ${{{{ steps.kairos.outputs.evidence }}}}
          retention-days: 14
"""

REVIEW = """\
# One quiet review per push on pull requests from this repository.
# Fork PRs get no secrets on pull_request; they are skipped here.
{written}
name: kairos review

on:
  pull_request:
    types: [opened, synchronize, reopened, ready_for_review]

permissions: {{}}

concurrency:
  group: kairos-review-${{{{ github.event.pull_request.number }}}}
  cancel-in-progress: true

jobs:
  review:
    # Drafts reach kairos, which honours review.drafts; fork PRs go through the
    # two-workflow pattern (examples/workflows/kairos-review-fork*.yml).
    if: github.event.pull_request.head.repo.full_name == github.repository
    runs-on: ubuntu-latest
    timeout-minutes: 15
    permissions:
      contents: write # read the base config and diff; save what was reviewed to kairos/memory
      pull-requests: write # post the review
    steps:
{checkout}
          fetch-depth: 0
{install}      - uses: {kairos}
{inputs}
"""

FIX_TESTS = """\
# After {ci} fails, diagnose the failing tests and propose a verified fix.
{written}
name: kairos fix tests

on: # zizmor: ignore[dangerous-triggers] the failed run's head never runs; its reports are data
  workflow_run:
    workflows: [{ci}]
    types: [completed]

permissions: {{}}

concurrency:
  group: kairos-fix-tests-${{{{ github.event.workflow_run.head_sha }}}}
  cancel-in-progress: false

jobs:
  fix-tests:
    if: github.event.workflow_run.conclusion == 'failure'
    runs-on: ubuntu-latest
    timeout-minutes: 30
    permissions:
      actions: read # download the failed run's JUnit artifacts
      contents: write # push a kairos/fix-tests branch
      pull-requests: write # open the fix PR, or comment on the failing PR
    steps:
{checkout}
          fetch-depth: 0
{install}      - uses: {kairos}
{inputs}
"""


def render_workflows(adoption: Adoption) -> tuple[PlannedFile, ...]:
    chains = adoption.toolchains
    full = _install_steps(chains, review=False)
    common = {
        "written": _WRITTEN,
        "checkout": _checkout(),
        "kairos": _uses(actions.KAIROS),
        "inputs": _KAIROS_INPUTS,
    }
    files = [
        PlannedFile(
            f"{WORKFLOWS_DIR}/kairos-nightly.yml",
            NIGHTLY.format(**common, install=full, upload=_uses(actions.UPLOAD_ARTIFACT)),
        ),
        PlannedFile(
            f"{WORKFLOWS_DIR}/kairos-review.yml",
            REVIEW.format(**common, install=_install_steps(chains, review=True)),
        ),
    ]
    if adoption.ci_workflow is not None:
        ci = json.dumps(adoption.ci_workflow)
        text = FIX_TESTS.format(**common, install=full, ci=ci)
        files.append(PlannedFile(f"{WORKFLOWS_DIR}/kairos-fix-tests.yml", text))
    return tuple(files)


def _checkout() -> str:
    return "\n".join(
        [
            f"      - uses: {_uses(actions.CHECKOUT)}",
            "        with:",
            "          persist-credentials: false",
        ]
    )


def _install_steps(chains: Iterable[Toolchain], *, review: bool) -> str:
    lines: list[str] = []
    for chain in chains:
        install = chain.review_install if review else chain.install
        if not install.lines:
            continue
        title = _TITLES.get(chain.language, chain.language)
        if review:
            comment = _REVIEW_COMMENT.format(language=title)
            name = f"Install the {title} linters"
        else:
            comment = _FULL_COMMENT.format(language=title, sources=", ".join(chain.sources))
            name = f"Install the {title} project and its tools"
        lines += [*comment.splitlines(), *_action(chain.setup)]
        lines += [f"      - name: {name}", f"        run: |{_ignores(install)}"]
        lines += [_body(line) for line in install.lines]
    return "".join(f"{line}\n" for line in lines)


_TITLES = {"python": "Python", "node": "JavaScript", "java": "Java"}
_FULL_COMMENT = """\
      # {language}: installed as the project's CI does (from {sources}),
      # so the configured tests and linters exist when kairos runs them."""
_REVIEW_COMMENT = """\
      # {language}: what the configured linters need, and no install script or build
      # of the pull request: none of its code runs here, next to this job's secrets."""


def _action(step: ActionStep) -> list[str]:
    lines = [f"      - uses: {_uses(step)}"]
    if step.inputs:
        lines.append("        with:")
        lines += [f"          {key}: {json.dumps(value)}" for key, value in step.inputs]
    return lines


# Why each audit that an install step trips is acceptable there.
AUDIT_REASONS = {
    "github-env": "the PATH entry is fixed: the checkout's node_modules/.bin",
    "adhoc-packages": "tools the project does not declare, pinned",
}


def _ignores(install: Install) -> str:
    if not install.audit_ignores:
        return ""
    reasons = "; ".join(AUDIT_REASONS[name] for name in install.audit_ignores)
    return f" # zizmor: ignore[{','.join(install.audit_ignores)}] {reasons}"


def _body(line: str) -> str:
    return f"          {line}" if _safe(line) else _LEFT_OUT


_LEFT_OUT = "          # (a line with a line break or an expression was left out: add it by hand)"


def _safe(line: str) -> bool:
    return "${{" not in line and "\n" not in line and "\r" not in line


def _uses(step: ActionStep) -> str:
    return f"{step.uses} # {step.version}"
