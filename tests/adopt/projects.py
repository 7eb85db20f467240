"""Fixture projects of real shapes, written into a folder: each a mapping of
repository-relative path to text."""

from __future__ import annotations

from pathlib import Path

from kairos_ci.adopt.detect import detect
from kairos_ci.adopt.records import Adoption
from kairos_ci.adopt.scan import scan

SRC_LAYOUT = {
    "pyproject.toml": """\
[build-system]
requires = ["setuptools>=64"]
build-backend = "setuptools.build_meta"

[project]
name = "calc"
version = "0.1.0"
requires-python = ">=3.10"
dependencies = ["attrs>=23"]

[project.optional-dependencies]
test = ["pytest>=8", "ruff==0.6.9"]
docs = ["sphinx"]

[tool.pytest.ini_options]
testpaths = ["tests"]

[tool.ruff]
line-length = 100
""",
    "src/calc/__init__.py": "def add(a, b):\n    return a + b\n",
    "tests/test_calc.py": "from calc import add\n\n\ndef test_add():\n    assert add(1, 2) == 3\n",
}

FLAT_LAYOUT = {
    "requirements.txt": "requests==2.32.3\n",
    "requirements-dev.txt": "-r requirements.txt\npytest==8.3.4\nflake8==7.1.1\n",
    "requirements-docs.txt": "sphinx\n",
    "tox.ini": """\
[tox]
envlist = py311, lint

[testenv]
deps =
    -r{toxinidir}/requirements-dev.txt
    py311: coverage
    hypothesis>=6
commands = pytest {posargs}

[pytest]
addopts = -ra

[flake8]
max-line-length = 100
""",
    "app.py": "def double(x):\n    return 2 * x\n",
    "tests/test_app.py": "from app import double\n\n\ndef test_double():\n"
    "    assert double(2) == 4\n",
}

JEST_ESLINT = {
    "package.json": """\
{
  "name": "shop",
  "version": "1.0.0",
  "scripts": {"test": "jest --coverage", "lint": "eslint ."},
  "devDependencies": {"jest": "^29.7.0", "eslint": "^9.9.0"}
}
""",
    "package-lock.json": '{"name": "shop", "lockfileVersion": 3, "packages": {}}\n',
    "eslint.config.js": "export default [];\n",
    ".nvmrc": "20\n",
    ".github/workflows/ci.yml": """\
name: CI
on: [push, pull_request]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - run: npm ci
      - run: npm test
""",
    "sum.js": "module.exports = (a, b) => a + b;\n",
    "sum.test.js": "const sum = require('./sum');\n"
    "test('adds', () => expect(sum(1, 2)).toBe(3));\n",
}

NOTHING = {"README.md": "# notes\n", "docs/index.md": "hello\n"}


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def adopt(root: Path, files: dict[str, str]) -> Adoption:
    return detect(scan(write(root, files)))
