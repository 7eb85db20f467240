"""Every command's arguments, in one light module: ``kairos-ci --help`` and a parse error
import nothing else. A parsed command names the module and function that run it
(``command=(module, function)``), and ``cli.py`` imports that module only then.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from kairos_ci.commands.arguments import existing_file, git_checkout


def add_commands(sub: Any) -> None:
    """Each command's parser, in the order ``--help`` lists them."""
    for add in (
        _validate,
        _run,
        _demo,
        _action,
        _memory,
        _sandbox,
        _parse,
        _publish,
        _guard,
        _fix_tests,
        _review,
        _chat,
        _plan,
        _remember_plans,
        _work,
        _integrate,
        _doctor,
        _init,
        _swarm,
        _fleet,
    ):
        add(sub)


FORMATS = ("auto", "junit", "sarif", "ruff", "eslint", "pylint", "checkstyle")


EPILOG = """\
environment:
  PATH, HOME     where configured programs are found, and what the jail sees
  RUNNER_TEMP    hidden from the jail

example:
  kairos-ci doctor --repo path/to/checkout
  ok    config: .github/kairos.yml@3f2c1a9e0b7d is valid (1 linters, 0 rules)
  ok    tests.run: 'python' found at /usr/bin/python
  FAIL  linters[0].run: 'ruff' (linter ruff) is not on PATH (fix: install it, or change ...)
  ok    jail: bubblewrap at /usr/bin/bwrap runs commands
  ...
  doctor: 7 ok, 0 warn, 1 FAIL
"""

# The environment each command reads (all of it through kairos_ci/context.py), for the
# epilogs; docs/cli.md is generated from them.
_GITHUB_ENV = """\
  GITHUB_REPOSITORY, GITHUB_RUN_ID       OWNER/NAME and the run id, unless given
  GITHUB_TOKEN (or GH_TOKEN)             API calls and pushes
  GITHUB_API_URL, GITHUB_SERVER_URL      another GitHub (Enterprise, the sandbox)
  KAIROS_MEMORY_KEY                      signs and checks the memory branch
"""
_MODEL_ENV = """\
  ANTHROPIC_API_KEY, ANTHROPIC_BASE_URL  the model; without a key model tasks are skipped
"""
_RUN_ENV = """\
  KAIROS_DRY_RUN                         true: as --dry-run
  RUNNER_TEMP                            where the bundle and the evidence go
"""
_EVENT_ENV = """\
  GITHUB_EVENT_NAME, GITHUB_EVENT_PATH   the event, unless --event and --payload
"""


def _memory(sub: Any) -> None:
    from kairos_ci.commands import memory

    memory.register(sub)


def _validate(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "validate",
        help="check a kairos config file",
        description="Validate a kairos config: one line per problem,\n"
        "file:line:column: key.path: message. Exit 0 when valid, 1 when invalid,\n"
        "2 on usage errors.",
        epilog="environment:\n  none\n\nexample:\n  kairos-ci validate .github/kairos.yml",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "file", nargs="?", type=Path, help="config file (default: the repository's)"
    )
    parser.add_argument("--repo", type=Path, default=Path(), help="repository root (default: .)")
    parser.set_defaults(command=("validate", "run"))


def _run(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "run",
        help="one maintenance run (schedule or workflow_dispatch)",
        description=(
            "One nightly maintenance run: gather test and lint evidence, judge flaky\n"
            "tests, fix what it may, update the dashboard and memory. Exit 0 when done,\n"
            "1 when a write failed or a configured tool did not run, 2 on usage errors."
        ),
        epilog="environment:\n"
        + _EVENT_ENV
        + _GITHUB_ENV
        + _MODEL_ENV
        + _RUN_ENV
        + "  PIP_INDEX_URL                          the index for dependency updates\n"
        "\nexample:\n  kairos-ci run --event schedule --repo . --dry-run\n"
        "  kairos-ci run --local    # preview on this checkout: no GitHub, no token",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--event", help="event name (default: GITHUB_EVENT_NAME, else schedule)")
    _add_run_options(parser)
    parser.add_argument(
        "--local",
        action="store_true",
        help=(
            "preview on this checkout's HEAD with no GitHub and no token: memory from a local "
            "branch (or none), nothing pushed; print each would-be PR's diff and the "
            "dashboard, and write the bundle to a temporary directory"
        ),
    )
    parser.set_defaults(command=("run", "run"))


def _add_run_options(parser: argparse.ArgumentParser) -> None:
    """The options every pipeline command shares."""
    _add_event_source(parser)
    parser.add_argument(
        "--config", type=existing_file, help="config file (default: the default branch's)"
    )
    parser.add_argument("--dry-run", action="store_true", help="write the bundle, apply nothing")
    parser.add_argument("--bundle-out", type=Path, help="where to write the bundle")
    parser.add_argument("--run-id", help="run id (default: GITHUB_RUN_ID and attempt)")


def _demo(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "demo",
        help="run three nights against a bundled sample project, offline",
        description=(
            "Run three real nightly runs against a bundled sample project and a GitHub\n"
            "sandbox on loopback (offline, no API key), then print a report. It leaves\n"
            "nothing behind: everything lives in a temporary directory."
        ),
        epilog="environment:\n"
        "  PATH, HOME    the sample project's tests and linter run with them\n"
        "\nexample:\n  kairos-ci demo --out /tmp/kairos-demo-report.md",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="also write the report to this file (or into this directory)",
    )
    parser.set_defaults(command=("demo", "run"))


def _action(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "action",
        help="run as the GitHub Action step (reads KAIROS_* inputs and GITHUB_* context)",
        description=(
            "Run as the kairos-ci GitHub Action step: pick the command for the event (or\n"
            "the `command` input) from the KAIROS_* inputs and the GITHUB_* context."
        ),
        epilog="environment:\n"
        "  KAIROS_COMMAND, KAIROS_CONFIG          the action's command and config inputs\n"
        "  KAIROS_LOG_LEVEL                       the action's log-level input\n"
        + _EVENT_ENV
        + _GITHUB_ENV
        + _MODEL_ENV
        + _RUN_ENV
        + "  GITHUB_OUTPUT, GITHUB_STEP_SUMMARY     the step's outputs and job summary\n"
        "\nexample:\n  KAIROS_COMMAND=auto kairos-ci action --repo .",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    # The runner has already entered the `working-directory` input, so "." is the repository.
    parser.add_argument("--repo", type=Path, default=Path(), help="repository root (default: .)")
    parser.set_defaults(command=("action", "run"))


def _sandbox(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "sandbox",
        help="run a loopback emulator of a service (for tests and demos)",
        description="Run a loopback emulator on 127.0.0.1. It prints its base URL when ready\n"
        "and serves until SIGTERM.",
        epilog="environment:\n  none\n\nexample:\n"
        "  kairos-ci sandbox github --root /tmp/forge --port 8080 --strict",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    emulators = parser.add_subparsers(dest="emulator", metavar="EMULATOR", required=True)
    for add in (_add_anthropic, _add_github):
        add(emulators)


def _add_anthropic(emulators: Any) -> None:
    parser: argparse.ArgumentParser = emulators.add_parser(
        "anthropic",
        help="the Anthropic Messages API, answering from a script",
        description="Serve POST /v1/messages from a script of replies;\n"
        "GET /_sandbox/requests returns what it received.",
        epilog="environment:\n  none\n\nexample:\n"
        "  kairos-ci sandbox anthropic --script replies.json --port 8081",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--script", type=Path, required=True, help="JSON script of replies")
    parser.add_argument("--port", type=int, default=0, help="port (default: any free port)")
    parser.set_defaults(command=("sandbox", "run_anthropic"))


def _add_github(emulators: Any) -> None:
    parser: argparse.ArgumentParser = emulators.add_parser(
        "github",
        help="the GitHub REST API over bare git repositories",
        description="Serve the GitHub REST subset kairos uses. Every DIR/OWNER/NAME.git is a\n"
        "repository; GET /_sandbox/state returns everything it holds.",
        epilog="environment:\n  none\n\nexample:\n"
        "  kairos-ci sandbox github --root /tmp/forge --seed seed.json --strict",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--root", type=Path, required=True, help="holds OWNER/NAME.git repos")
    parser.add_argument("--port", type=int, default=0, help="port (default: any free port)")
    parser.add_argument("--seed", type=Path, help="JSON file: tokens, users, permissions, runs")
    parser.add_argument(
        "--strict",
        action="store_true",
        help="answer an error when a request or response breaks the REST description",
    )
    parser.add_argument(
        "--contract",
        type=Path,
        help="the REST description (github-rest-subset.json); default: "
        "../shared/contracts next to this checkout, when present",
    )
    parser.set_defaults(command=("sandbox", "run_github"))


def _parse(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "parse",
        help="read test and lint reports into neutral JSON Lines records",
        description="Print one JSON object per test, finding or unreadable file\n"
        "(schemas/signals.schema.json). Exit 0 when every file was read, 1 otherwise.",
        epilog="environment:\n  none\n\nexample:\n"
        "  kairos-ci parse auto reports/junit.xml ruff.json --summary",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("format", choices=FORMATS, help="report format; auto detects by content")
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE", help="report files")
    parser.add_argument(
        "--summary",
        action="store_true",
        help="print one JSON object with counts per file and in total instead",
    )
    parser.add_argument(
        "--root",
        type=Path,
        default=Path(),
        help="checkout the reports' paths refer to, for repository-relative paths (default: .)",
    )
    parser.add_argument(
        "--max-bytes",
        type=int,
        default=None,
        metavar="N",
        help="refuse report files larger than N bytes (default: 100 MiB)",
    )
    parser.set_defaults(command=("parse", "run"))


def _publish(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "publish",
        help="validate a bundle of intended writes, re-check policy, apply it",
        description="Apply a bundle (schemas/bundle.schema.json) to GitHub, after re-checking\n"
        "the policy. Exit 0 when nothing failed, 1 when a write failed, 2 on usage errors.",
        epilog="environment:\n"
        + _GITHUB_ENV
        + "  KAIROS_DRY_RUN                         true: as --dry-run\n"
        "  GITHUB_OUTPUT, GITHUB_STEP_SUMMARY     the step's outputs and job summary\n"
        "\nexample:\n  kairos-ci publish kairos-bundle.json --repo . --dry-run",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("bundle", type=existing_file, help="the bundle file")
    parser.add_argument("--repo", type=Path, default=Path(), help="repository clone (default: .)")
    parser.add_argument("--config", type=Path, help="kairos config (default: the repository's)")
    parser.add_argument("--dry-run", action="store_true", help="check and show; apply nothing")
    parser.set_defaults(command=("publish", "run"))


def _guard(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "guard",
        help="check a diff for weakened, skipped or deselected tests",
        description="Compare test files between two revisions and flag weakened tests.\n"
        "Exit 0 when nothing is flagged, 1 when something is, 2 on usage errors.",
        epilog="environment:\n  none\n\nexample:\n"
        "  kairos-ci guard --base origin/main --head HEAD --json",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--base", required=True, help="base revision (e.g. origin/main)")
    parser.add_argument("--head", help="head revision (default: the working tree)")
    parser.add_argument("--repo", type=Path, default=Path(), help="repository (default: .)")
    parser.add_argument("--json", action="store_true", help="print a JSON report")
    parser.add_argument(
        "--collected-before", type=Path, help="`pytest --collect-only -q` output on the base"
    )
    parser.add_argument(
        "--collected-after", type=Path, help="`pytest --collect-only -q` output on the head"
    )
    parser.set_defaults(command=("guard", "run"))


def _fix_tests(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "fix-tests",
        help="fix the failing tests of a failed CI run (workflow_run event)",
        description=(
            "Fix the failing tests of a failed CI run (a workflow_run event): read its\n"
            "JUnit artifacts, fix on the default branch what also fails there, verified\n"
            "by your tests. Needs GITHUB_TOKEN."
        ),
        epilog="environment:\n"
        "  GITHUB_EVENT_PATH                      the workflow_run event, unless --payload\n"
        + _GITHUB_ENV
        + _MODEL_ENV
        + _RUN_ENV
        + "\nexample:\n  kairos-ci fix-tests --payload event.json --repo . --dry-run",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_run_options(parser)
    parser.set_defaults(command=("fix_tests", "run"))


def _review(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "review",
        help="review a pull request: one quiet review per push",
        description=(
            "Review a pull request: one quiet review per push, inline comments only on\n"
            "changed lines, a coverage footer naming what was not reviewed."
        ),
        epilog="environment:\n"
        + _EVENT_ENV
        + _GITHUB_ENV
        + _MODEL_ENV
        + _RUN_ENV
        + "\nexample:\n  kairos-ci review --payload event.json --repo . --dry-run\n"
        "  kairos-ci review --local main..HEAD    # preview on a local diff: no GitHub",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--event", help="event name (default: GITHUB_EVENT_NAME, else pull_request)"
    )
    _add_event_source(parser)
    parser.add_argument("--dry-run", action="store_true", help="write the bundle, post nothing")
    parser.add_argument("--bundle-out", type=Path, help="where to write the bundle")
    parser.add_argument("--run-id", help="run id (default: GITHUB_RUN_ID and attempt)")
    parser.add_argument(
        "--full", action="store_true", help="review the whole PR, not only what changed since"
    )
    parser.add_argument(
        "--local",
        metavar="BASE..HEAD",
        help=(
            "preview a review of this checkout's BASE..HEAD with no GitHub and no token: "
            "print it (no bundle: a local diff has no pull request to post to)"
        ),
    )
    parser.set_defaults(command=("review", "run"))


def _chat(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "chat",
        help="answer a /kairos command in an issue or pull-request comment",
        description=(
            "Answer a /kairos command in an issue or pull-request comment (issue_comment\n"
            "event), from people with write access only."
        ),
        epilog="environment:\n"
        "  GITHUB_EVENT_PATH                      the issue_comment event, unless --payload\n"
        + _GITHUB_ENV
        + _MODEL_ENV
        + "\nexample:\n  kairos-ci chat --payload event.json --repo .",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_event_source(parser)
    parser.add_argument("--run-id", help="run id (default: GITHUB_RUN_ID and attempt)")
    parser.set_defaults(command=("chat", "run"))


def _plan(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "plan",
        help="plan a large change in an issue: /kairos plan GOAL, or the kairos:plan label",
        description=(
            "Plan a large change, read-only, and post the plan in the issue for review "
            "(`/kairos plan GOAL` in an issue comment, or the kairos:plan label on an "
            "issue), from people with write access only. An edit of the plan comment "
            "(issue_comment edited) is read as ticks: an approval is kept, any other "
            "edit is reverted."
        ),
        epilog="environment:\n"
        + _EVENT_ENV
        + _GITHUB_ENV
        + _MODEL_ENV
        + "  RUNNER_TEMP                            the default --state folder\n"
        "\nexample:\n  kairos-ci plan --event issues --payload event.json --state /tmp/plans",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--event", help="issue_comment or issues (default: GITHUB_EVENT_NAME)")
    _add_event_source(parser)
    parser.add_argument(
        "--state",
        type=Path,
        help="folder for plans and their checkpoints, outside the checkout "
        "(default: RUNNER_TEMP/kairos-ci/plans)",
    )
    parser.set_defaults(command=("plan", "run"))


def _work(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "work",
        help="carry out an issue's approved plan: one worker among many",
        description=(
            "Claim steps of an issue's approved plan from its board on the memory branch "
            "(made from the plan on first use), carry each out with the agent on its own "
            "branch, verify it with the step's checks in the sandbox and the guard, and "
            "report it, until no step is left for this worker. Refused for a plan without "
            "an approval of its hash, or a stale one."
        ),
        epilog="environment:\n"
        + _GITHUB_ENV
        + _MODEL_ENV
        + "  KAIROS_MEMORY_KEY                      signs the memory commits\n"
        "\nexample:\n  kairos-ci work --issue 7 --worker 2 --minutes 50",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_checkout(parser)
    parser.add_argument("--issue", type=int, default=0, help="the issue whose plan to work on")
    parser.add_argument("--worker", default="1", help="this worker's name in the run (default: 1)")
    parser.add_argument(
        "--minutes", type=float, default=50.0, help="stop claiming after this long (default: 50.0)"
    )
    parser.set_defaults(command=("work", "run"))


def _integrate(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "integrate",
        help="merge an issue's finished plan steps, one pull request per slice",
        description=(
            "Merge the finished steps of an issue's plan one independently mergeable slice "
            "at a time (steps linked by dependencies), in a scratch clone with git "
            "merge-tree, running each step's checks in the sandbox after its merge. A "
            "slice that merges and passes becomes its own pull request; the first failing "
            "merge names its step, and a repair task for it goes on the board."
        ),
        epilog="environment:\n"
        + _GITHUB_ENV
        + "  KAIROS_MEMORY_KEY                      signs the memory commits\n"
        "\nexample:\n  kairos-ci integrate --issue 7",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_checkout(parser)
    parser.add_argument("--issue", type=int, default=0, help="the issue whose plan to integrate")
    parser.set_defaults(command=("integrate", "run"))


def _remember_plans(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "remember-plans",
        help="keep a planning job's plans and checkpoints on the memory branch",
        description=(
            "Commit the plans and checkpoints a planning job left in its state folder "
            "(downloaded as its artifact) under plans/ on the memory branch, by "
            "compare-and-swap. The planning job can only read contents; this runs in a "
            "second job that can write, with no model and none of the repository's code. "
            "Files with bad names, sizes or JSON are named and skipped; checkpoints of "
            "versions older than an issue's current plan are dropped."
        ),
        epilog="environment:\n"
        + _GITHUB_ENV
        + "  KAIROS_MEMORY_KEY                      signs the memory commit\n"
        + "  RUNNER_TEMP                            the default --state folder\n"
        "\nexample:\n  kairos-ci remember-plans --repo . --state /tmp/plans",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_checkout(parser)
    parser.add_argument(
        "--state",
        type=Path,
        help="the planning job's folder of plans (default: RUNNER_TEMP/kairos-ci/plans)",
    )
    parser.set_defaults(command=("plan", "remember"))


def _doctor(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "doctor",
        help="check that kairos can work here: config, tools, the jail",
        description="Check the config, that each configured command's program is on PATH,\n"
        "that the bubblewrap jail runs, and that it isolates (network, processes,\n"
        "environment, filesystem). One line per check, with how to fix it.\n"
        "Exit 0 when no check fails, 1 when one does, 2 on usage errors.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--repo", type=Path, default=Path(), help="repository (default: .)")
    parser.add_argument("--config", type=Path, help="config file (default: the one at HEAD)")
    parser.add_argument("--json", action="store_true", help="print a JSON report")
    parser.set_defaults(command=("doctor", "run"))


def _init(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "init",
        help="detect the project and write .github/kairos.yml and the kairos workflows",
        description="Detect the project (Python, JavaScript, their test runners and linters)\n"
        "and write .github/kairos.yml and the kairos workflows, each installing the\n"
        "project's dependencies the way its own CI does. Reads files only; never runs\n"
        "the project's code. Never overwrites a file that differs without --force.\n"
        "Exit 0 when every file is written or up to date, 1 when one was left alone,\n"
        "2 on usage errors.",
        epilog="environment:\n  none\n\nexample:\n"
        "  kairos-ci init --repo path/to/checkout --dry-run",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--repo", type=Path, default=Path(), help="repository root (default: .)")
    parser.add_argument("--dry-run", action="store_true", help="print the files; write nothing")
    parser.add_argument("--force", action="store_true", help="replace existing files that differ")
    parser.set_defaults(command=("init", "init_command"))


def _add_checkout(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--repo", type=git_checkout, default=".", help="repository checkout (default: .)"
    )


def _add_event_source(parser: argparse.ArgumentParser) -> None:
    """Where an event-driven command reads its event, checkout and repository from."""
    parser.add_argument(
        "--payload", type=existing_file, help="event payload (default: GITHUB_EVENT_PATH)"
    )
    _add_checkout(parser)
    parser.add_argument("--repository", help="OWNER/NAME (default: GITHUB_REPOSITORY)")


def _swarm(sub: Any) -> None:
    """``swarm plan|report|simulate``: how many legs, how well they did, and offline."""
    example = (
        "\nexample:\n  kairos-ci swarm plan --issue 7 --max-workers 8\n"
        "  kairos-ci swarm report --issue 7\n"
        "  kairos-ci swarm simulate --random 40 --workers 4 --seed 7"
    )
    parser: argparse.ArgumentParser = sub.add_parser(
        "swarm",
        help="size a swarm of workers for a plan, measure it, or simulate it",
        description="Agent swarms: a plan's steps fanned out over many workers.",
        epilog="environment:\n"
        + _GITHUB_ENV
        + "  GITHUB_OUTPUT, GITHUB_STEP_SUMMARY     plan's outputs, plan's and report's summary\n"
        + example,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = parser.add_subparsers(dest="swarm_action", metavar="ACTION", required=True)
    _swarm_plan(actions)
    _swarm_next(actions)
    _swarm_report(actions)
    _swarm_simulate(actions)


def _swarm_plan(actions: Any) -> None:
    parser: argparse.ArgumentParser = actions.add_parser(
        "plan",
        help="pick how many worker legs a swarm run starts on an issue's plan",
        description=(
            "Read an issue's approved plan and its board from the memory branch (read only)\n"
            "and pick k, the worker legs to start: the smallest of the ready width over\n"
            "the horizon, the plan's maximum parallelism, --max-workers, the API budget\n"
            "over requests per task and the USD budget left over a leg-hour's cap. Sets\n"
            'the outputs slots ({"slot":[1,...,k]}) and has-work; without an approved,\n'
            "fresh plan, or with nothing ready or running, k is 0 and has-work false."
        ),
        epilog="environment:\n"
        + _GITHUB_ENV
        + "  GITHUB_OUTPUT, GITHUB_STEP_SUMMARY     the outputs and the job summary\n"
        "\nexample:\n  kairos-ci swarm plan --issue 7 --max-workers 8",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_checkout(parser)
    parser.add_argument("--issue", type=int, default=0, help="the issue whose plan to run")
    parser.add_argument(
        "--max-workers",
        type=int,
        default=4,
        metavar="K",
        help="the concurrency allowance: at most K legs, 1 to 20 (default: 4)",
    )
    parser.add_argument(
        "--horizon",
        type=float,
        default=60.0,
        metavar="MINUTES",
        help="how far ahead the ready width looks (default: 60.0)",
    )
    parser.add_argument(
        "--relay",
        action="store_true",
        help="when work remains, leave a relay on the board for the next run (the gather job)",
    )
    parser.set_defaults(command=("swarm_plan", "run"))


def _swarm_next(actions: Any) -> None:
    parser: argparse.ArgumentParser = actions.add_parser(
        "next",
        help="take the relay a completed swarm run left, to start the next run",
        description=(
            "Find the board a completed swarm run left a relay on (swarm plan --relay),\n"
            "take it for this run (GITHUB_RUN_ID), and set the outputs issue and has-work\n"
            "for the swarm to start. A run that left no relay, or a chain already three\n"
            "runs deep, starts nothing."
        ),
        epilog="environment:\n"
        + _GITHUB_ENV
        + "  GITHUB_RUN_ID                          the run taking the relay\n"
        + "  GITHUB_OUTPUT, GITHUB_STEP_SUMMARY     the outputs and the job summary\n"
        "\nexample:\n  kairos-ci swarm next --run 9876543",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_checkout(parser)
    parser.add_argument("--run", metavar="RUN_ID", default="", help="the swarm run that completed")
    parser.set_defaults(command=("swarm_next", "run"))


def _swarm_report(actions: Any) -> None:
    parser: argparse.ArgumentParser = actions.add_parser(
        "report",
        help="measure a swarm's schedule of an issue's plan against its lower bound",
        description=(
            "Read an issue's board from the memory branch (read only) and measure, from\n"
            "its history, each attempt from its claim to its end: the legs used m, the\n"
            "lower bound LB = max(ceil(sum p / m), critical path, max p) of the actual\n"
            "durations, the makespan and makespan / LB, utilisation, idle leg time split\n"
            "into waiting on dependencies, on locks, start-up and tail, and the spend\n"
            "against the cheapest-tier bound. Printed in the job summary."
        ),
        epilog="environment:\n"
        + _GITHUB_ENV
        + "  GITHUB_STEP_SUMMARY                    the job summary\n"
        "\nexample:\n  kairos-ci swarm report --issue 7 --run 9876543 --json",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_checkout(parser)
    parser.add_argument("--issue", type=int, default=0, help="the issue whose plan to measure")
    parser.add_argument(
        "--run", metavar="RUN_ID", help="only this workflow run's legs (default: every run's)"
    )
    parser.add_argument("--json", action="store_true", help="print the numbers as JSON")
    parser.set_defaults(command=("swarm_report", "run"))


def _swarm_simulate(actions: Any) -> None:
    example = "\nexample:\n  kairos-ci swarm simulate --random 40 --workers 4 --seed 7"
    epilog = "environment:\n  none\n" + example
    simulate = actions.add_parser(
        "simulate",
        help="schedule a plan or a random DAG on M workers, offline",
        description=(
            "Run the swarm's scheduling policy on M simulated workers, with no network:\n"
            "a plan's steps (p50 minutes, dependencies, the files each touches as its\n"
            "locks) or a random DAG. Prints the schedule, the makespan, the lower bound\n"
            "LB = max(ceil(sum p / M), critical path, max p), their ratio, utilisation,\n"
            "idle time by cause, and the makespan with one worker more."
        ),
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    source = simulate.add_mutually_exclusive_group(required=True)
    source.add_argument("--plan", type=existing_file, help="a plan JSON file")
    source.add_argument("--random", type=int, metavar="N", help="a random DAG of N tasks")
    simulate.add_argument(
        "--workers", type=int, required=True, metavar="M", help="how many workers to simulate"
    )
    simulate.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    simulate.add_argument(
        "--locks",
        type=float,
        default=0.0,
        help="chance that a random task also writes a shared path (default: 0.0)",
    )
    simulate.set_defaults(command=("swarm", "simulate"))


def _fleet(sub: Any) -> None:
    """``fleet discover|dashboard``: kairos over many repositories, from one workflow."""
    parser: argparse.ArgumentParser = sub.add_parser(
        "fleet",
        help="run kairos over a fleet of repositories: the matrix and one dashboard",
        description=(
            "Fleet mode: the repositories listed in the fleet repository's\n"
            ".github/kairos-fleet.yml, one matrix leg each (or per hash shard), each\n"
            "keeping its own memory, and one fleet dashboard issue."
        ),
        epilog="environment:\n"
        + _GITHUB_ENV
        + "  GITHUB_OUTPUT, GITHUB_STEP_SUMMARY     the outputs and the job summary\n"
        "\nexample:\n  kairos-ci fleet discover\n  kairos-ci fleet dashboard --dry-run",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = parser.add_subparsers(dest="fleet_action", metavar="ACTION", required=True)
    discover = actions.add_parser(
        "discover",
        help="the matrix of legs: one per repository, or per hash shard",
        description=(
            "Read the fleet file and set the output legs, compact JSON with ids only:\n"
            '{"repository":["OWNER/NAME",...]} (one leg per repository) or, with shards\n'
            'configured, {"shard":[0,...,n-1]}; a repository is in shard\n'
            "sha256(OWNER/NAME + salt) mod n. With --shard N, legs lists shard N's\n"
            "repositories instead. Only the configured list is read."
        ),
        epilog="environment:\n"
        "  GITHUB_OUTPUT, GITHUB_STEP_SUMMARY     the outputs and the job summary\n"
        "\nexample:\n  kairos-ci fleet discover --repo .\n  kairos-ci fleet discover --shard 2",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _fleet_file(discover)
    discover.add_argument("--shard", type=int, metavar="N", help="list shard N's repositories")
    discover.set_defaults(command=("fleet", "run"))
    dashboard = actions.add_parser(
        "dashboard",
        help="one fleet dashboard issue from every repository's memory and pull requests",
        description=(
            "Read each repository's memory branch (read only) and its open kairos pull\n"
            "requests, and keep one dashboard issue in the fleet file's\n"
            "dashboard.repository: a row per repository (open kairos PRs, broken and flaky\n"
            "tests, this month's spend, memory health). Writes nothing else. Exit 1 when\n"
            "a repository could not be read; the dashboard shows which."
        ),
        epilog="environment:\n"
        + _GITHUB_ENV
        + "  GITHUB_STEP_SUMMARY                    the job summary\n"
        "\nexample:\n  kairos-ci fleet dashboard --dry-run",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _fleet_file(dashboard)
    dashboard.add_argument(
        "--dry-run", action="store_true", help="print the dashboard, write nothing"
    )
    dashboard.set_defaults(command=("fleet_dashboard", "run"))


def _fleet_file(parser: argparse.ArgumentParser) -> None:
    _add_checkout(parser)
    parser.add_argument(
        "--fleet",
        type=Path,
        metavar="FILE",
        help="fleet file, relative to --repo (default: .github/kairos-fleet.yml)",
    )
