"""Payloads Slack and generic receivers accept, with every secret redacted."""

from __future__ import annotations

import json

from kairos_ci.agent.redact import Redactor
from kairos_ci.context import Secret
from kairos_ci.notify.payload import MAX_TEXT_CHARS, payload
from kairos_ci.notify.records import Alert, Event

TOKEN = Secret("hunter2-very-secret-value")


def test_slack_reads_text_and_generic_receivers_get_the_fields() -> None:
    alert = Alert(Event.ESCALATED, "billing fix escalated", ("acme/security", "lead"))
    body = json.loads(payload(alert, "acme/app", Redactor.of()))
    assert body["text"] == ("kairos-ci on acme/app: billing fix escalated (@acme/security @lead)")
    assert body["kairos"] == {
        "event": "escalated",
        "repository": "acme/app",
        "text": "billing fix escalated",
        "mentions": ["@acme/security", "@lead"],
    }


def test_a_secret_in_the_text_never_leaves() -> None:
    alert = Alert(Event.MEMORY_UNREADABLE, f"tip failed: token={TOKEN.reveal()}")
    raw = payload(alert, "acme/app", Redactor.of((TOKEN,)))
    assert TOKEN.reveal().encode() not in raw
    assert b"hunter2" not in raw


def test_a_long_text_is_clipped() -> None:
    alert = Alert(Event.BUDGET_EXHAUSTED, "x" * 10_000)
    body = json.loads(payload(alert, "acme/app", Redactor.of()))
    assert len(body["text"]) == MAX_TEXT_CHARS and body["text"].endswith("…")
