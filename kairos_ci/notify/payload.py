"""The JSON body: Slack reads ``text``; generic receivers also get the fields, under ``kairos``.

Every string goes through the redactor, so a secret that slipped into an alert's text
never leaves the run.
"""

from __future__ import annotations

import json

from kairos_ci.agent.redact import Redactor
from kairos_ci.notify.records import Alert
from kairos_ci.policy.records import mentions

MAX_TEXT_CHARS = 3000  # Slack truncates a message's text well above this; keep alerts short


def payload(alert: Alert, repository: str, redactor: Redactor) -> bytes:
    people = mentions(alert.mentions)
    text = f"kairos-ci on {repository}: {alert.text}"
    if people and people not in text:
        text += f" ({people})"
    body = {
        "text": _clip(text),
        "kairos": {
            "event": alert.event.value,
            "repository": repository,
            "text": _clip(alert.text),
            "mentions": [f"@{handle}" for handle in alert.mentions],
        },
    }
    return json.dumps(redactor.value(body), ensure_ascii=False, sort_keys=True).encode("utf-8")


def _clip(text: str) -> str:
    return text if len(text) <= MAX_TEXT_CHARS else text[: MAX_TEXT_CHARS - 1] + "…"
