"""Scripts: a list or a per-model map of replies; mistakes are named with their place."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kairos_ci.errors import InputError
from kairos_ci.sandbox.anthropic.records import ANY_MODEL, Fault
from kairos_ci.sandbox.anthropic.script import load_script, parse_script

TEXT = {"content": [{"type": "text", "text": "hi"}]}


def test_a_list_serves_any_model() -> None:
    script = parse_script({"replies": [TEXT]})
    assert list(script.replies) == [ANY_MODEL]


def test_a_map_serves_per_model_and_faults_are_parsed() -> None:
    fault = {"error": {"status": 429, "headers": {"Retry-After": 2}}}
    script = parse_script({"replies": {"claude-haiku-4-5": [fault], "*": [TEXT]}})
    assert script.replies["claude-haiku-4-5"] == (Fault(429, {"retry-after": "2"}, None),)
    assert script.replies["*"] == (TEXT,)


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        ([], "JSON object"),
        ({"replies": "x"}, "'replies' must be"),
        ({"replies": [], "extra": 1}, "unknown key(s) extra"),
        ({"replies": [{"content": "text"}]}, "replies[0]: 'content' must be"),
        ({"replies": {"m": [{"error": {"status": 200}}]}}, "replies.m[0].error.status"),
        ({"replies": [{"error": {"status": 500, "headers": []}}]}, "replies[0].error.headers"),
        ({"replies": [{"error": {"status": 500, "body": 3}}]}, "replies[0].error.body"),
        ({"replies": [], "min_cache_tokens": -1}, "min_cache_tokens"),
        ({"replies": [], "api_key": ""}, "api_key"),
    ],
)
def test_problems_name_their_place(data: object, fragment: str) -> None:
    with pytest.raises(InputError, match="script") as raised:
        parse_script(data)
    assert fragment in str(raised.value)


def test_load_reports_unreadable_and_broken_files(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        load_script(tmp_path / "missing.json")
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    with pytest.raises(InputError, match="not valid JSON"):
        load_script(broken)
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"replies": [TEXT]}))
    assert load_script(good).replies[ANY_MODEL] == (TEXT,)


def test_the_contract_responses_are_valid_replies(shared_dir: Path) -> None:
    folder = shared_dir / "contracts" / "anthropic"
    for name in ("response.text.json", "response.tool_use.json"):
        reply = json.loads((folder / name).read_text())
        assert parse_script({"replies": [reply]}).replies[ANY_MODEL] == (reply,)
