"""Secrets and token shapes never leave, including in disguise."""

from __future__ import annotations

import base64
import re
import time
import urllib.parse

from kairos_ci.agent.records import LlmRequest, Text, ToolCall, ToolResult, Turn
from kairos_ci.agent.redact import MARK, Redactor
from kairos_ci.context import Secret

KEY = "s3cr3t-value-not-shaped-like-a-token"


def test_known_values_and_their_disguises() -> None:
    redactor = Redactor.of([Secret(KEY), Secret("short")])
    disguises = [
        KEY,
        KEY[::-1],
        base64.b64encode(KEY.encode()).decode(),
        base64.b32encode(KEY.encode()).decode().rstrip("="),
        KEY.encode().hex(),
        " ".join(KEY),
    ]
    for text in disguises:
        assert redactor.text(f"before {text} after") == f"before {MARK} after", text
    assert redactor.text("short stays") == "short stays"  # too short to match safely


def test_token_shapes_without_knowing_the_value() -> None:
    redactor = Redactor.of()
    samples = [
        "ghp_" + "a1" * 18,
        "xghs_" + "B" * 36,
        "github_pat_" + "C" * 30,
        "sk-ant-api03-abcdefgh",
        "AKIAABCDEFGHIJKLMNOP",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N",
        "-----BEGIN OPENSSH PRIVATE KEY-----",
    ]
    for sample in samples:
        assert MARK in redactor.text(sample), sample
    assert redactor.text("ghp_short and sk-ant-") == "ghp_short and sk-ant-"


def test_every_string_in_a_request_is_redacted() -> None:
    redactor = Redactor.of([Secret(KEY)])
    request = LlmRequest(
        model="m",
        system=f"system {KEY}",
        max_tokens=5,
        turns=(
            Turn("user", (Text(KEY),)),
            Turn("assistant", (ToolCall("t1", "write_file", {"content": [KEY, {"x": KEY}]}),)),
            Turn("user", (ToolResult("t1", KEY, is_error=True),)),
        ),
    )
    clean = redactor.request(request)
    assert KEY not in repr(clean)
    assert clean.turns[1].blocks[0] == ToolCall(
        "t1", "write_file", {"content": [MARK, {"x": MARK}]}
    )
    assert clean.turns[2].blocks[0] == ToolResult("t1", MARK, is_error=True)


ODD = "s3cr3t/value+with spaces&more~"  # characters that URL encoding changes


def test_url_encoded_values_in_either_case() -> None:
    redactor = Redactor.of([Secret(ODD)])
    b64 = base64.b64encode(ODD.encode()).decode()
    encoded = [
        urllib.parse.quote(ODD),
        urllib.parse.quote(ODD, safe=""),
        urllib.parse.quote_plus(ODD),
        _lower_hex(urllib.parse.quote_plus(ODD)),
        _lower_hex(urllib.parse.quote(ODD, safe="")),
        "".join(f"%{byte:02x}" for byte in ODD.encode()),  # every character escaped
        "".join(f"%{byte:02X}" if i % 2 else chr(byte) for i, byte in enumerate(ODD.encode())),
        urllib.parse.quote(b64, safe=""),
        _lower_hex(urllib.parse.quote(b64, safe="")),
    ]
    for text in encoded:
        assert text != ODD
        assert redactor.text(f"https://x.example/?k={text}&y") == f"https://x.example/?k={MARK}&y"


def _lower_hex(text: str) -> str:
    return re.sub("%[0-9A-F]{2}", lambda m: m.group().lower(), text)


def test_values_spelled_out_with_separators() -> None:
    redactor = Redactor.of([Secret(KEY), Secret(ODD)])
    half = len(KEY) // 2
    spelled = [
        f'"{KEY[:half]}" + "{KEY[half:]}"',
        f"'{KEY[:half]}' '{KEY[half:]}'",
        f'"{KEY[:half]}" \\\n    "{KEY[half:]}"',
        ",".join(KEY),
        "-".join(KEY),
        "_".join(KEY[::-1]),
        "\n".join(KEY),
        ".".join(ODD),
        base64.urlsafe_b64encode(KEY.encode()).decode(),
    ]
    for text in spelled:
        assert redactor.finds(text), text
        assert KEY[half:] not in redactor.text(text), text
    assert not redactor.finds(KEY[:-1] + "X")
    assert not redactor.finds("s3cr3t value, and then some")


def test_a_spelled_out_value_cannot_make_the_scan_slow() -> None:
    """Long runs of separators and near misses: each gap is matched once, not retried."""
    redactor = Redactor.of([Secret("a-b-c-d-e-f-g-h-i"), Secret(KEY)])
    texts = [
        "a" + "-" * 200_000,
        "a-b-c-d-e-f-g-h-" * 20_000,
        ("a " + " -" * 50) * 2_000,
        " ".join(KEY[:-1]) * 5_000,
    ]
    started = time.monotonic()
    assert not any(redactor.finds(text) for text in texts)
    assert time.monotonic() - started < 5
