"""The signature is the standard HMAC-SHA256, so any receiver can check it."""

from __future__ import annotations

from kairos_ci.context import Secret
from kairos_ci.notify.sign import signature, verify


def test_signature_matches_a_known_hmac_sha256_vector() -> None:
    # RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
    expected = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    assert signature(Secret("Jefe"), b"what do ya want for nothing?") == f"sha256={expected}"


def test_verify_rejects_a_missing_prefix_and_another_body() -> None:
    key = Secret("Jefe")
    good = signature(key, b"body")
    assert verify(key, b"body", good)
    assert not verify(key, b"body", good.removeprefix("sha256="))
    assert not verify(key, b"bodY", good)
