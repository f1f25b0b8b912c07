"""JobRunner: turns fires into claimed runs, runs them, and writes what happened."""

from __future__ import annotations

import asyncio
import logging
import time
import traceback
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from functools import partial

from core.jobs.cron import CronExpr
from core.jobs.model import (
    MAX_CATCH_UP,
    Fire,
    Job,
    JobLog,
    RunStatus,
    Trigger,
    clip,
    plan_fires,
)
from core.jobs.ports import JobsUnitOfWork, RunLock
from core.jobs.registry import JobContext, ScriptRegistry
from core.shared.cache import RateCounter
from core.shared.clock import Clock
from core.shared.errors import Conflict, DomainError
from core.shared.mail import Mailer, MailMessage

log = logging.getLogger(__name__)

Work = Callable[[], Awaitable[None]]
NOTICE_KEY = "job_notice:{}"
NOTICE_WINDOW_SECONDS = 3600


@dataclass(frozen=True, kw_only=True)
class RunnerConfig:
    timezone: tzinfo
    misfire_grace: timedelta
    instance: str  # names this process in the logs it writes
    notices_per_hour: int = 10  # mails one job may send in an hour; the rest are logged


class JobRunner:
    """Runs fires exactly once: the log row is the claim, and only its inserter runs the fire."""

    def __init__(
        self,
        uow: Callable[[], JobsUnitOfWork],
        registry: ScriptRegistry,
        run_lock: RunLock,
        mailer: Mailer,
        clock: Clock,
        config: RunnerConfig,
        counter: RateCounter | None = None,
    ) -> None:
        self._uow = uow
        self._counter = counter
        self._notices_per_hour = config.notices_per_hour
        self._registry = registry
        self._lock = run_lock
        self._mailer = mailer
        self._clock = clock
        self._tz = config.timezone
        self._grace = config.misfire_grace
        self.instance = config.instance

    # --- scheduled fires -------------------------------------------------------------------

    async def dispatch(self, job_id: int, run_times: list[datetime]) -> Work | None:
        """The scheduler says these fire times of a job are due: claim the ones the policy runs.

        Awaited by the scheduler one dispatch at a time, in fire order, so the claims and the
        moved `next_fire_time` are durable before the next fire is looked at; returns the work
        that runs the claimed fires (in order, one after the other), or None.
        """
        async with self._uow() as uow:
            job = await uow.jobs.get(job_id)
        if job is None or not job.running or not run_times:
            return None
        try:
            expr = job.expr()
        except DomainError:
            return None
        # Fires of a schedule the job no longer has (its cron was just edited) do not run.
        due = [t for t in run_times if expr.matches(t, self._tz)]
        fires = plan_fires(job.misfire_policy, due, self._clock.now(), self._grace)
        claimed = await self._claim(job, fires)
        following = expr.next_after(max(run_times), self._tz)
        if following is not None:
            await self._advance(job, following)
        return partial(self.execute_all, claimed) if claimed else None

    async def catch_up(self, job: Job, now: datetime) -> Work | None:
        """On taking the schedule over: the fires since `next_fire_time` follow `plan_fires`.

        Fires a hand-over delayed by less than the grace run as scheduled fires; older ones
        are misfires. Afterwards `job.next_fire_time` is the first fire after `now`.
        """
        expr = job.expr()
        claimed: list[int] = []
        if job.next_fire_time is not None and job.next_fire_time <= now:
            want = MAX_CATCH_UP + int(self._grace.total_seconds()) + 1
            due = recent_fires(expr, job.next_fire_time, now, self._tz, want)
            claimed = await self._claim(job, plan_fires(job.misfire_policy, due, now, self._grace))
        following = expr.next_after(now, self._tz)
        stale = job.next_fire_time is None or job.next_fire_time <= now
        if following is not None and stale and await self._advance(job, following):
            job.next_fire_time = following
        return partial(self.execute_all, claimed) if claimed else None

    async def _claim(self, job: Job, fires: list[Fire]) -> list[int]:
        """Inserts one log per fire; a fire another instance claimed first is left to it."""
        claimed: list[int] = []
        for fire in fires:
            entry = JobLog.claim(job, fire.trigger, fire.time, self._clock.now(), self.instance)
            try:
                async with self._uow() as uow:
                    await uow.job_logs.add(entry)
                    await uow.commit()
            except Conflict:
                continue
            assert entry.id is not None
            claimed.append(entry.id)
        return claimed

    async def _advance(self, job: Job, following: datetime) -> bool:
        assert job.id is not None
        async with self._uow() as uow:
            moved = await uow.jobs.advance(job.id, job.version, following)
            await uow.commit()
        return moved

    # --- running ---------------------------------------------------------------------------

    async def _acquire(self, job_id: int, wait_seconds: float) -> str | None:
        deadline = time.monotonic() + wait_seconds
        while True:
            token = await self._lock.acquire(job_id)
            if token is not None or time.monotonic() >= deadline:
                return token
            await asyncio.sleep(0.1)

    def manual(self, job: Job) -> JobLog:
        """The log of a run asked for by hand: it has no scheduled time, so it never conflicts."""
        return JobLog.claim(job, Trigger.MANUAL, None, self._clock.now(), self.instance)

    async def execute_all(self, log_ids: list[int]) -> None:
        for log_id in log_ids:
            await self.execute(log_id)

    async def execute(self, log_id: int, *, wait_for_lock: bool = False) -> None:
        """Runs one claimed fire and writes its outcome; a failure is recorded, never raised.

        A non-concurrent job whose lock is held is skipped, unless `wait_for_lock`: then the
        run waits for the lock, up to the misfire grace period.
        """
        async with self._uow() as uow:
            entry = await uow.job_logs.get(log_id)
            job = await uow.jobs.get(entry.job_id) if entry is not None else None
        if entry is None or entry.finished:
            return
        if job is None:
            await self._finish(log_id, RunStatus.FAILED, error="the job was deleted before it ran")
            return
        assert job.id is not None
        token: str | None = None
        if not job.concurrent:
            try:
                token = await self._acquire(
                    job.id, self._grace.total_seconds() if wait_for_lock else 0
                )
            except DomainError as exc:
                await self._finish(log_id, RunStatus.FAILED, error=f"no run lock: {exc.detail}")
                return
            if token is None:
                await self._finish(
                    log_id,
                    RunStatus.SKIPPED,
                    output="skipped: the previous run of this job was still going",
                )
                return
        started = self._clock.now()
        try:
            status, output, error = await self._run(job, entry)
            finished = await self._finish(log_id, status, output, error, started)
        finally:
            if token is not None:
                await self._lock.release(job.id, token)
        if finished is not None and job.wants_notice(status):
            await self._notify(job, finished)

    async def _run(self, job: Job, entry: JobLog) -> tuple[RunStatus, str, str]:
        assert job.id is not None and entry.id is not None
        ctx = JobContext(
            job_id=job.id,
            job_name=job.name,
            log_id=entry.id,
            trigger=entry.trigger,
            scheduled_time=entry.scheduled_time,
        )
        try:
            script = self._registry.get(job.script)
            result = await script.call(ctx, list(job.args), dict(job.kwargs))
        except (Exception, SystemExit) as exc:  # noqa: BLE001 - a job's failure is its log's content
            return RunStatus.FAILED, ctx.output, "".join(traceback.format_exception(exc))
        output = ctx.output
        if result is not None:
            output = f"{output}\n{result}" if output else str(result)
        return RunStatus.SUCCESS, output, ""

    async def _finish(
        self,
        log_id: int,
        status: RunStatus,
        output: str = "",
        error: str = "",
        started: datetime | None = None,
    ) -> JobLog | None:
        async with self._uow() as uow:
            entry = await uow.job_logs.get(log_id)
            if entry is None or entry.finished:
                return None
            if started is not None:
                entry.begin(started, self.instance)
            entry.finish(status, self._clock.now(), output, error)
            await uow.commit()
        return entry

    async def _notify(self, job: Job, entry: JobLog) -> None:
        """Mails the job's users at their stored addresses, at most `notices_per_hour` a job.

        A notice not sent (no address, over the limit, mail down) is noted in the run's
        output; it never changes the run's status.
        """
        assert job.id is not None
        async with self._uow() as uow:
            users = [await uow.users.get(i) for i in dict.fromkeys(job.notify_user_ids)]
        to = tuple(dict.fromkeys(u.email for u in users if u is not None and u.active and u.email))
        if not to:
            await self._note(entry, "no recipient has an e-mail address")
            return
        if self._counter is not None:
            try:
                sent = await self._counter.hit(NOTICE_KEY.format(job.id), NOTICE_WINDOW_SECONDS)
            except DomainError as exc:  # the counter is down: fail closed, as decision 7
                await self._note(entry, f"rate counter unavailable ({exc.code})")
                return
            if sent > self._notices_per_hour:
                log.warning("job %s: notice not sent, over %s an hour", job.id, sent - 1)
                await self._note(entry, f"rate_limited, at most {self._notices_per_hour} an hour")
                return
        message = MailMessage(
            to=to,
            subject=f"[{entry.status}] job {job.name}",
            text=_notice_text(job, entry),
        )
        try:
            await self._mailer.send(message)
        except Exception as exc:  # noqa: BLE001 - a lost notice must not turn a run into a failure
            code = getattr(exc, "code", type(exc).__name__)
            log.warning("job %s: notification not sent (%s)", job.id, code)
            await self._note(entry, str(code))

    async def _note(self, entry: JobLog, why: str) -> None:
        async with self._uow() as uow:
            row = await uow.job_logs.get(entry.id) if entry.id is not None else None
            if row is not None:
                row.output = clip(f"{row.output}\n[notification not sent: {why}]".lstrip())
                await uow.commit()


def recent_fires(
    expr: CronExpr, since: datetime, now: datetime, tz: tzinfo, want: int
) -> list[datetime]:
    """Fire times in [since, now], the latest `want` of them at least when there are that many.

    Looks back from `now` in growing windows, so a long outage of a frequent job costs a
    few thousand steps, not one per missed second.
    """
    window = timedelta(hours=1)
    while True:
        start = max(since, now - window)
        fires = expr.fires_between(start, now, tz, want)
        if start == since or len(fires) >= want:
            return fires
        window *= 4


def _notice_text(job: Job, entry: JobLog) -> str:
    lines = [
        f"Job: {job.name} (#{job.id})",
        f"Script: {job.script}",
        f"Status: {entry.status}",
        f"Trigger: {entry.trigger}",
        f"Scheduled: {entry.scheduled_time.isoformat() if entry.scheduled_time else '-'}",
        f"Started: {entry.start_time.isoformat()}",
        f"Ended: {entry.end_time.isoformat() if entry.end_time else '-'}",
        f"Duration: {entry.duration_ms} ms",
        f"Instance: {entry.instance}",
    ]
    if entry.error:
        lines += ["", "Error:", entry.error[-4000:]]
    if entry.output:
        lines += ["", "Output:", entry.output[-4000:]]
    return "\n".join(lines) + "\n"
