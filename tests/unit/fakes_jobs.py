"""In-memory fakes of the jobs module's ports."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from typing import Any, Self

from core.audit.model import LoginLog, OperationLog
from core.jobs.model import Job, JobLog, JobStatus, RunStatus
from core.jobs.ports import (
    Housekeeping,
    HousekeepingUnitOfWork,
    InstanceRegistry,
    JobLogRepository,
    JobRepository,
    JobScheduler,
    JobsUnitOfWork,
)
from core.shared.errors import Conflict
from core.shared.mail import Mailer, MailMessage
from core.shared.model import Entity
from core.shared.pagination import Page, PageRequest
from tests.unit.fakes import FakeUnitOfWork, FakeUserRepository, Store, _page, _Repo, id_of


class FakeJobRepository(_Repo[Job], JobRepository):
    kind = Job

    async def get_by_name(self, name: str) -> Job | None:
        return self._by("name", name)

    async def all_live(self) -> list[Job]:
        return sorted(self.s.live(Job), key=lambda j: j.id or 0)

    async def search(self, flt: Any, page: PageRequest) -> Page[Job]:
        rows = [j for j in self.s.live(Job) if not flt.status or j.status == flt.status]
        return _page(rows, page)

    async def advance(
        self, job_id: int, version: datetime | None, next_fire_time: datetime
    ) -> bool:
        job = await self.get(job_id)
        if job is None or job.status != JobStatus.RUNNING or job.modified_time != version:
            return False
        if job.next_fire_time is not None and job.next_fire_time >= next_fire_time:
            return False
        job.next_fire_time = next_fire_time
        return True


class FakeJobLogRepository(_Repo[JobLog], JobLogRepository):
    kind = JobLog

    async def add(self, log: JobLog) -> None:
        # The unique key (job_id, scheduled_time) of the real table: the claim on a fire.
        if log.scheduled_time is not None and any(
            x.job_id == log.job_id and x.scheduled_time == log.scheduled_time
            for x in self.s.live(JobLog)
        ):
            raise Conflict("the row conflicts with an existing one", "conflict")
        self.s.add(log)

    async def search(self, flt: Any, page: PageRequest) -> Page[JobLog]:
        rows = [x for x in self.s.live(JobLog) if flt.job_id is None or x.job_id == flt.job_id]
        return _page(rows, page)

    async def unfinished(self) -> list[JobLog]:
        return [x for x in self.s.live(JobLog) if x.status == "running"]

    async def purge(self, before: datetime, limit: int) -> int:
        doomed = [
            x
            for x in self.s.live(JobLog)
            if x.start_time < before and x.status != RunStatus.RUNNING
        ][:limit]
        for x in doomed:
            del self.s.table(JobLog)[id_of(x)]
        return len(doomed)


class FakeHousekeeping(Housekeeping):
    def __init__(self, store: Store) -> None:
        self.s = store

    def _purge(self, kind: type[Entity], before: datetime, limit: int) -> int:
        rows = self.s.live(kind)
        doomed = [x for x in rows if x.created_time is not None and x.created_time < before][:limit]
        for x in doomed:
            del self.s.table(kind)[id_of(x)]
        return len(doomed)

    async def purge_login_logs(self, before: datetime, limit: int) -> int:
        return self._purge(LoginLog, before, limit)

    async def purge_operation_logs(self, before: datetime, limit: int) -> int:
        return self._purge(OperationLog, before, limit)


class FakeJobsUnitOfWork(FakeUnitOfWork, JobsUnitOfWork, HousekeepingUnitOfWork):
    users: FakeUserRepository
    jobs: FakeJobRepository
    job_logs: FakeJobLogRepository
    housekeeping: FakeHousekeeping

    async def __aenter__(self) -> Self:
        await super().__aenter__()
        self.jobs = FakeJobRepository(self.store)
        self.job_logs = FakeJobLogRepository(self.store)
        self.housekeeping = FakeHousekeeping(self.store)
        return self


class FakeJobScheduler(JobScheduler):
    """Records the schedule; background work waits in `pending` until the test runs it."""

    def __init__(self) -> None:
        self.jobs: dict[int, Job] = {}
        self.versions: dict[int, datetime | None] = {}
        self.pending: list[Callable[[], Awaitable[None]]] = []

    def schedule(self, job: Job) -> None:
        assert job.id is not None
        self.jobs[job.id] = job
        self.versions[job.id] = job.version

    def unschedule(self, job_id: int) -> None:
        self.jobs.pop(job_id, None)
        self.versions.pop(job_id, None)

    def scheduled(self) -> Mapping[int, datetime | None]:
        return dict(self.versions)

    def submit(self, task: Callable[[], Awaitable[None]]) -> None:
        self.pending.append(task)

    async def run_pending(self) -> None:
        while self.pending:
            await self.pending.pop(0)()


class FakeMailer(Mailer):
    def __init__(self) -> None:
        self.sent: list[MailMessage] = []
        self.fail_with: Exception | None = None

    async def send(self, message: MailMessage) -> None:
        if self.fail_with is not None:
            raise self.fail_with
        self.sent.append(message)


class FakeInstanceRegistry(InstanceRegistry):
    """Instances are alive while listed in `alive_ones`."""

    def __init__(self, me: str) -> None:
        self.me = me
        self.alive_ones = {me}

    async def beat(self) -> None:
        self.alive_ones.add(self.me)

    async def alive(self, instances: Any) -> set[str]:
        return set(instances) & self.alive_ones
