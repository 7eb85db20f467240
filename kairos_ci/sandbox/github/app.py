"""One API request, start to finish: auth, limits, faults, contract checks, the route,
pagination and GitHub's headers. Transport-free: the HTTP server only moves bytes."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import unquote, urlencode

from kairos_ci.sandbox.github import routes
from kairos_ci.sandbox.github.calls import NO_BODY, Call, HttpError, Reply
from kairos_ci.sandbox.github.contract import Contract, Operation
from kairos_ci.sandbox.github.records import ContractViolation, FaultRule, LoggedRequest, StoredUser
from kairos_ci.sandbox.github.shapes import Shapes
from kairos_ci.sandbox.github.store import Store

SECONDARY_MESSAGE = (
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."
)
API_VERSION = "2022-11-28"


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: Mapping[str, Sequence[str]]
    query_string: str
    headers: Mapping[str, str]  # lower-case names
    body: bytes


@dataclass(frozen=True)
class EmulatedResponse:
    status: int
    headers: Mapping[str, str]
    body: bytes


class EmulatedApi:
    def __init__(
        self, store: Store, shapes: Shapes, contract: Contract | None, strict: bool
    ) -> None:
        self.store = store
        self.shapes = shapes
        self.contract = contract
        self.strict = strict
        self._request_ids = iter(range(1, 1 << 62))

    def handle(self, request: Request) -> EmulatedResponse:
        user, early = self._authenticate(request)
        fault = None
        if early is None and user is not None:
            with self.store.lock:
                fault = self.store.faults.pick(request.method, request.path)
        if fault is not None and fault.kind == "slow":
            time.sleep(fault.delay_s)  # outside the lock: other requests go on meanwhile
            fault = None
        with self.store.lock:
            operation, reply = (None, early) if early else self._serve(request, user, fault)
            reply = self._checked(request, operation, reply)
            login = user.login if user else None
            response = self._render(request, reply, login)
            self.store.requests.append(
                LoggedRequest(
                    method=request.method,
                    path=request.path,
                    query=request.query_string,
                    status=reply.status,
                    login=login,
                    operation=operation.operation_id if operation else None,
                    fault=fault.kind if fault else None,
                    authorization="authorization" in request.headers,
                    route=_route(request),
                )
            )
        return response

    def _authenticate(self, request: Request) -> tuple[StoredUser | None, Reply | None]:
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if not header:
            return None, _error(401, "Requires authentication")
        if scheme.lower() not in ("token", "bearer") or not token.strip():
            return None, _error(401, "Bad credentials")
        user = self.store.user_for_token(token.strip())
        if user is None:
            return None, _error(401, "Bad credentials")
        return user, None

    def _serve(
        self, request: Request, user: StoredUser | None, fault: FaultRule | None
    ) -> tuple[Operation | None, Reply]:
        assert user is not None
        found = routes.match(request.method, request.path)
        if found is None:
            self._violate("request", request, None, None, ["no such route in the sandbox"])
            return None, _error(404, "Not Found")
        route, raw = found
        params = {name: unquote(value) for name, value in raw.items()}
        operation = self.contract.find(request.method, route.template) if self.contract else None
        body = self._body(request)
        if isinstance(body, Reply):
            return operation, body
        problems = self._request_problems(request, route.template, operation, params, body)
        if problems and self.strict:
            return operation, _strict_reject(problems)
        if self.store.remaining(user.login) <= 0:
            return operation, self._primary_limit(0)
        self.store.count_request(user.login)
        if fault is not None and fault.kind != "ambiguous":
            return operation, self._fault_reply(fault)
        repo = None
        if "owner" in params and "repo" in params:
            repo = self.store.repo(params["owner"], params["repo"])
            if repo is None:
                return operation, _error(404, "Not Found")
        call = Call(
            self.store,
            self.shapes,
            request.method,
            request.path,
            params,
            request.query,
            body,
            user,
            repo,
        )
        try:
            reply = route.handler(call)
        except HttpError as err:
            reply = _error(err.status, err.message, **err.extra)
        if fault is not None:  # ambiguous: the write happened, the answer is lost
            return operation, self._fault_reply(replace(fault, kind="5xx"))
        return operation, _paginate(reply, request, self.shapes.base)

    def _request_problems(
        self,
        request: Request,
        template: str,
        operation: Operation | None,
        params: Mapping[str, str],
        body: Any,
    ) -> list[str]:
        if self.contract is None or template == "/graphql":
            return []
        if operation is None:
            problems = [f"{request.method} {template} is not in the REST description"]
        else:
            given = Contract.no_body() if body is NO_BODY else body
            problems = self.contract.check_request(operation, params, request.query, given)
        if problems:
            self._violate("request", request, operation, None, problems)
        return problems

    def _checked(self, request: Request, operation: Operation | None, reply: Reply) -> Reply:
        if self.contract is None or operation is None or _is_fault(reply):
            return reply
        body = Contract.no_body() if reply.body is NO_BODY else reply.body
        problems = self.contract.check_response(operation, reply.status, body)
        if not problems:
            return reply
        self._violate("response", request, operation, reply.status, problems)
        if not self.strict:
            return reply
        message = "sandbox strict mode: the response does not match the REST description: "
        return _error(500, message + "; ".join(problems[:5]))

    def _violate(
        self,
        direction: str,
        request: Request,
        operation: Operation | None,
        status: int | None,
        problems: list[str],
    ) -> None:
        self.store.violations.append(
            ContractViolation(
                direction=direction,
                method=request.method,
                path=request.path,
                operation=operation.operation_id if operation else None,
                status=status,
                messages=tuple(problems),
            )
        )

    def _fault_reply(self, fault: FaultRule) -> Reply:
        if fault.kind in ("secondary", "secondary_429"):
            status = 429 if fault.kind == "secondary_429" else 403
            return replace(
                _error(status, SECONDARY_MESSAGE),
                headers={"Retry-After": str(fault.retry_after), "X-Sandbox-Fault": fault.kind},
            )
        if fault.kind == "primary":
            return self._primary_limit(fault.retry_after)
        return replace(
            _error(fault.status, "Server Error"), headers={"X-Sandbox-Fault": fault.kind}
        )

    def _primary_limit(self, reset_in: int) -> Reply:
        reset = int(self.store.clock()) + reset_in
        return replace(
            _error(403, "API rate limit exceeded for this user. Please wait before you try again."),
            headers={
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset": str(reset),
                "X-Sandbox-Fault": "primary",
            },
        )

    @staticmethod
    def _body(request: Request) -> Any:
        if not request.body.strip():
            return NO_BODY
        try:
            return json.loads(request.body)
        except ValueError:
            return _error(400, "Problems parsing JSON")

    def _render(self, request: Request, reply: Reply, login: str | None) -> EmulatedResponse:
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "X-GitHub-Request-Id": f"SBX:{next(self._request_ids):08X}",
            "X-GitHub-Media-Type": "github.v3; format=json",
            "x-github-api-version-selected": API_VERSION,
        }
        if login is not None:
            used = self.store.used.get(login, 0)
            headers.update(
                {
                    "X-RateLimit-Limit": str(self.store.limit),
                    "X-RateLimit-Remaining": str(self.store.remaining(login)),
                    "X-RateLimit-Reset": str(self.store.reset_at),
                    "X-RateLimit-Used": str(used),
                    "X-RateLimit-Resource": "core",
                }
            )
        headers.update(reply.headers)
        data = b"" if reply.body is NO_BODY else json.dumps(reply.body).encode()
        if request.method == "GET" and reply.status == 200:
            headers["ETag"] = f'"{hashlib.sha256(data).hexdigest()[:40]}"'
        if not data:
            headers.pop("Content-Type")
        return EmulatedResponse(reply.status, headers, data)


def _route(request: Request) -> str | None:
    found = routes.match(request.method, request.path)
    return found[0].template if found else None


def _error(status: int, message: str, **extra: Any) -> Reply:
    return Reply(status, Shapes.error(message, status, **extra))


def _strict_reject(problems: list[str]) -> Reply:
    errors = [
        {"resource": "Sandbox", "field": "request", "code": "invalid", "message": p}
        for p in problems[:10]
    ]
    return _error(
        422,
        "Validation Failed (sandbox strict mode: not what the REST description allows)",
        errors=errors,
    )


def _is_fault(reply: Reply) -> bool:
    return "X-Sandbox-Fault" in reply.headers


def _paginate(reply: Reply, request: Request, base: str) -> Reply:
    if not (reply.paginate or reply.page_key) or reply.status != 200:
        return reply
    per_page = min(max(_int(request.query, "per_page", 30), 1), 100)
    page = max(_int(request.query, "page", 1), 1)
    items = reply.body[reply.page_key] if reply.page_key else reply.body
    last = max((len(items) + per_page - 1) // per_page, 1)
    chunk = items[(page - 1) * per_page : page * per_page]
    body = {**reply.body, reply.page_key: chunk} if reply.page_key else chunk
    links = []

    def url(number: int) -> str:
        query = {k: v[-1] for k, v in request.query.items()}
        query["page"] = str(number)
        return f"<{base}{request.path}?{urlencode(query)}>"

    if page < last:
        links += [f'{url(page + 1)}; rel="next"', f'{url(last)}; rel="last"']
    if page > 1:
        links += [f'{url(1)}; rel="first"', f'{url(page - 1)}; rel="prev"']
    headers = dict(reply.headers)
    if links:
        headers["Link"] = ", ".join(links)
    return replace(reply, body=body, headers=headers)


def _int(query: Mapping[str, Sequence[str]], name: str, default: int) -> int:
    values = query.get(name)
    try:
        return int(values[-1]) if values else default
    except ValueError:
        return default
