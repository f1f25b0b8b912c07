"""Ports of the notice module."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from core.notice.model import Notice
from core.shared.pagination import Page, PageRequest, TimeRange
from core.shared.uow import UnitOfWork


@dataclass(frozen=True, kw_only=True)
class NoticeFilter:
    """`title`: the text anywhere in the title, case-blind."""

    title: str | None = None
    type: str | None = None
    status: str | None = None
    created: TimeRange = TimeRange()


@dataclass(frozen=True)
class NoticeRow:
    """A notice as a list shows it: with its creator's username."""

    notice: Notice
    creator: str | None


@dataclass(frozen=True)
class InboxRow:
    """A published notice as a user sees it: whether this user has read it."""

    notice: Notice
    creator: str | None
    read: bool


class NoticeRepository(Protocol):
    """Live notices; a deleted one is invisible to every method."""

    async def add(self, notice: Notice) -> None: ...
    async def get(self, notice_id: int, *, lock: bool = False) -> Notice | None: ...
    async def search(self, flt: NoticeFilter, page: PageRequest) -> Page[NoticeRow]: ...
    async def creator_of(self, notice: Notice) -> str | None:
        """The username of the notice's creator (None when gone or never recorded)."""
        ...

    # --- what a user reads: published notices only, with this user's read marks ---------
    async def inbox(self, user_id: int, page: PageRequest) -> Page[InboxRow]:
        """Published notices, newest first (by `published_time`, then id)."""
        ...

    async def published(self, user_id: int, notice_id: int) -> InboxRow | None:
        """The notice if live and published, with the user's read flag."""
        ...

    async def mark_read(self, user_id: int, notice_id: int, now: datetime) -> None:
        """Records that the user read the notice; a second mark adds nothing (one live mark
        per notice and user, even when two requests race)."""
        ...

    async def unread_count(self, user_id: int) -> int:
        """How many live published notices the user has no read mark on."""
        ...


class NoticeUnitOfWork(UnitOfWork, Protocol):
    notices: NoticeRepository
