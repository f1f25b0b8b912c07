"""Use cases of the notice module: administration, and what every signed-in user reads."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from core.notice.commands import CreateNotice, UpdateNotice
from core.notice.model import Notice, check_content, check_title, check_type
from core.notice.ports import InboxRow, NoticeFilter, NoticeUnitOfWork
from core.shared.clock import Clock
from core.shared.commands import UNSET
from core.shared.entity import require
from core.shared.html import HtmlSanitizer
from core.shared.pagination import Page, PageRequest


@dataclass(frozen=True)
class NoticeView:
    notice: Notice
    creator: str | None


class NoticeService:
    def __init__(
        self, uow: Callable[[], NoticeUnitOfWork], clock: Clock, sanitizer: HtmlSanitizer
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._sanitizer = sanitizer

    # --- administration ------------------------------------------------------------------
    async def search(self, flt: NoticeFilter, page: PageRequest) -> Page[NoticeView]:
        async with self._uow() as uow:
            rows = await uow.notices.search(flt, page)
        items = [NoticeView(r.notice, r.creator) for r in rows.items]
        return Page(items, rows.total, rows.page, rows.size)

    async def get(self, notice_id: int) -> NoticeView:
        async with self._uow() as uow:
            notice = require(await uow.notices.get(notice_id), "notice")
            return NoticeView(notice, await uow.notices.creator_of(notice))

    async def create(self, actor: int, cmd: CreateNotice) -> int:
        """The content is stored as the sanitiser leaves it; published now if asked."""
        check_title(cmd.title)
        check_type(cmd.type)
        content = await self._sanitizer.clean(cmd.content)
        check_content(content)
        now = self._clock.now()
        notice = Notice(title=cmd.title, type=cmd.type, content=content)
        notice.set_status(cmd.status, now)
        notice.stamp_created(actor, now)
        async with self._uow() as uow:
            await uow.notices.add(notice)
            await uow.commit()
        assert notice.id is not None
        return notice.id

    async def update(self, actor: int, notice_id: int, cmd: UpdateNotice) -> None:
        """Each field given changes; the first publication stamps `published_time` once."""
        content = UNSET if cmd.content is UNSET else await self._sanitizer.clean(cmd.content)
        now = self._clock.now()
        async with self._uow() as uow:
            notice = require(await uow.notices.get(notice_id, lock=True), "notice")
            notice.change(title=cmd.title, type=cmd.type, content=content)
            if cmd.status is not UNSET:
                notice.set_status(cmd.status, now)
            notice.stamp_modified(actor, now)
            await uow.commit()

    async def delete(self, actor: int, notice_id: int) -> None:
        """A deleted notice leaves every user's list and count at once."""
        async with self._uow() as uow:
            notice = require(await uow.notices.get(notice_id, lock=True), "notice")
            notice.soft_delete(actor, self._clock.now())
            await uow.commit()

    # --- what a user reads ---------------------------------------------------------------
    async def inbox(self, user_id: int, page: PageRequest) -> Page[InboxRow]:
        """Published notices, newest first, each with whether this user has read it."""
        async with self._uow() as uow:
            return await uow.notices.inbox(user_id, page)

    async def read(self, user_id: int, notice_id: int) -> InboxRow:
        """A published notice; reading it does not mark it (the user marks it read)."""
        async with self._uow() as uow:
            return require(await uow.notices.published(user_id, notice_id), "notice")

    async def mark_read(self, user_id: int, notice_id: int) -> None:
        """Idempotent: marking a notice read twice keeps one mark. A draft or deleted
        notice is not found."""
        async with self._uow() as uow:
            row = require(await uow.notices.published(user_id, notice_id), "notice")
            if not row.read:
                await uow.notices.mark_read(user_id, notice_id, self._clock.now())
                await uow.commit()

    async def unread_count(self, user_id: int) -> int:
        async with self._uow() as uow:
            return await uow.notices.unread_count(user_id)
