"""Config loading: every broken config is rejected with its key path and line."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from kairos_ci.config.load import parse_config
from kairos_ci.config.records import BUILTIN_PROTECTED_PATHS, Level, TaskKind
from kairos_ci.errors import ConfigError, ConfigProblem

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples" / "configs").glob("*.yml"))


def problems(text: str) -> tuple[ConfigProblem, ...]:
    with pytest.raises(ConfigError) as caught:
        parse_config(text.encode(), "kairos.yml")
    return caught.value.problems


def only_problem(text: str) -> ConfigProblem:
    found = problems(text)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_every_example_config_is_valid(example: Path) -> None:
    config = parse_config(example.read_bytes(), str(example))
    assert config.version == 1


def test_defaults_come_from_the_schema() -> None:
    config = parse_config(b"version: 1\n", "kairos.yml")
    assert config.autonomy.level_for(TaskKind.FIX_LINT) is Level.SUGGEST
    assert config.memory.branch == "kairos/memory"
    assert config.limits.max_new_prs_per_run == 2
    assert config.dashboard.labels == ("kairos",)
    assert config.protected_paths == BUILTIN_PROTECTED_PATHS
    assert config.tests.run is None and config.linters == ()


def test_typed_values_are_built_from_a_full_config() -> None:
    config = parse_config(EXAMPLES[-1].read_bytes(), "x")  # python-project.yml
    assert config.tests.run is not None
    assert config.tests.run.argv == ("pytest", "-q", "--junitxml=reports/junit.xml")
    assert config.autonomy.level_for(TaskKind.FIX_LINT) is Level.APPROVE
    assert config.autonomy.level_for(TaskKind.PLAN) is Level.SUGGEST
    assert config.rules[0].then.autonomy is Level.SUGGEST
    assert config.rules[1].when.kinds == (TaskKind.UPDATE_DEPS,)
    assert config.protected_paths[-1] == "migrations/**"


# Each case: config text, expected key path, expected line, a fragment of the message.
BROKEN = {
    "wrong type": (
        "version: 1\nlimits:\n  max_open_prs: five\n",
        "limits.max_open_prs",
        3,
        "expected a whole number, got a string 'five'",
    ),
    "unknown autonomy level": (
        "version: 1\nautonomy:\n  fix_lint: yolo\n",
        "autonomy.fix_lint",
        3,
        "'yolo' is not one of observe, suggest, approve, auto",
    ),
    "unknown key with suggestion": (
        "version: 1\nlinterz: []\n",
        "linterz",
        2,
        "unknown key 'linterz' (did you mean 'linters'?)",
    ),
    "nested unknown key": (
        "version: 1\nbudget:\n  per_rnu_usd: 3\n",
        "budget.per_rnu_usd",
        3,
        "did you mean 'per_run_usd'",
    ),
    "yaml syntax error": ("version: 1\nlinters: [\n  name: x\n", "", 4, "YAML syntax error"),
    "non-mapping root": ("- version: 1\n", "", 1, "must be a mapping of keys, not a list"),
    "empty file": ("", "", None, "file is empty"),
    "comments only": ("# nothing here\n", "", None, "file is empty"),
    "missing version": ("autonomy: {default: observe}\n", "", 1, "missing required key 'version'"),
    "wrong version": ("version: 2\n", "version", 1, "must be 1"),
    "missing linter field": (
        "version: 1\nlinters:\n  - name: ruff\n    run: ruff check\n",
        "linters[0]",
        3,
        "missing required key 'format'",
    ),
    "unknown linter format": (
        "version: 1\nlinters:\n  - {name: a, run: a, format: flake9}\n",
        "linters[0].format",
        3,
        "'flake9' is not one of",
    ),
    "unbalanced quote in command": (
        'version: 1\ntests:\n  run: pytest "-k x\n',
        "tests.run",
        3,
        "cannot split the command",
    ),
    "protected path removal": (
        'version: 1\nprotected_paths:\n  - "!.github/**"\n',
        "protected_paths[0]",
        3,
        "cannot remove built-in protected path '.github/**'",
    ),
    "duplicate key": (
        "version: 1\nmemory: {branch: a}\nmemory: {branch: b}\n",
        "",
        3,
        "duplicate key 'memory'",
    ),
    "non-string key": ("version: 1\n1: x\n", "", 2, "keys must be plain strings"),
    "unknown task kind in rule": (
        "version: 1\nrules:\n  - when: {kind: [fix_everything]}\n    then: {skip: true}\n",
        "rules[0].when.kind[0]",
        3,
        "'fix_everything' is not one of",
    ),
    "empty rule condition": (
        "version: 1\nrules:\n  - when: {}\n    then: {skip: true}\n",
        "rules[0].when",
        3,
        "should be non-empty",
    ),
    "negative budget": (
        "version: 1\nbudget:\n  per_day_usd: -1\n",
        "budget.per_day_usd",
        3,
        "less than the minimum of 0",
    ),
    "inverted budget caps": (
        "version: 1\nbudget: {per_run_usd: 20, per_day_usd: 5}\n",
        "budget.per_run_usd",
        2,
        "per_run_usd (20) is more than per_day_usd",
    ),
    "duplicate linter names": (
        "version: 1\nlinters:\n  - {name: a, run: a, format: ruff}\n"
        "  - {name: a, run: b, format: ruff}\n",
        "linters[1].name",
        4,
        "duplicate linter name",
    ),
    "invalid branch name": (
        "version: 1\nmemory:\n  branch: 'a..b'\n",
        "memory.branch",
        3,
        "not a valid value",
    ),
    "boolean as string": (
        "version: 1\ndashboard:\n  enabled: 'yes'\n",
        "dashboard.enabled",
        3,
        "expected a boolean, got a string 'yes'",
    ),
    "recursive alias": ("version: 1\nrules: &r [*r]\n", "", 2, "recursive YAML alias"),
    "notify handle with a space": (
        "version: 1\nrules:\n  - when: {paths: ['billing/**']}\n"
        "    then:\n      notify: ['@acme/security', 'security lead']\n",
        "rules[0].then.notify[1]",
        5,
        "'security lead' is not a valid value here: expected a GitHub login or a team handle",
    ),
    "notify handle with two slashes": (
        "version: 1\nrules:\n  - when: {paths: ['a/**']}\n    then: {notify: ['@a/b/c']}\n",
        "rules[0].then.notify[0]",
        4,
        "expected a GitHub login or a team handle (@org/team)",
    ),
    "escalate as string": (
        "version: 1\nrules:\n  - when: {paths: ['a/**']}\n    then: {escalate: 'yes'}\n",
        "rules[0].then.escalate",
        4,
        "expected a boolean",
    ),
    "broken after no commit": (
        "version: 1\ntests:\n  broken_commits: 0\n",
        "tests.broken_commits",
        3,
        "less than the minimum of 1",
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_config_is_rejected_with_key_and_line(case: str) -> None:
    text, key_path, line, fragment = BROKEN[case]
    problem = only_problem(text)
    assert problem.key_path == key_path
    assert problem.line == line
    assert fragment in problem.message
    assert str(problem).startswith(f"kairos.yml:{line}:" if line else "kairos.yml: ")


def test_all_problems_are_reported_in_line_order() -> None:
    found = problems("version: 1\nautonomy: {default: nope}\nlimits: {max_open_prs: -3}\n")
    assert [p.key_path for p in found] == ["autonomy.default", "limits.max_open_prs"]
    assert [p.line for p in found] == [2, 3]


def test_alias_bomb_is_rejected_in_under_a_second() -> None:
    levels = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for n in range(1, 9):
        levels.append(
            f"l{n}: &l{n} [" + ", ".join([f"*{'a' if n == 1 else f'l{n - 1}'}"] * 10) + "]"
        )
    text = "version: 1\n" + "\n".join(levels) + "\n"
    started = time.perf_counter()
    problem = only_problem(text)
    assert time.perf_counter() - started < 1.0
    assert "expands to more than" in problem.message


def test_too_many_aliases_are_rejected() -> None:
    text = "version: 1\nx: &x 1\ny: [" + ", ".join(["*x"] * 150) + "]\n"
    assert "more than 100 YAML aliases" in only_problem(text).message


def test_deep_nesting_is_rejected_cleanly() -> None:
    text = "version: 1\nx: " + "[" * 5000 + "]" * 5000 + "\n"
    assert "nested too deeply" in only_problem(text).message


def test_large_file_is_rejected_before_parsing() -> None:
    text = "version: 1\n" + "# padding\n" * 40_000
    assert "larger than" in only_problem(text).message


def test_non_utf8_bytes_are_rejected() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(b"version: 1\n\xff\xfe\x00", "kairos.yml")
    assert "not UTF-8" in caught.value.problems[0].message


def test_merge_keys_and_small_anchors_still_work() -> None:
    text = "version: 1\nx-levels: &lv {default: observe}\nautonomy:\n  <<: *lv\n"
    # x-levels is an unknown key, but the anchor itself is fine: only that key is reported.
    assert only_problem(text).key_path == "x-levels"


def test_utf8_bom_is_accepted() -> None:
    assert parse_config(b"\xef\xbb\xbfversion: 1\n", "x").version == 1


def test_config_is_read_from_a_commit_not_the_working_tree(tmp_path: Path) -> None:
    import subprocess

    from kairos_ci.config.load import load_config_at
    from kairos_ci.errors import GitError

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@e", *args],
            cwd=tmp_path,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()

    git("init", "-q", "-b", "main")
    (tmp_path / ".github").mkdir()
    (tmp_path / ".github" / "kairos.yml").write_text("version: 1\nautonomy: {default: observe}\n")
    git("add", "-A")
    git("commit", "-qm", "config")
    base = git("rev-parse", "HEAD")
    (tmp_path / ".github" / "kairos.yml").write_text("version: 1\nautonomy: {default: auto}\n")
    config = load_config_at(tmp_path, base)
    assert config.autonomy.default is Level.OBSERVE
    assert config.source == f".github/kairos.yml@{base[:12]}"
    git("rm", "-qf", ".github/kairos.yml")
    git("commit", "-qm", "no config")
    assert load_config_at(tmp_path, "HEAD").source == "(built-in defaults)"
    with pytest.raises(GitError):
        load_config_at(tmp_path, "no-such-rev")


def test_agent_edit_tests_is_read() -> None:
    assert parse_config(b"version: 1\n", "x").agent.edit_tests is False
    assert parse_config(b"version: 1\nagent: {edit_tests: true}\n", "x").agent.edit_tests is True


def test_reruns_and_broken_commits_are_read_with_their_defaults() -> None:
    tests = parse_config(b"version: 1\n", "x").tests
    assert (tests.reruns, tests.broken_commits) == (2, 3)
    tests = parse_config(b"version: 1\ntests: {reruns: 0, broken_commits: 5}\n", "x").tests
    assert (tests.reruns, tests.broken_commits) == (0, 5)


def test_notify_takes_logins_and_team_handles_with_or_without_the_at() -> None:
    config = parse_config(
        b"version: 1\nrules:\n  - when: {paths: ['billing/**']}\n"
        b"    then:\n      escalate: true\n"
        b"      notify: ['@acme/security', security-lead, '@Security-Lead']\n",
        "kairos.yml",
    )
    then = config.rules[0].then
    assert then.notify == ("acme/security", "security-lead")
    assert then.escalate is True


def test_escalate_is_off_unless_asked() -> None:
    config = parse_config(
        b"version: 1\nrules:\n  - when: {kind: [plan]}\n    then: {skip: true}\n", "k"
    )
    assert config.rules[0].then.escalate is False
