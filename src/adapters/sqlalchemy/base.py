"""Query helpers shared by the repositories: soft-delete filter, paging, time ranges."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, Table, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.shared.pagination import Page, PageRequest, TimeRange

T = TypeVar("T")
Q = TypeVar("Q", bound=Select[Any])


def live(table: Table) -> ColumnElement[bool]:
    return table.c.is_deleted == 0


def locked(query: Q, lock: bool) -> Q:
    """SELECT ... FOR UPDATE when the caller will change the row: a concurrent writer waits."""
    return query.with_for_update() if lock else query


def in_range(column: Any, rng: TimeRange) -> list[ColumnElement[bool]]:
    out: list[ColumnElement[bool]] = []
    if rng.start is not None:
        out.append(column >= rng.start)
    if rng.end is not None:
        out.append(column <= rng.end)
    return out


def contains(column: Any, text: str | None) -> list[ColumnElement[bool]]:
    """A list filter: the text anywhere in the column, case-blind on every database.

    ILIKE on PostgreSQL, whose LIKE is case-sensitive; `lower(..) LIKE lower(..)` elsewhere,
    which MySQL/MariaDB's binary-collated keys (decision 22) need as well.
    """
    if not text:
        return []
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return [column.ilike(f"%{escaped}%", escape="\\")]


async def paginate(
    session: AsyncSession,
    entity: type[T],
    table: Table,
    where: list[ColumnElement[bool]],
    page: PageRequest,
    sortable: Mapping[str, Any],
    order: Sequence[ColumnElement[Any]] | None = None,
) -> Page[T]:
    """The page, and a count only when the page cannot tell the total.

    Sorting only by the columns the caller declares sortable (or in the fixed `order`). The
    page is found by id first and its rows read after (a deferred join): the database sorts
    and skips ids from an index, not whole rows, which a data-scope condition that matches
    thousands of rows (its semi-join sorts every match) or a far page would otherwise read.
    A page that holds fewer rows than its size is the last one, so the total is its offset
    plus its rows; only a full page (or an empty page past the first) needs the count query.
    """
    if order is None:
        if page.sort not in sortable:
            raise ValueError(f"cannot sort by {page.sort}")
        column = sortable[page.sort]
        order = [column.desc() if page.descending else column.asc(), table.c.id.desc()]
    ids = (
        select(table.c.id)
        .where(live(table), *where)
        .order_by(*order)
        .offset(page.offset)
        .limit(page.size)
        .subquery("page")
    )
    query = select(entity).join(ids, ids.c.id == table.c.id).order_by(*order)
    items = list(await session.scalars(query))
    if 0 < len(items) < page.size or (not items and page.page == 1):
        total = page.offset + len(items)
    else:
        count = select(func.count()).select_from(table).where(live(table), *where)
        total = await session.scalar(count) or 0
    return Page(items, total, page.page, page.size)
