"""Tables and SQLAlchemy repositories of the jobs module, and the housekeeping its scripts run."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    ColumnElement,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    delete,
    or_,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.sqlalchemy.audit import login_logs, oper_logs
from adapters.sqlalchemy.base import contains, in_range, live, locked, paginate
from adapters.sqlalchemy.tables import audit_columns, metadata
from adapters.sqlalchemy.types import JsonText, UtcDateTime
from core.jobs.model import Job, JobLog, JobStatus, RunStatus
from core.jobs.ports import (
    Housekeeping,
    JobFilter,
    JobLogFilter,
    JobLogRepository,
    JobRepository,
)
from core.shared.pagination import Page, PageRequest

# --- tables ---
jobs = Table(
    "t_jobs",
    metadata,
    *audit_columns(),
    Column("name", String(64), nullable=False),
    Column("script", String(64), nullable=False),
    Column("args", JsonText(), nullable=False),
    Column("kwargs", JsonText(), nullable=False),
    Column("cron", String(120), nullable=False),
    Column("misfire_policy", String(16), nullable=False, server_default="run_once"),
    Column("concurrent", Boolean, nullable=False, server_default="0"),
    Column("status", String(16), nullable=False, server_default="paused"),
    Column("notify", String(16), nullable=False, server_default="none"),
    # Users to notify (ids); the notice goes to each one's stored e-mail address.
    Column("notify_user_ids", JsonText(), nullable=False),
    Column("remark", String(500), nullable=False, server_default=""),
    # The first fire not yet handed to a run; NULL while paused.
    Column("next_fire_time", UtcDateTime(), nullable=True),
    UniqueConstraint("name", "is_deleted"),
)

job_logs = Table(
    "t_job_logs",
    metadata,
    *audit_columns(),
    Column("job_id", BigInteger, ForeignKey("t_jobs.id"), nullable=False),
    Column("job_name", String(64), nullable=False),
    Column("script", String(64), nullable=False),
    Column("trigger", String(16), nullable=False),
    Column("scheduled_time", UtcDateTime(), nullable=True),
    Column("start_time", UtcDateTime(), nullable=False, index=True),
    Column("end_time", UtcDateTime(), nullable=True),
    Column("duration_ms", Integer, nullable=True),
    Column("status", String(16), nullable=False),
    Column("output", Text, nullable=False),
    Column("error", Text, nullable=False),
    Column("instance", String(128), nullable=False, server_default=""),
    # The claim on a fire: one log per (job, scheduled fire time); manual runs have NULL.
    UniqueConstraint("job_id", "scheduled_time", "is_deleted"),
)


class SqlAlchemyJobRepository(JobRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def add(self, job: Job) -> None:
        self._s.add(job)
        await self._s.flush()

    async def get(self, job_id: int) -> Job | None:
        return await self._s.scalar(select(Job).where(jobs.c.id == job_id, live(jobs)))

    async def get_by_name(self, name: str) -> Job | None:
        return await self._s.scalar(select(Job).where(jobs.c.name == name, live(jobs)))

    async def all_live(self) -> list[Job]:
        return list(await self._s.scalars(select(Job).where(live(jobs)).order_by(jobs.c.id)))

    async def search(self, flt: JobFilter, page: PageRequest) -> Page[Job]:
        c = jobs.c
        where = [*contains(c.name, flt.name), *in_range(c.created_time, flt.created)]
        if flt.script:
            where.append(c.script == flt.script)
        if flt.status:
            where.append(c.status == flt.status)
        sortable = {
            "id": c.id,
            "name": c.name,
            "created_time": c.created_time,
            "next_fire_time": c.next_fire_time,
        }
        return await paginate(self._s, Job, jobs, where, page, sortable)

    async def advance(
        self, job_id: int, version: datetime | None, next_fire_time: datetime
    ) -> bool:
        c = jobs.c
        same_version = c.modified_time.is_(None) if version is None else c.modified_time == version
        result = await self._s.execute(
            update(jobs)
            .where(
                c.id == job_id,
                live(jobs),
                c.status == JobStatus.RUNNING.value,
                same_version,
                or_(c.next_fire_time.is_(None), c.next_fire_time < next_fire_time),
            )
            .values(next_fire_time=next_fire_time)
        )
        return bool(getattr(result, "rowcount", 0))


class SqlAlchemyJobLogRepository(JobLogRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def add(self, log: JobLog) -> None:
        # Flushed at once: a second claim on the same fire fails here, as Conflict.
        self._s.add(log)
        await self._s.flush()

    async def get(self, log_id: int, *, lock: bool = False) -> JobLog | None:
        query = select(JobLog).where(job_logs.c.id == log_id, live(job_logs))
        return await self._s.scalar(locked(query, lock))

    async def unfinished(self) -> list[JobLog]:
        c = job_logs.c
        query = select(JobLog).where(c.status == RunStatus.RUNNING.value, live(job_logs))
        return list(await self._s.scalars(query.order_by(c.id)))

    async def search(self, flt: JobLogFilter, page: PageRequest) -> Page[JobLog]:
        c = job_logs.c
        where = [*contains(c.job_name, flt.job_name), *in_range(c.start_time, flt.started)]
        if flt.job_id is not None:
            where.append(c.job_id == flt.job_id)
        if flt.status:
            where.append(c.status == flt.status)
        if flt.trigger:
            where.append(c.trigger == flt.trigger)
        sortable = {
            "id": c.id,
            "start_time": c.start_time,
            "scheduled_time": c.scheduled_time,
            "duration_ms": c.duration_ms,
        }
        return await paginate(self._s, JobLog, job_logs, where, page, sortable)

    async def purge(self, before: datetime, limit: int) -> int:
        c = job_logs.c
        return await _delete_ids(
            self._s,
            job_logs,
            select(c.id)
            .where(c.start_time < before, c.status != RunStatus.RUNNING.value)
            .order_by(c.id)
            .limit(limit),
        )


class SqlAlchemyHousekeeping(Housekeeping):
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def purge_login_logs(self, before: datetime, limit: int) -> int:
        c = login_logs.c
        query = select(c.id).where(c.created_time < before).order_by(c.id).limit(limit)
        return await _delete_ids(self._s, login_logs, query)

    async def purge_operation_logs(self, before: datetime, limit: int) -> int:
        c = oper_logs.c
        query = select(c.id).where(c.created_time < before).order_by(c.id).limit(limit)
        return await _delete_ids(self._s, oper_logs, query)


async def _delete_ids(session: AsyncSession, table: Table, query: Any) -> int:
    """Deletes the rows whose ids `query` selects (MySQL allows no LIMIT in a DELETE subquery)."""
    ids = list(await session.scalars(query))
    if ids:
        where: ColumnElement[bool] = table.c.id.in_(ids)
        await session.execute(delete(table).where(where))
    return len(ids)


# What the unit of work opens for this module (attribute -> repository), and the mapping.
REPOSITORIES = {
    "jobs": SqlAlchemyJobRepository,
    "job_logs": SqlAlchemyJobLogRepository,
    "housekeeping": SqlAlchemyHousekeeping,
}
MAPPINGS = (
    (Job, jobs),
    (JobLog, job_logs),
)
