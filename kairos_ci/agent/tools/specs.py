"""The agent's whole tool surface: eight tools with JSON-schema inputs. No shell."""

from __future__ import annotations

from typing import Any

from kairos_ci.agent.records import ToolSpec


def _schema(properties: dict[str, Any], *required: str) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": list(required),
        "additionalProperties": False,
    }


_PATH = {"type": "string", "description": "Path relative to the repository root."}

LIST_FILES = ToolSpec(
    "list_files",
    "List files in the repository matching a glob. '*' stays within a folder, '**' crosses "
    "folders, a pattern without '/' matches file names at any depth. Symlinks are shown "
    "as 'path -> target'.",
    _schema({"pattern": {"type": "string", "maxLength": 200}}, "pattern"),
)
READ_FILE = ToolSpec(
    "read_file",
    "Read a text file, optionally only lines start_line to end_line (1-based, inclusive). "
    "Each line is prefixed with its number and a tab, which is not part of the file.",
    _schema(
        {
            "path": _PATH,
            "start_line": {"type": "integer", "minimum": 1},
            "end_line": {"type": "integer", "minimum": 1},
        },
        "path",
    ),
)
SEARCH_CODE = ToolSpec(
    "search_code",
    "Search file contents with an extended regular expression (as git grep -E); "
    "optionally only in files matching a glob. Returns path:line:text matches.",
    _schema(
        {
            "pattern": {"type": "string", "minLength": 1, "maxLength": 200},
            "glob": {"type": "string", "maxLength": 200},
        },
        "pattern",
    ),
)
REPLACE_IN_FILE = ToolSpec(
    "replace_in_file",
    "Replace one exact occurrence of 'old' with 'new' in a file. 'old' must appear exactly "
    "once: include enough surrounding lines to make it unique.",
    _schema(
        {"path": _PATH, "old": {"type": "string", "minLength": 1}, "new": {"type": "string"}},
        "path",
        "old",
        "new",
    ),
)
WRITE_FILE = ToolSpec(
    "write_file",
    "Create a file, or replace a file's whole content.",
    _schema({"path": _PATH, "content": {"type": "string"}}, "path", "content"),
)
GIT_HISTORY = ToolSpec(
    "git_history",
    "Read-only history of one path at the commit being fixed: 'log' lists the commits that "
    "changed it (newest first), 'show' prints one commit's message and its change to the "
    "path (needs 'commit'), 'blame' says which commit last changed each line (optionally "
    "only start_line to end_line). Your own edits are not in the history.",
    _schema(
        {
            "action": {"type": "string", "enum": ["log", "show", "blame"]},
            "path": _PATH,
            "commit": {"type": "string", "pattern": "^[0-9a-fA-F]{7,40}$"},
            "max_count": {"type": "integer", "minimum": 1, "maximum": 100},
            "start_line": {"type": "integer", "minimum": 1},
            "end_line": {"type": "integer", "minimum": 1},
        },
        "action",
        "path",
    ),
)
RUN_TESTS = ToolSpec(
    "run_tests",
    "Run the project's configured test command, optionally narrowed to some test ids "
    "(e.g. 'tests/test_x.py::test_y'). No other command can run.",
    _schema(
        {
            "tests": {
                "type": "array",
                "items": {"type": "string", "minLength": 1, "maxLength": 300},
                "maxItems": 50,
            }
        }
    ),
)
_TEST_CHANGE = _schema(
    {"path": _PATH, "why": {"type": "string", "minLength": 1, "maxLength": 2000}}, "path", "why"
)
FINISH = ToolSpec(
    "finish",
    "Stop. 'summary' explains the root cause and the fix for the pull request body. If you "
    "changed or added any test file, 'test_changes' must say for each one why the test "
    "itself was wrong, or, for a new test, what it checks; reviewers see it next to every "
    "changed assertion.",
    _schema(
        {
            "summary": {"type": "string", "minLength": 1, "maxLength": 8000},
            "test_changes": {"type": "array", "items": _TEST_CHANGE, "maxItems": 50},
        },
        "summary",
    ),
)

_STEP_EXTRAS = {
    "assumed": {
        "type": "object",
        "description": "For each decision point your change builds on, the option key you "
        'took, e.g. {"D1": "a"}.',
        "propertyNames": {"pattern": "^D[0-9]{1,3}$"},
        "additionalProperties": {"type": "string", "minLength": 1, "maxLength": 40},
        "maxProperties": 30,
    },
    "question": {
        "type": "object",
        "description": "Only when the step cannot be done right without a choice the plan "
        "leaves open: ask it instead of guessing. Your change is set aside, and the step "
        "waits until a maintainer picks an option.",
        "properties": {
            "text": {"type": "string", "minLength": 1, "maxLength": 500},
            "options": {
                "type": "array",
                "items": {"type": "string", "minLength": 1, "maxLength": 120},
                "minItems": 2,
                "maxItems": 5,
            },
        },
        "required": ["text", "options"],
        "additionalProperties": False,
    },
}
# A plan step's finish also says which decisions the work built on, or asks one.
STEP_FINISH = ToolSpec(
    "finish",
    FINISH.description,
    {**FINISH.input_schema, "properties": {**FINISH.input_schema["properties"], **_STEP_EXTRAS}},
)

ALL = (
    LIST_FILES,
    READ_FILE,
    SEARCH_CODE,
    GIT_HISTORY,
    REPLACE_IN_FILE,
    WRITE_FILE,
    RUN_TESTS,
    FINISH,
)
STEP = (*ALL[:-1], STEP_FINISH)
