"""The planning model's tools: list, read and search the tracked files. Nothing else.

There is no write tool and no command runner, so a planning run cannot change the
repository whatever the model asks (the job's token is read-only too, and the runner checks
the worktree is clean at the end). Reads are confined to files git tracks, through the
inventory's symlink-safe reader; searches run ``git grep -E`` (no backtracking blow-up)
with a timeout. Every result goes back fenced as untrusted data.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kairos_ci.agent.records import ToolCall, ToolResult, ToolSpec
from kairos_ci.agent.tools.dispatch import input_problem as tool_input_problem
from kairos_ci.agent.tools.specs import LIST_FILES, READ_FILE, SEARCH_CODE
from kairos_ci.agent.untrusted import Envelope, Profile, cap, normalise
from kairos_ci.config import glob
from kairos_ci.errors import GitError
from kairos_ci.git import Git
from kairos_ci.plan.inventory import Inventory, InventoryLimits, read_text

READ_ONLY_SPECS = (LIST_FILES, READ_FILE, SEARCH_CODE)
MAX_LISTED = 500
MAX_MATCHES = 200
MAX_MATCH_CHARS = 300
MAX_OUTPUT_CHARS = 20_000
SEARCH_TIMEOUT_S = 30.0


class ToolRefused(Exception):
    """The call was understood but cannot be done as asked."""


class ReadOnlyTools:
    def __init__(self, inventory: Inventory, limits: InventoryLimits, envelope: Envelope) -> None:
        self.inventory = inventory
        self.limits = limits
        self.envelope = envelope
        self.tracked = {f.path: f for f in inventory.files}

    @property
    def specs(self) -> tuple[ToolSpec, ...]:
        return READ_ONLY_SPECS

    def run(self, call: ToolCall) -> ToolResult:
        spec = next((s for s in READ_ONLY_SPECS if s.name == call.name), None)
        if spec is None:
            names = ", ".join(s.name for s in READ_ONLY_SPECS)
            return ToolResult(call.id, f"no tool {call.name!r}; this phase has {names}", True)
        problem = input_problem(spec.input_schema, call.input)
        if problem:
            return ToolResult(call.id, f"invalid input: {problem}", True)
        handlers = {
            "list_files": self._list,
            "read_file": self._read,
            "search_code": self._search,
        }
        try:
            source, text = handlers[call.name](call.input)
        except ToolRefused as refusal:
            return ToolResult(call.id, str(refusal), True)
        clean = normalise(text, Profile.CODE).text
        return ToolResult(call.id, self.envelope.wrap(source, cap(clean, MAX_OUTPUT_CHARS)))

    def _list(self, args: Mapping[str, Any]) -> tuple[str, str]:
        pattern = str(args["pattern"]).lstrip("/") or "**"
        rows = [p for p in self.tracked if glob.matches(pattern, p)]
        extra = f"\n... and {len(rows) - MAX_LISTED} more" if len(rows) > MAX_LISTED else ""
        return "file list", ("\n".join(rows[:MAX_LISTED]) + extra) if rows else "(no files match)"

    def _read(self, args: Mapping[str, Any]) -> tuple[str, str]:
        path = str(args["path"]).removeprefix("./")
        tracked = self.tracked.get(path)
        if tracked is None:
            raise ToolRefused(f"{path}: not a file git tracks here")
        text = read_text(self.inventory, tracked, self.limits)
        if text is None:
            raise ToolRefused(f"{path}: too large, binary, or not a plain file")
        lines = text.splitlines()
        start = int(args.get("start_line", 1))
        end = min(int(args.get("end_line", len(lines))), len(lines))
        if lines and start > len(lines):
            raise ToolRefused(f"{path} has {len(lines)} lines; start_line is past the end")
        numbered = "\n".join(f"{n}\t{lines[n - 1]}" for n in range(start, end + 1))
        return f"file {path!r}", f"{path}: lines {start}-{end} of {len(lines)}\n{numbered}"

    def _search(self, args: Mapping[str, Any]) -> tuple[str, str]:
        pattern = str(args["pattern"])
        if "\n" in pattern or "\0" in pattern:
            raise ToolRefused("the pattern must be one line")
        where = str(args.get("glob") or "**")
        spec = f":(glob){where}" if "/" in where else f":(glob)**/{where}"
        git = Git(self.inventory.root, timeout_s=SEARCH_TIMEOUT_S)
        argv = ("grep", "-n", "-I", "--no-color", "-E", "-e", pattern, "--", spec)
        try:
            result = git.run(*argv, check=False)
        except GitError as err:
            raise ToolRefused(str(err)) from None
        if result.returncode == 1:
            return "search results", "(no matches)"
        if result.returncode != 0:
            message = result.stderr.decode("utf-8", "replace").strip().splitlines()
            raise ToolRefused(message[-1] if message else "the search failed")
        lines = result.stdout.decode("utf-8", "replace").splitlines()
        shown = [line[:MAX_MATCH_CHARS] for line in lines[:MAX_MATCHES]]
        if len(lines) > MAX_MATCHES:
            shown.append(f"... and {len(lines) - MAX_MATCHES} more matches")
        return "search results", "\n".join(shown)


def input_problem(schema: Mapping[str, Any], value: Mapping[str, Any]) -> str | None:
    """The agent's tool-input check, with jsonschema's message cut short for the plan log."""
    return tool_input_problem(schema, value, max_message=300)
