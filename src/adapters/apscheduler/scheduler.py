"""APScheduler 3 as the JobScheduler: timing here, every rule in core's JobService and JobRunner.

One instance at a time holds the schedule (a leader lease: Redis, or always granted in the
embedded profile). The holder keeps one APScheduler job per running row, with a trigger that
asks core's cron for fire times, and re-reads the table every tick so that edits made through
any instance land within a tick. Due fires go, in the scheduler's own thread, to
`JobRunner.dispatch`, which claims them in the database (one log row per fire, unique) and
moves the row's `next_fire_time` before the next fire is looked at; the claimed work then runs
in a thread pool. Instances that do not hold the schedule only run what `submit` gives them
(runs asked for by hand).
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from apscheduler.executors.base import BaseExecutor
from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger
from loguru import logger

from core.jobs.cron import CronExpr
from core.jobs.model import Job
from core.jobs.ports import JobScheduler, LeaderLease
from core.jobs.runner import JobRunner
from core.jobs.service import JobService
from core.shared.errors import ServiceUnavailable

_MISSING = object()
_EXECUTOR = "dispatch"


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
    """Hands due fires to the runner synchronously, in fire order (see the module docstring)."""

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
        threads: int = 10,
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
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="job")
        self._lock = threading.RLock()
        self._versions: dict[int, datetime | None] = {}
        self._leader = False
        self._aps: BackgroundScheduler | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._service: JobService | None = None
        self._runner: JobRunner | None = None

    # --- the port --------------------------------------------------------------------------

    def schedule(self, job: Job) -> None:
        assert job.id is not None
        with self._lock:
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
                executor=_EXECUTOR,
                next_run_time=first,
                replace_existing=True,  # never scheduled twice
                misfire_grace_time=None,  # lateness is judged by core (plan_fires)
                coalesce=False,
                max_instances=1,
            )
            self._versions[job.id] = job.version

    def unschedule(self, job_id: int) -> None:
        with self._lock:
            if self._versions.pop(job_id, _MISSING) is _MISSING or self._aps is None:
                return
            with contextlib.suppress(JobLookupError):
                self._aps.remove_job(str(job_id))

    def scheduled(self) -> Mapping[int, datetime | None]:
        with self._lock:
            return dict(self._versions)

    def submit(self, task: Callable[[], None]) -> None:
        self._pool.submit(_logged, task)

    # --- what tests and operators may look at ----------------------------------------------

    @property
    def is_leader(self) -> bool:
        return self._leader

    def aps_job_ids(self) -> list[str]:
        with self._lock:
            return [j.id for j in self._aps.get_jobs()] if self._aps is not None else []

    # --- lifecycle -------------------------------------------------------------------------

    def start(self, service: JobService, runner: JobRunner) -> None:
        """Starts competing for the schedule; a lone instance holds it before this returns."""
        self._service, self._runner = service, runner
        self._aps = BackgroundScheduler(
            timezone=UTC, executors={_EXECUTOR: _DispatchExecutor(self._on_due)}, daemon=True
        )
        self._aps.start()
        self._step()
        self._thread = threading.Thread(target=self._loop, name="job-scheduler", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Hands the schedule over at once; runs under way finish and write their logs first."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
        with self._lock:
            was_leader = self._leader
            # remove_all_jobs waits for a dispatch under way: its claims and next_fire_time
            # are written, so whoever takes over continues exactly where this one stopped.
            self._step_down()
        if was_leader:
            self._lease.release()
            logger.info("job scheduler: schedule released")
        if self._aps is not None:
            self._aps.shutdown(wait=False)
            self._aps = None
        self._pool.shutdown(wait=True)

    def _loop(self) -> None:
        while not self._stopping.wait(self._tick):
            self._step()

    def _step(self) -> None:
        """Leader: extend the lease and follow the table. Others: try to take the lease."""
        assert self._service is not None
        try:
            self._service.heartbeat()
            if self._leader:
                if not self._lease.renew():
                    logger.warning("job scheduler: lease lost, another instance takes over")
                    with self._lock:
                        self._step_down()
                    return
                self._service.sync()
                if time.monotonic() >= self._next_recovery:
                    self._recover()
            elif self._lease.acquire():
                with self._lock:
                    self._leader = True
                started = time.monotonic()
                try:
                    self._service.reconcile()
                except Exception:
                    with self._lock:
                        self._step_down()
                    self._lease.release()
                    raise
                logger.info(
                    "job scheduler: holding the schedule ({} jobs, reconciled in {:.0f} ms)",
                    len(self._versions),
                    (time.monotonic() - started) * 1000,
                )
                self._recover()
        except ServiceUnavailable as exc:
            logger.warning("job scheduler: {} ({}); retrying next tick", exc.detail, exc.code)
        except Exception as exc:  # noqa: BLE001 - the loop must outlive a database or Redis outage
            logger.opt(exception=exc).error("job scheduler: step failed; retrying next tick")

    def _recover(self) -> None:
        """Runs a stopped instance left unfinished: at take-over, then now and then."""
        assert self._service is not None
        self._next_recovery = time.monotonic() + self._recovery_seconds
        self._service.recover_abandoned()

    def _step_down(self) -> None:
        self._leader = False
        self._versions.clear()
        if self._aps is not None:
            self._aps.remove_all_jobs()

    def _on_due(self, job_id: int, run_times: list[datetime]) -> None:
        assert self._runner is not None
        try:
            work = self._runner.dispatch(job_id, run_times)
        except Exception as exc:  # noqa: BLE001 - one job's trouble must not stop the others
            logger.opt(exception=exc).error("job {}: dispatch failed", job_id)
            return
        if work is not None:
            self._pool.submit(_logged, work)


def _logged(task: Callable[[], None]) -> None:
    try:
        task()
    except Exception as exc:  # noqa: BLE001 - a pool thread has nobody to raise to
        logger.opt(exception=exc).error("background job work failed")
