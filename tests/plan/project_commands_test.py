from __future__ import annotations

from kairos_ci.plan.project_commands import find_commands
from kairos_ci.plan.records import CommandKind, ProjectCommand
from tests.plan.express_app import FILES


def found(files: dict[str, str]) -> tuple[list[tuple[str, str]], tuple[str, ...]]:
    result = find_commands(frozenset(files), files.get)
    return [(c.kind.value, c.command) for c in result.commands], result.problems


def test_the_express_app_s_scripts_lockfile_and_workflow() -> None:
    result = find_commands(frozenset(FILES), FILES.get)
    assert result.problems == ()
    assert result.commands == (
        ProjectCommand(CommandKind.INSTALL, "npm ci", "package.json (lockfile)"),
        ProjectCommand(CommandKind.TEST, "npm test", "package.json#scripts.test"),
        ProjectCommand(CommandKind.LINT, "npm run lint", "package.json#scripts.lint"),
        ProjectCommand(
            CommandKind.TEST,
            "npx mocha --reporter dot",
            ".github/workflows/ci.yml#jobs.test.steps[1]",
        ),
    )


def test_a_python_project_from_pyproject_tox_and_make() -> None:
    files = {
        "pyproject.toml": (
            '[project]\nname = "x"\n[project.optional-dependencies]\ntest = ["pytest>=8"]\n'
            "[build-system]\nrequires = []\n[tool.ruff]\nline-length = 100\n"
        ),
        "tox.ini": "[tox]\nenvlist = py311\n",
        "Makefile": "VAR := 1\n.PHONY: test\ntest:\n\tpytest\nlint: x\n\truff .\n",
    }
    commands, problems = found(files)
    assert problems == ()
    assert commands == [
        ("install", "pip install -e '.[test]'"),
        ("test", "python -m pytest"),
        ("lint", "ruff check ."),
        ("build", "python -m build"),
        ("test", "tox"),
        ("test", "make test"),
        ("lint", "make lint"),
    ]


def test_yarn_and_pnpm_lockfiles_choose_the_manager() -> None:
    package = '{"scripts": {"test": "jest", "build": "tsc"}}'
    assert found({"package.json": package, "yarn.lock": ""})[0][:3] == [
        ("install", "yarn install --frozen-lockfile"),
        ("test", "yarn test"),
        ("build", "yarn run build"),
    ]
    assert found({"package.json": package, "pnpm-lock.yaml": ""})[0][1] == ("test", "pnpm test")


def test_unreadable_manifests_are_reported_not_skipped() -> None:
    files = {
        "package.json": "{broken",
        "pyproject.toml": "[project",
        ".github/workflows/a.yml": "jobs: [",
    }
    commands, problems = found(files)
    assert commands == []
    assert [p.split(":")[0] for p in problems] == [
        "package.json",
        "pyproject.toml",
        ".github/workflows/a.yml",
    ]
    result = find_commands(frozenset({"package.json"}), lambda path: None)
    assert result.problems == (
        "package.json: cannot be read (too large, binary or not a plain file)",
    )


def test_workflow_aliases_are_walked_not_expanded() -> None:
    levels = ["l0: &l0 [{run: pytest -q}]"]
    levels += [f"l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * 9)}]" for n in range(1, 10)]
    workflow = "\n".join(levels) + "\njobs:\n  a: {steps: *l0}\n  b: {steps: *l9}\n"
    commands, problems = found({".github/workflows/ci.yml": workflow})  # 9**9 if expanded
    assert problems == ()
    assert commands == [("test", "pytest -q")]
