"""SQLAlchemy repository of the reg-code module."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session

from adapters.sqlalchemy import tables as t
from adapters.sqlalchemy.base import contains, in_range, live, locked
from core.regcode.model import RegCode, RegCodeState
from core.regcode.ports import RegCodeFilter, RegCodeRepository, RegCodeRow
from core.shared.pagination import Page, PageRequest


def _state_at(now: datetime) -> Any:
    """RegCode.state_at in SQL, so filters and sorting agree with the core rule."""
    c = t.reg_codes.c
    return case(
        (c.first_active_time.is_(None), int(RegCodeState.INACTIVE)),
        (c.deadline <= now, int(RegCodeState.EXPIRED)),
        else_=int(RegCodeState.ACTIVE),
    )


class SqlAlchemyRegCodeRepository(RegCodeRepository):
    def __init__(self, session: Session) -> None:
        self._s = session

    def add_many(self, codes: Iterable[RegCode]) -> None:
        self._s.add_all(list(codes))
        self._s.flush()

    def get(self, code_id: int, *, lock: bool = False) -> RegCode | None:
        return self._s.scalar(
            locked(select(RegCode).where(t.reg_codes.c.id == code_id, live(t.reg_codes)), lock)
        )

    def existing_codes(self, codes: Iterable[str]) -> frozenset[str]:
        wanted = list(codes)
        if not wanted:
            return frozenset()
        c = t.reg_codes.c
        return frozenset(
            self._s.scalars(select(c.code).where(c.code.in_(wanted), live(t.reg_codes)))
        )

    def search(self, flt: RegCodeFilter, page: PageRequest, now: datetime) -> Page[RegCodeRow]:
        c, u = t.reg_codes.c, t.users.c
        state = _state_at(now)
        where = _filter_clauses(flt, now)
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
        total = self._s.scalar(select(func.count()).select_from(t.reg_codes).where(*where)) or 0
        query = (
            select(RegCode, u.username)
            .outerjoin(t.users, u.id == c.creator_id)
            .where(*where)
            .order_by(*order)
            .offset(page.offset)
            .limit(page.size)
        )
        items = [RegCodeRow(code, username) for code, username in self._s.execute(query)]
        return Page(items, total, page.page, page.size)

    def next_deadline_after(self, now: datetime) -> datetime | None:
        c = t.reg_codes.c
        earliest: datetime | None = self._s.scalar(
            select(func.min(c.deadline)).where(live(t.reg_codes), c.deadline > now)
        )
        return earliest

    # --- reports: keyset batches --------------------------------------------------------
    def after(
        self, flt: RegCodeFilter, after_id: int, limit: int, now: datetime
    ) -> list[dict[str, Any]]:
        c, u = t.reg_codes.c, t.users.c
        query = (
            select(*t.reg_codes.c, u.username.label("creator"))
            .outerjoin(t.users, u.id == c.creator_id)
            .where(*_filter_clauses(flt, now), c.id > after_id)
            .order_by(c.id)
            .limit(limit)
        )
        return [dict(row) for row in self._s.execute(query).mappings()]


def _filter_clauses(flt: RegCodeFilter, now: datetime) -> list[ColumnElement[bool]]:
    """The WHERE of a RegCodeFilter: one definition for the list and the export."""
    c = t.reg_codes.c
    where: list[ColumnElement[bool]] = [live(t.reg_codes), *contains(c.code, flt.code)]
    if flt.state is not None:
        where.append(_state_at(now) == int(flt.state))
    if flt.creator_id is not None:
        where.append(c.creator_id == flt.creator_id)
    return where + in_range(c.deadline, flt.deadline) + in_range(c.created_time, flt.created)
