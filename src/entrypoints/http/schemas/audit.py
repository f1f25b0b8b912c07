"""Response shapes of the audit logs."""

from __future__ import annotations

from datetime import datetime

from entrypoints.http.schemas.common import Output


class LoginLogOut(Output):
    id: int
    username: str
    ip: str
    user_agent: str
    status: str
    message: str
    created_time: datetime | None


class OperationLogOut(Output):
    id: int
    user_id: int | None
    username: str
    method: str
    path: str
    summary: str
    status_code: int
    ip: str
    duration_ms: int
    created_time: datetime | None
