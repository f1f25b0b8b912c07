"""Request and response shapes of the notice module."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field

from entrypoints.http.schemas.common import Input, NotNull, Output
from entrypoints.http.schemas.rbac import Line

Title = Annotated[Line, Field(min_length=1, max_length=100)]
NoticeKind = Literal["notice", "announcement"]
NoticeState = Literal["draft", "published"]
# The editor's HTML as sent. Sanitising only removes, so what is kept is at most 64 KiB
# (checked after sanitising); the raw text may carry more (attributes, comments that go), but
# no more than this: a bound on what the sanitiser is given to read.
RawHtml = Annotated[
    str,
    Field(max_length=256 * 1024, description="rich-text HTML; sanitised on the server"),
]


class NoticeCreate(Input):
    title: Title
    type: NoticeKind = "notice"
    content: RawHtml = ""
    status: NoticeState = "draft"


class NoticeUpdate(Input):
    title: NotNull[Title] = None
    type: NotNull[NoticeKind] = None
    content: NotNull[RawHtml] = None
    status: NotNull[NoticeState] = None


class NoticeOut(Output):
    id: int
    title: str
    type: str
    content: str = Field(description="sanitised HTML")
    status: str
    published_time: datetime | None
    creator_id: int | None
    creator: str | None
    created_time: datetime | None
    modified_time: datetime | None


class NoticeBrief(Output):
    """A row of the administration list: everything but the content."""

    id: int
    title: str
    type: str
    status: str
    published_time: datetime | None
    creator: str | None
    created_time: datetime | None
    modified_time: datetime | None


class UserNoticeBrief(Output):
    id: int
    title: str
    type: str
    published_time: datetime | None
    creator: str | None
    read: bool


class UserNoticeOut(UserNoticeBrief):
    content: str = Field(description="sanitised HTML")


class UnreadCount(Output):
    count: int
