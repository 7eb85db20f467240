"""POST a body to the webhook: signed, with a timeout, retried a bounded number of times.

Server errors (5xx, 429), timeouts and connection failures are retried with exponential
backoff through an injected sleeper; any other answer is final. Redirects are refused
(a signed body goes only where the secret says) and no proxy is read from the environment.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from kairos_ci.context import Secret
from kairos_ci.errors import UsageError
from kairos_ci.notify.sign import HEADER, signature

RETRIED_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class Response:
    delivered: bool
    retry: bool
    detail: str


@dataclass(frozen=True)
class Sent:
    answer: Response
    attempts: int


@dataclass(frozen=True)
class Webhook:
    url: Secret  # a Slack URL carries its own token: never logged
    key: Secret | None = None  # signs each body; None sends it unsigned (Slack checks the URL)
    timeout_s: float = 10.0
    attempts: int = 3
    backoff_s: float = 1.0  # doubled after each failed attempt
    sleep: Callable[[float], None] = field(default=time.sleep)

    def __post_init__(self) -> None:
        scheme = urlsplit(self.url.reveal()).scheme
        if scheme not in ("https", "http"):
            raise UsageError(f"the webhook URL must be http(s), not {scheme or 'without a scheme'}")
        if not 1 <= self.attempts <= 10:
            raise UsageError(f"webhook attempts must be 1 to 10, not {self.attempts}")

    def post(self, body: bytes) -> Sent:
        answer = Response(False, False, "not sent")
        for attempt in range(1, self.attempts + 1):
            answer = self._once(body)
            if answer.delivered or not answer.retry:
                return Sent(answer, attempt)
            if attempt < self.attempts:
                self.sleep(self.backoff_s * 2 ** (attempt - 1))
        return Sent(answer, self.attempts)

    def _once(self, body: bytes) -> Response:
        headers = {"Content-Type": "application/json", "User-Agent": "kairos-ci"}
        if self.key is not None:
            headers[HEADER] = signature(self.key, body)
        # The scheme is checked to be http(s) when the webhook is built.
        request = urllib.request.Request(self.url.reveal(), body, headers, method="POST")  # noqa: S310
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect())
        try:
            with opener.open(request, timeout=self.timeout_s) as response:
                return Response(True, False, f"HTTP {response.status}")
        except urllib.error.HTTPError as err:
            return Response(False, err.code in RETRIED_STATUSES, f"HTTP {err.code}")
        except TimeoutError:
            return Response(False, True, "timed out")
        except (urllib.error.URLError, OSError) as err:
            # The reason, never the URL: it is the secret.
            reason = getattr(err, "reason", err)
            if isinstance(reason, TimeoutError):
                return Response(False, True, "timed out")
            return Response(False, True, f"connection failed ({type(reason).__name__})")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None
