from __future__ import annotations

from pathlib import Path

from kairos_ci.agent.records import ToolCall
from kairos_ci.agent.untrusted import Envelope
from kairos_ci.plan.inventory import InventoryLimits, take_inventory
from kairos_ci.plan.readonly_tools import ReadOnlyTools
from tests.plan.express_app import build_express_app, snapshot

ENVELOPE = Envelope("0123456789abcdef")


def tools_for(root: Path) -> ReadOnlyTools:
    return ReadOnlyTools(take_inventory(build_express_app(root)), InventoryLimits(), ENVELOPE)


def call(tools: ReadOnlyTools, name: str, **arguments: object) -> tuple[str, bool]:
    result = tools.run(ToolCall("c1", name, arguments))
    return result.content, result.is_error


def test_list_read_and_search_tracked_files_fenced_as_data(tmp_path: Path) -> None:
    tools = tools_for(tmp_path)
    listed, _ = call(tools, "list_files", pattern="src/routes/*.js")
    assert listed == (
        '<untrusted-0123456789abcdef source="file list">\n'
        "src/routes/orders.js\nsrc/routes/users.js\n"
        "</untrusted-0123456789abcdef>"
    )
    read, error = call(tools, "read_file", path="./src/server.js", start_line=3, end_line=3)
    assert not error and "src/server.js: lines 3-3 of 4\n3\tconst app = createApp();" in read
    found, _ = call(tools, "search_code", pattern="require\\('express'\\)", glob="*.js")
    assert "src/app.js:1:const express = require('express');" in found
    assert "node_modules" not in found


def test_untracked_and_ignored_files_cannot_be_read(tmp_path: Path) -> None:
    tools = tools_for(tmp_path)
    assert call(tools, "read_file", path="node_modules/express/index.js") == (
        "node_modules/express/index.js: not a file git tracks here",
        True,
    )
    assert call(tools, "read_file", path="../../etc/passwd")[1]


def test_there_is_no_write_tool_and_nothing_changes(tmp_path: Path) -> None:
    tools = tools_for(tmp_path)
    before = snapshot(tmp_path)
    text, error = call(tools, "write_file", path="src/app.js", content="")
    assert error and text.startswith("no tool 'write_file'")
    assert call(tools, "replace_in_file", path="src/app.js", old="a", new="b")[1]
    assert call(tools, "list_files")[0].startswith("invalid input: 'pattern' is a required")
    assert {s.name for s in tools.specs} == {"list_files", "read_file", "search_code"}
    assert snapshot(tmp_path) == before


def test_a_bad_search_pattern_is_an_error_the_model_can_read(tmp_path: Path) -> None:
    text, error = call(tools_for(tmp_path), "search_code", pattern="(unclosed")
    assert error and text
