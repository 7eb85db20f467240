"""The webhook against a real HTTP receiver on loopback."""

from __future__ import annotations

import json

import pytest

from kairos_ci.context import Secret
from kairos_ci.errors import UsageError
from kairos_ci.notify.sign import HEADER, verify
from kairos_ci.notify.webhook import Webhook
from tests.notify.receiver import Script, receiver

KEY = Secret("webhook-signing-key-1234")
BODY = json.dumps({"text": "kairos-ci on acme/app: budget exhausted"}).encode()


class Sleeper:
    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def test_the_receiver_verifies_the_signature_over_the_exact_body() -> None:
    script = Script()
    with receiver(script) as url:
        sent = Webhook(Secret(url), KEY, sleep=Sleeper()).post(BODY)
    assert sent.answer.delivered and sent.attempts == 1 and sent.answer.detail == "HTTP 200"
    [got] = script.got
    assert got.body == BODY and got.headers["Content-Type"] == "application/json"
    assert verify(KEY, got.body, got.headers[HEADER])
    assert got.headers[HEADER].startswith("sha256=")


def test_a_tampered_body_or_signature_fails_verification() -> None:
    script = Script()
    with receiver(script) as url:
        Webhook(Secret(url), KEY, sleep=Sleeper()).post(BODY)
    [got] = script.got
    signature = got.headers[HEADER]
    assert not verify(KEY, got.body + b" ", signature)
    tampered = signature[:-1] + ("0" if signature[-1] != "0" else "1")
    assert not verify(KEY, got.body, tampered)
    assert not verify(Secret("another-key-entirely-5678"), got.body, signature)


def test_server_errors_are_retried_with_backoff_then_delivered() -> None:
    script, sleeper = Script(statuses=[503, 500]), Sleeper()
    with receiver(script) as url:
        sent = Webhook(Secret(url), KEY, attempts=3, backoff_s=0.5, sleep=sleeper).post(BODY)
    assert sent.answer.delivered and sent.attempts == 3
    assert sleeper.waits == [0.5, 1.0]
    assert len(script.got) == 3 and all(r.body == BODY for r in script.got)


def test_retries_are_bounded_and_a_client_error_is_final() -> None:
    script, sleeper = Script(statuses=[502, 502, 502, 502]), Sleeper()
    with receiver(script) as url:
        failed = Webhook(Secret(url), KEY, attempts=2, sleep=sleeper).post(BODY)
    assert not failed.answer.delivered and failed.attempts == 2
    assert failed.answer.detail == "HTTP 502" and len(script.got) == 2

    script = Script(statuses=[404])
    with receiver(script) as url:
        refused = Webhook(Secret(url), KEY, attempts=3, sleep=sleeper).post(BODY)
    assert not refused.answer.delivered and refused.attempts == 1 and len(script.got) == 1


def test_a_slow_receiver_times_out_and_each_attempt_is_bounded() -> None:
    script, sleeper = Script(stall_s=5.0), Sleeper()
    with receiver(script) as url:
        sent = Webhook(Secret(url), KEY, timeout_s=0.2, attempts=2, sleep=sleeper).post(BODY)
    assert not sent.answer.delivered and sent.answer.detail == "timed out"
    assert sent.attempts == 2 and sleeper.waits == [1.0]


def test_a_refused_connection_names_no_url() -> None:
    with receiver(Script()) as url:
        pass  # the server is gone: nothing listens on the port any more
    sent = Webhook(Secret(url), KEY, attempts=1, sleep=Sleeper()).post(BODY)
    assert not sent.answer.delivered and "127.0.0.1" not in sent.answer.detail


def test_without_a_key_the_body_goes_unsigned() -> None:
    script = Script()
    with receiver(script) as url:
        Webhook(Secret(url), None, sleep=Sleeper()).post(BODY)
    assert HEADER not in script.got[0].headers


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.com/x", "example.com"])
def test_only_http_urls_are_accepted(url: str) -> None:
    with pytest.raises(UsageError, match="must be http"):
        Webhook(Secret(url), KEY)
