"""Send a run's alerts to the configured webhook, each at most once per run."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from kairos_ci.agent.redact import Redactor
from kairos_ci.context import Context
from kairos_ci.notify.payload import payload
from kairos_ci.notify.records import Alert, Delivery
from kairos_ci.notify.webhook import Webhook

_log = logging.getLogger(__name__)

# Bounds a run's time on a slow receiver: attempts x timeout, plus backoff, per alert.
MAX_ALERTS_PER_RUN = 10


@dataclass(frozen=True)
class Notifier:
    webhook: Webhook
    repository: str  # OWNER/NAME, named in every message
    redactor: Redactor  # knows every secret of the run, the webhook's own included

    def send(self, alerts: Sequence[Alert]) -> tuple[Delivery, ...]:
        """Deliver each alert; a receiver that fails is logged, never fails the run."""
        deliveries = []
        unique = tuple(dict.fromkeys(alerts))
        for alert in unique[:MAX_ALERTS_PER_RUN]:
            sent = self.webhook.post(payload(alert, self.repository, self.redactor))
            answer = sent.answer
            deliveries.append(Delivery(alert.event, answer.delivered, sent.attempts, answer.detail))
            if not answer.delivered:
                _log.warning(
                    "webhook alert %s not delivered after %d attempts: %s",
                    alert.event, sent.attempts, answer.detail,
                )  # fmt: skip
        if len(unique) > MAX_ALERTS_PER_RUN:
            _log.warning("%d more alerts not sent", len(unique) - MAX_ALERTS_PER_RUN)
        return tuple(deliveries)


def notifier_for(ctx: Context, repository: str) -> Notifier | None:
    """The run's notifier, or None when no webhook URL is configured."""
    if ctx.webhook_url is None:
        return None
    webhook = Webhook(ctx.webhook_url, ctx.webhook_key)
    return Notifier(webhook, repository, Redactor.of(ctx.secrets()))
