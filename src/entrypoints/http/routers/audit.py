"""Routes of the audit module: the login log and the operation log."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Depends, Query, Request

from core.audit.ports import LoginLogFilter, OperationLogFilter
from core.audit.service import AuditService
from core.rbac.model import Principal
from entrypoints.http.deps import provided, require
from entrypoints.http.errors import language_of
from entrypoints.http.messages import route_summary
from entrypoints.http.routing import ApiRouter
from entrypoints.http.schemas.audit import LoginLogOut, OperationLogOut
from entrypoints.http.schemas.common import ListQuery, PageOut

router = ApiRouter(prefix="/system/log", tags=["log"])
CanRead = Annotated[Principal, require("perm:log:get")]

audit_service = provided(lambda c: c.audit())
Audit = Annotated[AuditService, Depends(audit_service)]


class LogQuery(ListQuery):
    sort: Literal["id", "created_time"] = "id"
    username: str | None = None


class LoginLogQuery(LogQuery):
    status: Literal["success", "failed", "logout"] | None = None


class OperationLogQuery(LogQuery):
    method: Literal["POST", "PUT", "PATCH", "DELETE"] | None = None


@router.get("/login", response_model=PageOut[LoginLogOut], summary="login log")
async def login_log(
    q: Annotated[LoginLogQuery, Query()], _: CanRead, audit: Audit
) -> PageOut[LoginLogOut]:
    flt = LoginLogFilter(username=q.username, status=q.status, created=q.created())
    page = await audit.login_logs(flt, q.page_request(q.sort))
    return PageOut(
        items=[LoginLogOut.model_validate(x) for x in page.items],
        total=page.total,
        page=page.page,
        size=page.size,
    )


@router.get(
    "/operation",
    response_model=PageOut[OperationLogOut],
    summary="operation log (summaries in the request's language)",
)
async def operation_log(
    request: Request, q: Annotated[OperationLogQuery, Query()], _: CanRead, audit: Audit
) -> PageOut[OperationLogOut]:
    flt = OperationLogFilter(username=q.username, method=q.method, created=q.created())
    page = await audit.operation_logs(flt, q.page_request(q.sort))
    lang = language_of(request)
    items = [OperationLogOut.model_validate(x) for x in page.items]
    for item in items:
        item.summary = route_summary(item.summary, lang)
    return PageOut(
        items=items,
        total=page.total,
        page=page.page,
        size=page.size,
    )
