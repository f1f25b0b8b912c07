"""SQLAlchemy repositories of the jobs module, and the housekeeping its scripts run."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Table, delete, or_, select, update
from sqlalchemy.orm import Session

from adapters.sqlalchemy import tables as t
from adapters.sqlalchemy.base import contains, in_range, live, locked, paginate
from core.jobs.model import Job, JobLog, JobStatus, RunStatus
from core.jobs.ports import (
    Housekeeping,
    JobFilter,
    JobLogFilter,
    JobLogRepository,
    JobRepository,
)
from core.regcode.model import RegCodeState
from core.shared.pagination import Page, PageRequest


class SqlAlchemyJobRepository(JobRepository):
    def __init__(self, session: Session) -> None:
        self._s = session

    def add(self, job: Job) -> None:
        self._s.add(job)
        self._s.flush()

    def get(self, job_id: int) -> Job | None:
        return self._s.scalar(select(Job).where(t.jobs.c.id == job_id, live(t.jobs)))

    def get_by_name(self, name: str) -> Job | None:
        return self._s.scalar(select(Job).where(t.jobs.c.name == name, live(t.jobs)))

    def all_live(self) -> list[Job]:
        return list(self._s.scalars(select(Job).where(live(t.jobs)).order_by(t.jobs.c.id)))

    def search(self, flt: JobFilter, page: PageRequest) -> Page[Job]:
        c = t.jobs.c
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
        return paginate(self._s, Job, t.jobs, where, page, sortable)

    def advance(self, job_id: int, version: datetime | None, next_fire_time: datetime) -> bool:
        c = t.jobs.c
        same_version = c.modified_time.is_(None) if version is None else c.modified_time == version
        result = self._s.execute(
            update(t.jobs)
            .where(
                c.id == job_id,
                live(t.jobs),
                c.status == JobStatus.RUNNING.value,
                same_version,
                or_(c.next_fire_time.is_(None), c.next_fire_time < next_fire_time),
            )
            .values(next_fire_time=next_fire_time)
        )
        return bool(getattr(result, "rowcount", 0))


class SqlAlchemyJobLogRepository(JobLogRepository):
    def __init__(self, session: Session) -> None:
        self._s = session

    def add(self, log: JobLog) -> None:
        # Flushed at once: a second claim on the same fire fails here, as Conflict.
        self._s.add(log)
        self._s.flush()

    def get(self, log_id: int, *, lock: bool = False) -> JobLog | None:
        query = select(JobLog).where(t.job_logs.c.id == log_id, live(t.job_logs))
        return self._s.scalar(locked(query, lock))

    def unfinished(self) -> list[JobLog]:
        c = t.job_logs.c
        query = select(JobLog).where(c.status == RunStatus.RUNNING.value, live(t.job_logs))
        return list(self._s.scalars(query.order_by(c.id)))

    def search(self, flt: JobLogFilter, page: PageRequest) -> Page[JobLog]:
        c = t.job_logs.c
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
        return paginate(self._s, JobLog, t.job_logs, where, page, sortable)

    def purge(self, before: datetime, limit: int) -> int:
        c = t.job_logs.c
        return _delete_ids(
            self._s,
            t.job_logs,
            select(c.id)
            .where(c.start_time < before, c.status != RunStatus.RUNNING.value)
            .order_by(c.id)
            .limit(limit),
        )


class SqlAlchemyHousekeeping(Housekeeping):
    def __init__(self, session: Session) -> None:
        self._s = session

    def purge_login_logs(self, before: datetime, limit: int) -> int:
        c = t.login_logs.c
        query = select(c.id).where(c.created_time < before).order_by(c.id).limit(limit)
        return _delete_ids(self._s, t.login_logs, query)

    def purge_operation_logs(self, before: datetime, limit: int) -> int:
        c = t.oper_logs.c
        query = select(c.id).where(c.created_time < before).order_by(c.id).limit(limit)
        return _delete_ids(self._s, t.oper_logs, query)

    def expire_reg_codes(self, now: datetime, limit: int) -> int:
        # RegCode.state_at in SQL: activated, and the deadline reached.
        c = t.reg_codes.c
        ids = list(
            self._s.scalars(
                select(c.id)
                .where(
                    live(t.reg_codes),
                    c.first_active_time.is_not(None),
                    c.deadline <= now,
                    c.state != int(RegCodeState.EXPIRED),
                )
                .order_by(c.id)
                .limit(limit)
            )
        )
        if ids:
            self._s.execute(
                update(t.reg_codes)
                .where(c.id.in_(ids))
                .values(state=int(RegCodeState.EXPIRED), modified_time=now)
            )
        return len(ids)


def _delete_ids(session: Session, table: Table, query: Any) -> int:
    """Deletes the rows whose ids `query` selects (MySQL allows no LIMIT in a DELETE subquery)."""
    ids = list(session.scalars(query))
    if ids:
        where: ColumnElement[bool] = table.c.id.in_(ids)
        session.execute(delete(table).where(where))
    return len(ids)
