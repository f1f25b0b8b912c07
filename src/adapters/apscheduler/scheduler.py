"""APScheduler 3 as the JobScheduler: timing here, every rule in core's JobService and JobRunner.

Everything runs on the app's event loop (`AsyncIOScheduler`). One instance at a time holds the
schedule (a leader lease: Redis, or always granted in the embedded profile). The holder keeps
one APScheduler job per running row, with a trigger that asks core's cron for fire times, and
re-reads the table every tick (an async job on the same scheduler) so that edits made through
any instance land within a tick. Due fires are queued, in fire order, to one dispatcher task
that awaits `JobRunner.dispatch` for each in turn: it claims them in the database (one log row
per fire, unique) and moves the row's `next_fire_time` before the next fire is looked at. The
claimed work then runs as tasks of the loop. Instances that do not hold the schedule only run
what `submit` gives them (runs asked for by hand).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from apscheduler.executors.asyncio import AsyncIOExecutor
from apscheduler.executors.base import BaseExecutor
from apscheduler.jobstores.base import JobLookupError
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.interval import IntervalTrigger
from loguru import logger

from core.jobs.cron import CronExpr
from core.jobs.model import Job
from core.jobs.ports import JobScheduler, LeaderLease
from core.jobs.runner import JobRunner
from core.jobs.service import JobService
from core.shared.errors import ServiceUnavailable

_MISSING = object()
_EXECUTOR = "dispatch"
# The jobs' rows live in a store of their own, so stepping down empties it and leaves the tick.
_SCHEDULE = "schedule"
_TICK = "tick"

Task = Callable[[], Awaitable[None]]


class CoreCronTrigger(BaseTrigger):  # type: ignore[misc]
    """Fire times from core's cron, so the preview and the schedule can never disagree."""

    def __init__(self, expr: CronExpr, tz: tzinfo) -> None:
        self.expr = expr
        self.tz = tz

    def get_next_fire_time(
        self, previous_fire_time: datetime | None, now: datetime
    ) -> datetime | None:
        if previous_fire_time is not None:
            return self.expr.next_after(previous_fire_time, self.tz)
        return self.expr.next_after(now - timedelta(microseconds=1), self.tz)

    def __str__(self) -> str:
        return f"cron[{self.expr.text}]"


class _DispatchExecutor(BaseExecutor):  # type: ignore[misc]
    """Queues due fires for the dispatcher task, in fire order (see the module docstring)."""

    def __init__(self, on_due: Callable[[int, list[datetime]], None]) -> None:
        super().__init__()
        self._on_due = on_due

    def submit_job(self, job: Any, run_times: list[datetime]) -> None:
        # APScheduler's own instance counting is bypassed: overlap is core's rule (RunLock).
        self._on_due(int(job.args[0]), list(run_times))

    def _do_submit_job(self, job: Any, run_times: list[datetime]) -> None:
        self.submit_job(job, run_times)


def _fire(job_id: int) -> None:
    """Never called: the dispatch executor sends fires to the runner instead."""


class ApschedulerJobScheduler(JobScheduler):
    def __init__(
        self,
        lease: LeaderLease,
        *,
        timezone: tzinfo,
        tick_seconds: float = 2.0,
        recovery_seconds: float = 15.0,
    ) -> None:
        self._lease = lease
        self._tz = timezone
        self._tick = tick_seconds
        # How often the leader looks for runs a stopped instance left unfinished (a lease
        # period: an instance silent that long has stopped, and so has its run lock).
        self._recovery_seconds = recovery_seconds
        self._next_recovery = 0.0
        self._versions: dict[int, datetime | None] = {}
        self._leader = False
        self._aps: AsyncIOScheduler | None = None
        # Made in `start`, on the loop they serve: one step at a time (a tick, the first
        # step, `stop`), and the fires waiting for the dispatcher task.
        self._stepping: asyncio.Lock | None = None
        self._due: asyncio.Queue[tuple[int, list[datetime]]] | None = None
        self._dispatcher: asyncio.Task[None] | None = None
        # Strong references: the loop keeps only weak ones, and a task nobody holds may vanish.
        self._tasks: set[asyncio.Task[None]] = set()
        self._service: JobService | None = None
        self._runner: JobRunner | None = None

    # --- the port --------------------------------------------------------------------------

    def schedule(self, job: Job) -> None:
        assert job.id is not None
        if not self._leader or self._aps is None:
            return
        expr = job.expr()
        first = job.next_fire_time or expr.next_after(datetime.now(UTC), self._tz)
        if first is None:
            return
        self._aps.add_job(
            _fire,
            trigger=CoreCronTrigger(expr, self._tz),
            args=(job.id,),
            id=str(job.id),
            name=job.name,
            jobstore=_SCHEDULE,
            executor=_EXECUTOR,
            next_run_time=first,
            replace_existing=True,  # never scheduled twice
            misfire_grace_time=None,  # lateness is judged by core (plan_fires)
            coalesce=False,
            max_instances=1,
        )
        self._versions[job.id] = job.version

    def unschedule(self, job_id: int) -> None:
        if self._versions.pop(job_id, _MISSING) is _MISSING or self._aps is None:
            return
        with contextlib.suppress(JobLookupError):
            self._aps.remove_job(str(job_id), jobstore=_SCHEDULE)

    def scheduled(self) -> Mapping[int, datetime | None]:
        return dict(self._versions)

    def submit(self, task: Task) -> None:
        self._spawn(_logged(task))

    # --- what tests and operators may look at ----------------------------------------------

    @property
    def is_leader(self) -> bool:
        return self._leader

    def aps_job_ids(self) -> list[str]:
        return [j.id for j in self._aps.get_jobs(jobstore=_SCHEDULE)] if self._aps else []

    def next_fires(self, limit: int = 10) -> list[tuple[int, datetime]]:
        """The soonest fires this instance holds, (job id, instant); none unless leader."""
        if not self._leader or self._aps is None:
            return []
        fires = [
            (int(j.id), j.next_run_time)
            for j in self._aps.get_jobs(jobstore=_SCHEDULE)
            if j.next_run_time is not None
        ]
        return sorted(fires, key=lambda f: f[1])[:limit]

    # --- lifecycle -------------------------------------------------------------------------

    async def start(self, service: JobService, runner: JobRunner) -> None:
        """Starts competing for the schedule; a lone instance holds it before this returns."""
        self._service, self._runner = service, runner
        self._stepping, self._due = asyncio.Lock(), asyncio.Queue()
        self._aps = AsyncIOScheduler(
            timezone=UTC,
            jobstores={"default": MemoryJobStore(), _SCHEDULE: MemoryJobStore()},
            executors={"default": AsyncIOExecutor(), _EXECUTOR: _DispatchExecutor(self._on_due)},
        )
        self._aps.start()
        self._dispatcher = asyncio.create_task(self._dispatch_loop(self._due), name="job-dispatch")
        await self._step()
        self._aps.add_job(
            self._step,
            trigger=IntervalTrigger(seconds=self._tick, timezone=UTC),
            id=_TICK,
            name="job scheduler tick",
            misfire_grace_time=None,
            coalesce=True,
            max_instances=1,
        )

    async def stop(self) -> None:
        """Hands the schedule over at once; runs under way finish and write their logs first."""
        aps, self._aps = self._aps, None  # a tick already under way finds it gone and returns
        if aps is not None and self._stepping is not None and self._due is not None:
            with contextlib.suppress(JobLookupError):
                aps.remove_job(_TICK)
            async with self._stepping:
                was_leader = self._leader
                self._leader = False
                self._versions.clear()
                aps.remove_all_jobs(jobstore=_SCHEDULE)
            # The fires already handed over are dispatched: their claims and next_fire_time
            # are written, so whoever takes over continues exactly where this one stopped.
            await self._due.join()
            if self._dispatcher is not None:
                self._dispatcher.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self._dispatcher
                self._dispatcher = None
            if was_leader:
                await self._lease.release()
                logger.info("job scheduler: schedule released")
            aps.shutdown(wait=False)
            await asyncio.sleep(0)  # AsyncIOScheduler shuts down in a callback of the loop
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _step(self) -> None:
        """Leader: extend the lease and follow the table. Others: try to take the lease."""
        assert self._stepping is not None
        async with self._stepping:
            if self._aps is None:
                return
            try:
                await self._take_a_step()
            except ServiceUnavailable as exc:
                logger.warning("job scheduler: {} ({}); retrying next tick", exc.detail, exc.code)
            except Exception as exc:  # noqa: BLE001 - the tick must outlive a database or Redis outage
                logger.opt(exception=exc).error("job scheduler: step failed; retrying next tick")

    async def _take_a_step(self) -> None:
        assert self._service is not None
        await self._service.heartbeat()
        if self._leader:
            if not await self._lease.renew():
                logger.warning("job scheduler: lease lost, another instance takes over")
                self._step_down()
                return
            await self._service.sync()
            if time.monotonic() >= self._next_recovery:
                await self._recover()
        elif await self._lease.acquire():
            self._leader = True
            started = time.monotonic()
            try:
                await self._service.reconcile()
            except Exception:
                self._step_down()
                await self._lease.release()
                raise
            logger.info(
                "job scheduler: holding the schedule ({} jobs, reconciled in {:.0f} ms)",
                len(self._versions),
                (time.monotonic() - started) * 1000,
            )
            await self._recover()

    async def _recover(self) -> None:
        """Runs a stopped instance left unfinished: at take-over, then now and then."""
        assert self._service is not None
        self._next_recovery = time.monotonic() + self._recovery_seconds
        await self._service.recover_abandoned()

    def _step_down(self) -> None:
        self._leader = False
        self._versions.clear()
        if self._aps is not None:
            self._aps.remove_all_jobs(jobstore=_SCHEDULE)

    def _on_due(self, job_id: int, run_times: list[datetime]) -> None:
        assert self._due is not None
        self._due.put_nowait((job_id, run_times))

    async def _dispatch_loop(self, due: asyncio.Queue[tuple[int, list[datetime]]]) -> None:
        """Dispatches the queued fires one at a time, in the order they came due."""
        assert self._runner is not None
        while True:
            job_id, run_times = await due.get()
            try:
                work = await self._runner.dispatch(job_id, run_times)
            except Exception as exc:  # noqa: BLE001 - one job's trouble must not stop the others
                logger.opt(exception=exc).error("job {}: dispatch failed", job_id)
                work = None
            finally:
                due.task_done()
            if work is not None:
                self.submit(work)

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)


async def _logged(task: Task) -> None:
    try:
        await task()
    except Exception as exc:  # noqa: BLE001 - a background task has nobody to raise to
        logger.opt(exception=exc).error("background job work failed")
