"""From the action's secrets to a signed alert at a real receiver, and what is never sent."""

from __future__ import annotations

import json

from kairos_ci.agent.redact import Redactor
from kairos_ci.context import Secret, from_environ
from kairos_ci.notify import alerts
from kairos_ci.notify.notifier import MAX_ALERTS_PER_RUN, Notifier, notifier_for
from kairos_ci.notify.records import Alert, Event
from kairos_ci.notify.sign import HEADER, verify
from kairos_ci.notify.webhook import Webhook
from kairos_ci.policy.records import Escalation
from tests.notify.receiver import Script, receiver

KEY = "webhook-signing-key-1234"
TOKEN = "ghs_0123456789abcdefghijABCDEFGHIJ"


def environ(url: str) -> dict[str, str]:
    return {"KAIROS_WEBHOOK_URL": url, "KAIROS_WEBHOOK_KEY": KEY, "GITHUB_TOKEN": TOKEN}


def test_the_escalate_alert_reaches_the_receiver_signed_with_both_handles_once() -> None:
    escalation = Escalation("fix_tests `kairos/fix/b`", (0,), ("acme/security", "security-lead"))
    script = Script()
    with receiver(script) as url:
        notifier = notifier_for(from_environ(environ(url)), "acme/app")
        assert notifier is not None
        [delivery] = notifier.send([alerts.escalated(escalation)])
    assert delivery.delivered and delivery.event is Event.ESCALATED
    [got] = script.got
    assert verify(Secret(KEY), got.body, got.headers[HEADER])
    text = json.loads(got.body)["text"]
    assert text.count("@acme/security") == 1 and text.count("@security-lead") == 1
    assert "config rule #1" in text


def test_no_secret_of_the_run_is_in_any_body() -> None:
    script = Script()
    with receiver(script) as url:
        notifier = notifier_for(from_environ(environ(url)), "acme/app")
        assert notifier is not None
        leaky = Alert(Event.MEMORY_UNREADABLE, f"push failed for {url} with {TOKEN} and {KEY}")
        notifier.send([leaky, alerts.budget_exhausted("per_day_usd: $5.00 spent of $5.00")])
    assert len(script.got) == 2
    for got in script.got:
        for secret in (TOKEN, KEY, url):
            assert secret.encode() not in got.body


def test_each_alert_goes_once_and_a_run_sends_a_bounded_number() -> None:
    script = Script()
    many = [Alert(Event.BUDGET_EXHAUSTED, f"alert {i}") for i in range(MAX_ALERTS_PER_RUN + 5)]
    with receiver(script) as url:
        notifier = Notifier(Webhook(Secret(url)), "acme/app", Redactor.of())
        sent = notifier.send([many[0], many[0], *many])
    assert len(sent) == MAX_ALERTS_PER_RUN == len(script.got)


def test_without_a_webhook_url_there_is_no_notifier() -> None:
    assert notifier_for(from_environ({"KAIROS_WEBHOOK_KEY": KEY}), "acme/app") is None
