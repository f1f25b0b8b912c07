"""Routes of the monitor module: the online users (`/monitor/online`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from core.monitor.service import OnlineFilter, OnlineService, OnlineSession
from core.rbac.model import Principal
from core.shared.pagination import PageRequest
from core.shared.scope import RowScope
from entrypoints.http.deps import provided, require, scoped
from entrypoints.http.routing import ApiRouter
from entrypoints.http.schemas.common import Id, PageNo, PageOut, PageSize
from entrypoints.http.schemas.monitor import OnlineSessionOut

online_router = ApiRouter(prefix="/monitor/online", tags=["monitor"])

online_service = provided(lambda c: c.online())
Online = Annotated[OnlineService, Depends(online_service)]
SessionId = Annotated[str, Path(min_length=1, max_length=64)]


class OnlineQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    page: PageNo = 1
    size: PageSize = 10
    username: Annotated[str | None, Field(max_length=64)] = None
    ip: Annotated[str | None, Field(max_length=64)] = None

    def filter(self) -> OnlineFilter:
        return OnlineFilter(username=self.username or None, ip=self.ip or None)


def _out(row: OnlineSession) -> OnlineSessionOut:
    s = row.session
    return OnlineSessionOut(
        session_id=s.sid,
        user_id=s.user_id,
        username=s.username,
        ip=s.ip,
        browser=s.browser,
        os=s.os,
        login_time=s.login_time,
        last_seen=s.last_seen,
        current=row.current,
    )


@online_router.get("", response_model=PageOut[OnlineSessionOut], summary="online users")
async def online_users(
    q: Annotated[OnlineQuery, Query()],
    caller: Annotated[Principal, require("perm:online:get")],
    scope: Annotated[RowScope, scoped("perm:online:get")],
    online: Online,
) -> PageOut[OnlineSessionOut]:
    page = await online.online(caller, q.filter(), PageRequest(page=q.page, size=q.size), scope)
    return PageOut(items=[_out(r) for r in page.items], total=page.total, page=q.page, size=q.size)


@online_router.delete("/{session_id}", status_code=204, summary="end a session")
async def end_session(
    session_id: SessionId,
    caller: Annotated[Principal, require("perm:online:delete")],
    scope: Annotated[RowScope, scoped("perm:online:delete")],
    online: Online,
) -> None:
    await online.end(caller, session_id, scope)


@online_router.delete("/user/{user_id}", status_code=204, summary="end every session of a user")
async def end_user_sessions(
    user_id: Id,
    caller: Annotated[Principal, require("perm:online:delete")],
    scope: Annotated[RowScope, scoped("perm:online:delete")],
    online: Online,
) -> None:
    await online.end_user(caller, user_id, scope)


from entrypoints.http.routers.monitor_overview import overview_router  # noqa: E402, F401
