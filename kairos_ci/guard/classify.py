"""Which paths are tests, or configure how tests are collected.

Deliberately broad: golden files and fixtures under a test folder are part of the
oracle too. Files that only sometimes configure tests (pyproject.toml, setup.cfg,
package.json) are not "test config" here; the guard still reads their test sections.
"""

from __future__ import annotations

import posixpath
import re

_TEST_DIRS = frozenset({"test", "tests", "testing", "spec", "specs", "__tests__", "testdata"})
_TEST_NAMES = re.compile(
    r"^(?:test_.*\.py|.*_test\.py|conftest\.py"
    r"|.*\.(?:test|spec)\.[cm]?[jt]sx?"
    r"|.*_test\.go"
    r"|.*(?:Test|Tests|IT|Spec)\.(?:java|kt|scala|groovy)"
    r"|.*_spec\.rb|.*Test\.php)$"
)
_COLLECTED = re.compile(r"^(?:test_.*|.*_test)\.py$")
_TEST_CONFIG = re.compile(
    r"^(?:pytest\.ini|tox\.ini|noxfile\.py|conftest\.py"
    r"|(?:jest|vitest|karma|playwright|cypress)\.config\.[cm]?[jt]s(?:on)?"
    r"|\.mocharc\.(?:js|cjs|json|ya?ml)|phpunit\.xml(?:\.dist)?)$"
)
_LANGUAGES = {
    ".py": "python",
    ".js": "javascript",
    ".jsx": "javascript",
    ".mjs": "javascript",
    ".cjs": "javascript",
    ".ts": "javascript",
    ".tsx": "javascript",
    ".mts": "javascript",
    ".cts": "javascript",
    ".go": "go",
    ".java": "java",
    ".kt": "java",
}


def is_test_file(path: str) -> bool:
    parts = path.split("/")
    if _TEST_NAMES.match(parts[-1]):
        return True
    folders = [p.casefold() for p in parts[:-1]]
    return any(p in _TEST_DIRS for p in folders) or "src/test" in "/".join(folders)


def collects(path: str) -> bool:
    """Does pytest collect this Python file by default (``test_*.py`` or ``*_test.py``)?"""
    return _COLLECTED.match(posixpath.basename(path)) is not None


def is_test_config(path: str) -> bool:
    return _TEST_CONFIG.match(posixpath.basename(path)) is not None


def is_protected_test_path(path: str) -> bool:
    """Read-only for ``fix_tests`` unless the config allows test edits."""
    return is_test_file(path) or is_test_config(path)


def language(path: str) -> str | None:
    return _LANGUAGES.get(posixpath.splitext(path)[1].lower())
