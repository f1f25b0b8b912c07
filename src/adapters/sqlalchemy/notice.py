"""Tables and SQLAlchemy repository of the notice module."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    ColumnElement,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
    exists,
    func,
    insert,
    select,
)
from sqlalchemy.dialects import mysql
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.sqlalchemy.base import contains, in_range, live, locked
from adapters.sqlalchemy.rbac import users
from adapters.sqlalchemy.tables import audit_columns, metadata
from adapters.sqlalchemy.types import UtcDateTime
from core.notice.model import Notice, NoticeStatus
from core.notice.ports import InboxRow, NoticeFilter, NoticeRepository, NoticeRow
from core.shared.pagination import Page, PageRequest

# 64 KiB of sanitised HTML does not fit MySQL's TEXT (65,535 bytes): MEDIUMTEXT there.
HtmlText = Text().with_variant(mysql.MEDIUMTEXT(), "mysql", "mariadb")

# --- tables ---
notices = Table(
    "t_notice",
    metadata,
    *audit_columns(),
    Column("title", String(100), nullable=False),
    Column("type", String(16), nullable=False, server_default="notice"),
    Column("content", HtmlText, nullable=False),
    Column("status", String(16), nullable=False, server_default="draft"),
    Column("published_time", UtcDateTime(), nullable=True),
    # The users' list: published ones, newest first.
    Index("ix_t_notice_status_published_time", "status", "published_time"),
)

# Who read which notice: one live mark per (notice, user).
notice_reads = Table(
    "t_notice_read",
    metadata,
    *audit_columns(),
    Column("notice_id", BigInteger, ForeignKey("t_notice.id"), nullable=False),
    Column("user_id", BigInteger, ForeignKey("t_users.id"), nullable=False),
    UniqueConstraint("notice_id", "user_id", "is_deleted"),
    Index("ix_t_notice_read_user_id", "user_id"),
)

PUBLISHED = str(NoticeStatus.PUBLISHED)


def _visible() -> list[ColumnElement[bool]]:
    """What a user may read: live and published."""
    return [live(notices), notices.c.status == PUBLISHED]


def _read_by(user_id: int) -> Any:
    r = notice_reads.c
    return exists().where(r.notice_id == notices.c.id, r.user_id == user_id, live(notice_reads))


class SqlAlchemyNoticeRepository(NoticeRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def add(self, notice: Notice) -> None:
        self._s.add(notice)
        await self._s.flush()

    async def get(self, notice_id: int, *, lock: bool = False) -> Notice | None:
        query = select(Notice).where(notices.c.id == notice_id, live(notices))
        return await self._s.scalar(locked(query, lock))

    async def creator_of(self, notice: Notice) -> str | None:
        if notice.creator_id is None:
            return None
        name: str | None = await self._s.scalar(
            select(users.c.username).where(users.c.id == notice.creator_id)
        )
        return name

    async def search(self, flt: NoticeFilter, page: PageRequest) -> Page[NoticeRow]:
        c, u = notices.c, users.c
        where: list[ColumnElement[bool]] = [live(notices), *contains(c.title, flt.title)]
        if flt.type is not None:
            where.append(c.type == flt.type)
        if flt.status is not None:
            where.append(c.status == flt.status)
        where += in_range(c.created_time, flt.created)
        sortable: dict[str, Any] = {
            "id": c.id,
            "created_time": c.created_time,
            "published_time": c.published_time,
        }
        if page.sort not in sortable:
            raise ValueError(f"cannot sort by {page.sort}")
        column = sortable[page.sort]
        order = [column.desc() if page.descending else column.asc(), c.id.desc()]
        total = await self._s.scalar(select(func.count()).select_from(notices).where(*where)) or 0
        query = (
            select(Notice, u.username)
            .outerjoin(users, u.id == c.creator_id)
            .where(*where)
            .order_by(*order)
            .offset(page.offset)
            .limit(page.size)
        )
        items = [NoticeRow(n, name) for n, name in await self._s.execute(query)]
        return Page(items, total, page.page, page.size)

    async def inbox(self, user_id: int, page: PageRequest) -> Page[InboxRow]:
        c, u = notices.c, users.c
        total = (
            await self._s.scalar(select(func.count()).select_from(notices).where(*_visible())) or 0
        )
        query = (
            select(Notice, u.username, _read_by(user_id).label("read"))
            .outerjoin(users, u.id == c.creator_id)
            .where(*_visible())
            .order_by(c.published_time.desc(), c.id.desc())
            .offset(page.offset)
            .limit(page.size)
        )
        items = [InboxRow(n, name, bool(read)) for n, name, read in await self._s.execute(query)]
        return Page(items, total, page.page, page.size)

    async def published(self, user_id: int, notice_id: int) -> InboxRow | None:
        c, u = notices.c, users.c
        query = (
            select(Notice, u.username, _read_by(user_id).label("read"))
            .outerjoin(users, u.id == c.creator_id)
            .where(c.id == notice_id, *_visible())
        )
        row = (await self._s.execute(query)).first()
        return None if row is None else InboxRow(row[0], row[1], bool(row[2]))

    async def mark_read(self, user_id: int, notice_id: int, now: datetime) -> None:
        # In a savepoint: a concurrent request that marked it first leaves the one mark
        # (the unique key refuses a second) and this one succeeds all the same.
        try:
            async with self._s.begin_nested():
                await self._s.execute(
                    insert(notice_reads).values(
                        notice_id=notice_id,
                        user_id=user_id,
                        is_deleted=0,
                        created_time=now,
                        creator_id=user_id,
                        modified_time=now,
                        modifier_id=user_id,
                    )
                )
        except IntegrityError:
            return

    async def unread_count(self, user_id: int) -> int:
        query = select(func.count()).select_from(notices).where(*_visible(), ~_read_by(user_id))
        return int(await self._s.scalar(query) or 0)


# What the unit of work opens for this module (attribute -> repository), and the mapping.
REPOSITORIES = {
    "notices": SqlAlchemyNoticeRepository,
}
MAPPINGS = ((Notice, notices),)
