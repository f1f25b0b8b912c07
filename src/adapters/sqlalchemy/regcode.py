"""Table and SQLAlchemy repository of the reg-code module."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    ColumnElement,
    Index,
    Integer,
    SmallInteger,
    String,
    Table,
    UniqueConstraint,
    case,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.sqlalchemy.base import contains, in_range, live, locked
from adapters.sqlalchemy.rbac import users
from adapters.sqlalchemy.scope import in_scope, scoped
from adapters.sqlalchemy.tables import audit_columns, metadata
from adapters.sqlalchemy.types import UtcDateTime
from core.regcode.model import RegCode, RegCodeState
from core.regcode.ports import RegCodeFilter, RegCodeRepository, RegCodeRow
from core.shared.pagination import Page, PageRequest
from core.shared.scope import RowScope

# --- tables ---
reg_codes = Table(
    "t_reg_code",
    metadata,
    *audit_columns(),
    Column("code", String(32), nullable=False),
    Column("reg_times", Integer, nullable=False),
    Column("first_active_time", UtcDateTime(), nullable=True),
    Column("deadline", UtcDateTime(), nullable=True, index=True),
    Column("state", SmallInteger, nullable=False, server_default="0"),
    Column("remark", String(255), nullable=False, server_default=""),
    # The creator's department when the code was made: the data scope's owner department.
    Column("dept_id", BigInteger, nullable=True, index=True),
    UniqueConstraint("code", "is_deleted"),
    Index("ix_t_reg_code_creator_id", "creator_id"),
)
# The data scope: a code is owned by the department recorded on it and by its creator.
scoped(reg_codes, dept="dept_id", user="creator_id")


def _state_at(now: datetime) -> Any:
    """RegCode.state_at in SQL, the one translation: filters, sorting and expiry agree with it."""
    c = reg_codes.c
    return case(
        (or_(c.first_active_time.is_(None), c.deadline.is_(None)), int(RegCodeState.INACTIVE)),
        (c.deadline <= now, int(RegCodeState.EXPIRED)),
        else_=int(RegCodeState.ACTIVE),
    )


class SqlAlchemyRegCodeRepository(RegCodeRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def add_many(self, codes: Iterable[RegCode]) -> None:
        self._s.add_all(list(codes))
        await self._s.flush()

    async def get(
        self, code_id: int, *, lock: bool = False, scope: RowScope | None = None
    ) -> RegCode | None:
        where = [reg_codes.c.id == code_id, live(reg_codes), *_scope(scope)]
        return await self._s.scalar(locked(select(RegCode).where(*where), lock))

    async def existing_codes(self, codes: Iterable[str]) -> frozenset[str]:
        wanted = list(codes)
        if not wanted:
            return frozenset()
        c = reg_codes.c
        return frozenset(
            await self._s.scalars(select(c.code).where(c.code.in_(wanted), live(reg_codes)))
        )

    async def search(
        self, flt: RegCodeFilter, page: PageRequest, now: datetime, scope: RowScope | None = None
    ) -> Page[RegCodeRow]:
        c, u = reg_codes.c, users.c
        state = _state_at(now)
        where = _filter_clauses(flt, now) + _scope(scope)
        sortable: dict[str, Any] = {
            "id": c.id,
            "created_time": c.created_time,
            "deadline": c.deadline,
            "state": state,
        }
        if page.sort not in sortable:
            raise ValueError(f"cannot sort by {page.sort}")
        column = sortable[page.sort]
        order = [column.desc() if page.descending else column.asc(), c.id.desc()]
        total = await self._s.scalar(select(func.count()).select_from(reg_codes).where(*where)) or 0
        query = (
            select(RegCode, u.username)
            .outerjoin(users, u.id == c.creator_id)
            .where(*where)
            .order_by(*order)
            .offset(page.offset)
            .limit(page.size)
        )
        items = [RegCodeRow(code, username) for code, username in await self._s.execute(query)]
        return Page(items, total, page.page, page.size)

    async def expire_due(self, now: datetime, limit: int) -> int:
        c = reg_codes.c
        expired = int(RegCodeState.EXPIRED)
        ids = list(
            await self._s.scalars(
                select(c.id)
                .where(live(reg_codes), _state_at(now) == expired, c.state != expired)
                .order_by(c.id)
                .limit(limit)
            )
        )
        if ids:
            await self._s.execute(
                update(reg_codes).where(c.id.in_(ids)).values(state=expired, modified_time=now)
            )
        return len(ids)

    async def next_deadline_after(self, now: datetime) -> datetime | None:
        c = reg_codes.c
        earliest: datetime | None = await self._s.scalar(
            select(func.min(c.deadline)).where(live(reg_codes), c.deadline > now)
        )
        return earliest

    # --- reports: keyset batches --------------------------------------------------------
    async def after(
        self,
        flt: RegCodeFilter,
        after_id: int,
        limit: int,
        now: datetime,
        scope: RowScope | None = None,
    ) -> list[dict[str, Any]]:
        c, u = reg_codes.c, users.c
        query = (
            select(*reg_codes.c, u.username.label("creator"))
            .outerjoin(users, u.id == c.creator_id)
            .where(*_filter_clauses(flt, now), *_scope(scope), c.id > after_id)
            .order_by(c.id)
            .limit(limit)
        )
        return [dict(row) for row in (await self._s.execute(query)).mappings()]


def _scope(scope: RowScope | None) -> list[ColumnElement[bool]]:
    return [] if scope is None else in_scope(reg_codes, scope)


def _filter_clauses(flt: RegCodeFilter, now: datetime) -> list[ColumnElement[bool]]:
    """The WHERE of a RegCodeFilter: one definition for the list and the export."""
    c = reg_codes.c
    where: list[ColumnElement[bool]] = [live(reg_codes), *contains(c.code, flt.code)]
    if flt.state is not None:
        where.append(_state_at(now) == int(flt.state))
    if flt.creator_id is not None:
        where.append(c.creator_id == flt.creator_id)
    return where + in_range(c.deadline, flt.deadline) + in_range(c.created_time, flt.created)


# What the unit of work opens for this module (attribute -> repository), and the mapping.
REPOSITORIES = {
    "reg_codes": SqlAlchemyRegCodeRepository,
}
MAPPINGS = ((RegCode, reg_codes),)
