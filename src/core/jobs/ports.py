"""Ports of the jobs module."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from core.jobs.model import Job, JobLog
from core.rbac.ports import UserRepository
from core.shared.pagination import Page, PageRequest, TimeRange
from core.shared.uow import UnitOfWork


@dataclass(frozen=True, kw_only=True)
class JobFilter:
    name: str | None = None
    script: str | None = None
    status: str | None = None
    created: TimeRange = TimeRange()


@dataclass(frozen=True, kw_only=True)
class JobLogFilter:
    job_id: int | None = None
    job_name: str | None = None
    status: str | None = None
    trigger: str | None = None
    started: TimeRange = TimeRange()


class JobRepository(Protocol):
    """Live jobs."""

    async def add(self, job: Job) -> None: ...
    async def get(self, job_id: int) -> Job | None: ...
    async def get_by_name(self, name: str) -> Job | None: ...
    async def all_live(self) -> list[Job]: ...
    async def search(self, flt: JobFilter, page: PageRequest) -> Page[Job]: ...
    async def advance(
        self, job_id: int, version: datetime | None, next_fire_time: datetime
    ) -> bool:
        """Moves `next_fire_time` forward, only if the row is still running at `version`."""
        ...


class JobLogRepository(Protocol):
    """Run logs; a second log for the same (job, scheduled time) is refused with Conflict."""

    async def add(self, log: JobLog) -> None: ...
    async def get(self, log_id: int, *, lock: bool = False) -> JobLog | None: ...
    async def search(self, flt: JobLogFilter, page: PageRequest) -> Page[JobLog]: ...
    async def unfinished(self) -> list[JobLog]:
        """Runs still marked running, on any instance."""
        ...

    async def purge(self, before: datetime, limit: int) -> int:
        """Deletes up to `limit` finished logs that started before `before`; how many."""
        ...


class Housekeeping(Protocol):
    """Bulk chores of other modules' tables that maintenance scripts run."""

    async def purge_login_logs(self, before: datetime, limit: int) -> int: ...
    async def purge_operation_logs(self, before: datetime, limit: int) -> int: ...


class JobsUnitOfWork(UnitOfWork, Protocol):
    jobs: JobRepository
    job_logs: JobLogRepository
    users: UserRepository  # the recipients of job notices


class HousekeepingUnitOfWork(UnitOfWork, Protocol):
    job_logs: JobLogRepository
    housekeeping: Housekeeping


class JobScheduler(Protocol):
    """Holds the schedule of running jobs and runs work in the background.

    `schedule` adds a job or replaces its schedule, so a job is never scheduled twice;
    its first fire is `job.next_fire_time`. Each fire reaches `JobRunner.dispatch`.
    With several instances only the one holding the schedule acts on schedule/unschedule;
    the others' calls are no-ops, and the holder picks the change up from the table.
    """

    def schedule(self, job: Job) -> None: ...
    def unschedule(self, job_id: int) -> None: ...
    def scheduled(self) -> Mapping[int, datetime | None]:
        """Scheduled job ids, each with the version of the row it was scheduled from."""
        ...

    def submit(self, task: Callable[[], Awaitable[None]]) -> None:
        """Runs `task` as a task of the event loop, in the background; never blocks the caller."""
        ...


class RunLock(Protocol):
    """Keeps a non-concurrent job from overlapping itself on any instance."""

    async def acquire(self, job_id: int) -> str | None:
        """A token when the job was free (it is now held), None when another run holds it."""
        ...

    async def release(self, job_id: int, token: str) -> None: ...


class LeaderLease(Protocol):
    """One instance at a time holds the schedule; the lease expires if its holder vanishes."""

    async def acquire(self) -> bool: ...
    async def renew(self) -> bool:
        """False when the lease was lost (expired and maybe taken by another instance)."""
        ...

    async def release(self) -> None: ...


class PermissionCheck(Protocol):
    """Whether a user holds a permission label (the admin role holds every one)."""

    async def holds(self, user_id: int, label: str) -> bool: ...


class InstanceRegistry(Protocol):
    """Which app instances are alive: each one beats; one that stays silent has stopped."""

    async def beat(self) -> None: ...
    async def alive(self, instances: Iterable[str]) -> set[str]:
        """Those of `instances` that beat recently (this one always counts as alive)."""
        ...
