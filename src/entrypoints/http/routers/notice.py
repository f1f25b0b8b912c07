"""Routes of the notice module: administration (`/system/notice`) and what every signed-in
user reads (`/user/notices`)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Depends, Query, Request, Response

from core.notice.commands import CreateNotice, UpdateNotice
from core.notice.module import MODULE
from core.notice.ports import InboxRow, NoticeFilter
from core.notice.service import NoticeService, NoticeView
from core.rbac.model import Principal
from core.shared.pagination import PageRequest
from entrypoints.http.deps import Caller, provided, require
from entrypoints.http.pages import Fresh, Pages
from entrypoints.http.routing import ApiRouter
from entrypoints.http.schemas.common import (
    Created,
    Id,
    ListQuery,
    PageNo,
    PageOut,
    PageSize,
    fields_of,
)
from entrypoints.http.schemas.notice import (
    NoticeBrief,
    NoticeCreate,
    NoticeKind,
    NoticeOut,
    NoticeState,
    NoticeUpdate,
    UnreadCount,
    UserNoticeBrief,
    UserNoticeOut,
)

admin = ApiRouter(prefix="/system/notice", tags=["notice"])
mine = ApiRouter(prefix="/user/notices", tags=["notice"])

notice_service = provided(lambda c: c.notices())
Notices = Annotated[NoticeService, Depends(notice_service)]


class NoticeQuery(ListQuery):
    title: str | None = None
    type: NoticeKind | None = None
    status: NoticeState | None = None
    sort: Literal["created_time", "published_time", "id"] = "created_time"

    def filter(self) -> NoticeFilter:
        return NoticeFilter(
            title=self.title, type=self.type, status=self.status, created=self.created()
        )


def _out(view: NoticeView) -> NoticeOut:
    return NoticeOut.model_validate({**fields_of(view.notice), "creator": view.creator})


def _user_out(row: InboxRow) -> UserNoticeOut:
    return UserNoticeOut.model_validate(
        {**fields_of(row.notice), "creator": row.creator, "read": row.read}
    )


# The tables a list answer reads, as the module's spec declares them.
LIST_TABLES = MODULE.list_tables("notices")


# --- administration --------------------------------------------------------------------


@admin.get("", response_model=PageOut[NoticeBrief], summary="list notices")
async def list_notices(
    request: Request,
    q: Annotated[NoticeQuery, Query()],
    _: Annotated[Principal, require("perm:notice:get")],
    notices: Notices,
    pages: Pages,
) -> Response:
    async def compute() -> Fresh:
        page = await notices.search(q.filter(), q.page_request(q.sort))
        items = [
            NoticeBrief.model_validate({**fields_of(v.notice), "creator": v.creator})
            for v in page.items
        ]
        return PageOut(items=items, total=page.total, page=page.page, size=page.size), None

    return await pages.answer(request, LIST_TABLES, compute)


@admin.post("", response_model=Created, status_code=201, summary="create a notice")
async def create_notice(
    body: NoticeCreate,
    caller: Annotated[Principal, require("perm:notice:post")],
    notices: Notices,
) -> Created:
    return Created(id=await notices.create(caller.user_id, body.command(CreateNotice)))


@admin.get("/{notice_id}", response_model=NoticeOut, summary="read a notice")
async def get_notice(
    notice_id: Id, _: Annotated[Principal, require("perm:notice:get")], notices: Notices
) -> NoticeOut:
    return _out(await notices.get(notice_id))


@admin.put("/{notice_id}", status_code=204, summary="update a notice")
async def update_notice(
    notice_id: Id,
    body: NoticeUpdate,
    caller: Annotated[Principal, require("perm:notice:put")],
    notices: Notices,
) -> None:
    await notices.update(caller.user_id, notice_id, body.changes(UpdateNotice))


@admin.delete("/{notice_id}", status_code=204, summary="delete a notice")
async def delete_notice(
    notice_id: Id,
    caller: Annotated[Principal, require("perm:notice:delete")],
    notices: Notices,
) -> None:
    await notices.delete(caller.user_id, notice_id)


# --- the signed-in user's notices (published only) ---------------------------------------


@mine.get("", response_model=PageOut[UserNoticeBrief], summary="my notices")
async def my_notices(
    caller: Caller, notices: Notices, page: PageNo = 1, size: PageSize = 10
) -> PageOut[UserNoticeBrief]:
    rows = await notices.inbox(caller.user_id, PageRequest(page=page, size=size))
    items = [
        UserNoticeBrief.model_validate(
            {**fields_of(r.notice), "creator": r.creator, "read": r.read}
        )
        for r in rows.items
    ]
    return PageOut(items=items, total=rows.total, page=rows.page, size=rows.size)


@mine.get("/unread-count", response_model=UnreadCount, summary="my unread notices")
async def unread_count(caller: Caller, notices: Notices) -> UnreadCount:
    return UnreadCount(count=await notices.unread_count(caller.user_id))


@mine.get("/{notice_id}", response_model=UserNoticeOut, summary="read one of my notices")
async def my_notice(notice_id: Id, caller: Caller, notices: Notices) -> UserNoticeOut:
    return _user_out(await notices.read(caller.user_id, notice_id))


@mine.put("/{notice_id}/read", status_code=204, summary="mark a notice read")
async def mark_read(notice_id: Id, caller: Caller, notices: Notices) -> None:
    await notices.mark_read(caller.user_id, notice_id)
