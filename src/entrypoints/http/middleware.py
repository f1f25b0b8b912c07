"""Pure ASGI middleware: the operation log of every write, without a task per request."""

from __future__ import annotations

import time
from typing import Any

from loguru import logger
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.audit.model import OperationLog
from core.audit.service import AuditService
from entrypoints.http.clientip import client_ip

WRITES = {"POST", "PUT", "PATCH", "DELETE"}
# Sign-in has its own log (t_login_log), and so has a session's refresh (every half hour of
# every session: noise in the operation log; a reused refresh token is in the login log); the
# second-factor steps carry secrets in their bodies only.
NOT_LOGGED = (
    "/api/v1/user/login",
    "/api/v1/user/token/refresh",
    "/api/v1/user/login/2fa",
    "/api/v1/user/login/2fa/setup",
    "/api/v1/user/login/2fa/enable",
)


class OperationLogMiddleware:
    def __init__(self, app: ASGIApp, audit: AuditService) -> None:
        self.app = app
        self.audit = audit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] not in WRITES
            or not scope["path"].startswith("/api/")
        ):
            await self.app(scope, receive, send)
            return
        if scope["path"] in NOT_LOGGED:
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = {"code": 500}

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, capture)
        finally:
            await self._record(scope, status["code"], started)

    async def _record(self, scope: Scope, status_code: int, started: float) -> None:
        state: dict[str, Any] = scope.get("state") or {}
        principal = state.get("principal")
        route = scope.get("route")
        summary = getattr(route, "summary", None) or getattr(route, "name", "") or ""
        log = OperationLog(
            user_id=getattr(principal, "user_id", None),
            username=getattr(principal, "username", ""),
            method=scope["method"],
            path=_loggable_path(scope)[:255],
            summary=str(summary)[:128],
            status_code=status_code,
            ip=client_ip(scope)[:64],
            duration_ms=int((time.perf_counter() - started) * 1000),
        )
        try:
            await self.audit.record_operation(log)
        except Exception as exc:  # noqa: BLE001 - the log must never break the answer already sent
            logger.warning("operation log not written: {}", type(exc).__name__)


def _loggable_path(scope: Scope) -> str:
    """The path, with the token of a one-time link (registration, reset) replaced by `{token}`."""
    path = str(scope["path"])
    token = (scope.get("path_params") or {}).get("token")
    return path.replace(str(token), "{token}") if token else path
