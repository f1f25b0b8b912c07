"""Notices and announcements: rich-text messages an administrator publishes to every user.

A notice is written as a draft and becomes visible to users when it is published; it can be
taken back to a draft (unpublished) and published again. `published_time` is the instant it
was first published and never changes after that, so republishing does not move it to the top.
The content is HTML that the server has sanitised (`core.shared.html.HtmlSanitizer`): what
is stored, and answered, is the sanitised text.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from core.shared.commands import UNSET, Maybe
from core.shared.errors import InvalidInput
from core.shared.model import Entity

MAX_TITLE = 100
# The sanitised content, in UTF-8 bytes (what the column holds).
MAX_CONTENT_BYTES = 64 * 1024


class NoticeType(enum.StrEnum):
    NOTICE = "notice"
    ANNOUNCEMENT = "announcement"


class NoticeStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"


@dataclass(kw_only=True, eq=False)
class Notice(Entity):
    title: str
    type: str = NoticeType.NOTICE
    content: str = ""
    status: str = NoticeStatus.DRAFT
    published_time: datetime | None = None

    @property
    def published(self) -> bool:
        return self.status == NoticeStatus.PUBLISHED

    def change(
        self,
        *,
        title: Maybe[str] = UNSET,
        type: Maybe[str] = UNSET,
        content: Maybe[str] = UNSET,
    ) -> None:
        """`content` is the sanitised HTML."""
        if title is not UNSET:
            check_title(title)
        if type is not UNSET:
            check_type(type)
        if content is not UNSET:
            check_content(content)
        self._assign(title=title, type=type, content=content)

    def set_status(self, status: str, now: datetime) -> None:
        """Publishing the first time stamps `published_time`; later changes keep it."""
        if status not in set(NoticeStatus):
            raise InvalidInput("status is draft or published", "notice_status_invalid", "status")
        self.status = NoticeStatus(status)
        if self.published and self.published_time is None:
            self.published_time = now


def check_title(title: str) -> None:
    if not title.strip() or len(title) > MAX_TITLE:
        raise InvalidInput(
            f"the title is 1 to {MAX_TITLE} characters", "notice_title_invalid", "title"
        )


def check_type(kind: str) -> None:
    if kind not in set(NoticeType):
        raise InvalidInput("type is notice or announcement", "notice_type_invalid", "type")


def check_content(content: str) -> None:
    if len(content.encode("utf-8")) > MAX_CONTENT_BYTES:
        raise InvalidInput(
            f"the content is at most {MAX_CONTENT_BYTES} bytes once sanitised",
            "notice_content_too_large",
            "content",
        )
