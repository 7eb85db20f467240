"""Likely secrets on added lines: shapes, private keys, high-entropy assignments; the
value itself never reaches a comment, a title or a fingerprint."""

from __future__ import annotations

import pytest

from kairos_ci.tasks.review.lines import Added
from kairos_ci.tasks.review.secrets import entropy, find_secrets

GITHUB = "ghs_" + "A1b2C3d4" * 4 + "Zz99"
RANDOM = "q8Xz3Lp0Vw7Ks2Nd9Rt4"


def found(text: str, path: str = "app/settings.py", line: int = 3) -> list[tuple[str, str]]:
    return [(f.title, f.detail) for f in find_secrets([Added(path, line, text)])]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        (f'TOKEN = "{GITHUB}"', "GitHub token"),
        ("key: github_pat_" + "a" * 30, "GitHub token"),
        ("ANTHROPIC = 'sk-ant-" + "x" * 20 + "'", "Anthropic API key"),
        ("aws = AKIA" + "ABCDEFGHIJKLMNOP", "AWS access key id"),
        ("-----BEGIN RSA PRIVATE KEY-----", "private key"),
        (f'api_key = "{RANDOM}"', "high-entropy value assigned to `api_key`"),
        (f'"clientSecret": "{RANDOM}"', "high-entropy value assigned to `clientSecret`"),
    ],
)
def test_a_secret_is_named_by_its_kind_never_by_its_value(text: str, kind: str) -> None:
    ((title, detail),) = found(text)
    assert kind in title and kind in detail
    for part in (GITHUB, RANDOM, "sk-ant-x", "AKIAABCD"):
        assert part not in title + detail


@pytest.mark.parametrize(
    "text",
    [
        'password = "aaaaaaaaaaaaaaaaaaaa"',  # low entropy
        'api_key = "your-api-key-goes-here-ok"',  # a placeholder
        'token = "${{ secrets.TOKEN_VALUE_HERE }}"',
        "token = os.environ['TOKEN']",
        'name = "q8Xz3Lp0Vw7Ks2Nd9Rt4"',  # not a secret's name
    ],
)
def test_ordinary_lines_are_not_secrets(text: str) -> None:
    assert found(text) == []


def test_lock_files_are_full_of_hashes_not_secrets() -> None:
    line = f'"integrity_token": "{RANDOM}"'
    assert found(line, "package-lock.json") == []
    assert found(line, "config.json") != []


def test_a_fingerprint_follows_the_value_not_the_line() -> None:
    first = list(find_secrets([Added("a.py", 3, f'T = "{GITHUB}"')]))
    moved = list(find_secrets([Added("a.py", 30, f'T = "{GITHUB}"')]))
    other = list(find_secrets([Added("a.py", 3, f'T = "{GITHUB[:-1]}x"')]))
    assert [f.fingerprint for f in first] == [f.fingerprint for f in moved]
    assert [f.fingerprint for f in first] != [f.fingerprint for f in other]
    assert GITHUB not in first[0].fingerprint


def test_entropy() -> None:
    assert entropy("aaaa") == 0
    assert entropy(RANDOM) > 4
