"""SQLAlchemy side of the monitor module: the home page's figures (it has no tables of its own).

Each figure is one grouped statement over the tables of the modules it counts (the login log,
the job log, users, their roles and departments); the user figures take the data scope's
condition (`in_scope(users, scope)`) in their WHERE, so a scoped caller counts only the users
they see.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, Table, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.sqlalchemy.audit import login_logs
from adapters.sqlalchemy.base import live
from adapters.sqlalchemy.jobs import job_logs
from adapters.sqlalchemy.org import depts
from adapters.sqlalchemy.rbac import roles, user_role, users
from adapters.sqlalchemy.scope import in_scope
from core.monitor.overview import FAILED, SUCCESS, GroupTally, OverviewRepository, Tally
from core.shared.scope import RowScope

# Ids per statement when the session count asks which users a scope admits (bind-parameter
# limits: asyncpg takes at most 32,767 per statement).
IDS_PER_STATEMENT = 1000


def _per_bucket(table: Table, time_column: str, bounds: Sequence[datetime]) -> Select[Any]:
    """Live rows per (day bucket, status) in one statement: the bucket is a CASE over the days'
    edges, chosen in a derived table so that every database groups by the same expression
    (PostgreSQL would not take the CASE's bound edges in GROUP BY for those in SELECT); the
    range condition keeps the scan on the time column's index."""
    column, status = table.c[time_column], table.c.status
    bucket = case(
        *((column < edge, index) for index, edge in enumerate(bounds[1:])), else_=None
    ).label("bucket")
    where: list[ColumnElement[bool]] = [
        column >= bounds[0],
        column < bounds[-1],
        status.in_((SUCCESS, FAILED)),
        live(table),
    ]
    rows = select(bucket, status.label("status")).where(*where).subquery("rows")
    return select(rows.c.bucket, rows.c.status, func.count()).group_by(rows.c.bucket, rows.c.status)


class SqlAlchemyOverviewRepository(OverviewRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def _tallies(self, query: Select[Any]) -> list[Tally]:
        result = await self._s.execute(query)
        return [Tally(int(b), str(s), int(n)) for b, s, n in result.all() if b is not None]

    async def logins_per_day(self, bounds: Sequence[datetime]) -> list[Tally]:
        return await self._tallies(_per_bucket(login_logs, "created_time", bounds))

    async def job_runs_per_day(self, bounds: Sequence[datetime]) -> list[Tally]:
        return await self._tallies(_per_bucket(job_logs, "start_time", bounds))

    async def users_per_role(self, scope: RowScope) -> list[GroupTally]:
        r, ur, u = roles.c, user_role.c, users.c
        query = (
            select(r.id, r.name, func.count(u.id))
            .select_from(roles)
            .join(user_role, ur.role_id == r.id)
            .join(users, u.id == ur.user_id)
            .where(live(roles), live(user_role), live(users), *in_scope(users, scope))
            .group_by(r.id, r.name)
        )
        result = await self._s.execute(query)
        return [GroupTally(int(i), str(name), int(n)) for i, name, n in result.all()]

    async def users_per_dept(self, scope: RowScope) -> list[GroupTally]:
        u, d = users.c, depts.c
        query = (
            select(u.dept_id, d.name, func.count(u.id))
            .select_from(users)
            .outerjoin(depts, (d.id == u.dept_id) & live(depts))
            .where(live(users), *in_scope(users, scope))
            .group_by(u.dept_id, d.name)
        )
        result = await self._s.execute(query)
        return [
            GroupTally(None if i is None else int(i), name or "", int(n))
            for i, name, n in result.all()
        ]

    async def users_in_scope(self, user_ids: Iterable[int], scope: RowScope) -> set[int]:
        wanted = sorted(set(user_ids))
        found: set[int] = set()
        for start in range(0, len(wanted), IDS_PER_STATEMENT):
            chunk = wanted[start : start + IDS_PER_STATEMENT]
            query = select(users.c.id).where(
                users.c.id.in_(chunk), live(users), *in_scope(users, scope)
            )
            found.update(int(i) for i in await self._s.scalars(query))
        return found


# What the unit of work opens for this module (attribute -> repository); no tables, no mapping.
REPOSITORIES = {"overview": SqlAlchemyOverviewRepository}
