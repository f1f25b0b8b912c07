"""Use cases of the jobs module: the job table, its schedule, runs on demand and the run logs."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, tzinfo
from functools import partial

from core.jobs.commands import CreateJob, UpdateJob
from core.jobs.cron import CronExpr
from core.jobs.model import TRACEBACK_LABEL, Job, JobLog, MisfirePolicy, RunStatus, Trigger
from core.jobs.ports import (
    InstanceRegistry,
    JobFilter,
    JobLogFilter,
    JobScheduler,
    JobsUnitOfWork,
    PermissionCheck,
)
from core.jobs.registry import Script, ScriptRegistry
from core.jobs.runner import JobRunner
from core.shared.clock import Clock
from core.shared.commands import UNSET, given
from core.shared.entity import require
from core.shared.errors import Conflict, Forbidden, InvalidInput
from core.shared.pagination import Page, PageRequest

log = logging.getLogger(__name__)

PREVIEW_COUNT = 5
_MISSING = object()


@dataclass(frozen=True)
class JobView:
    job: Job
    next_fire_times: list[datetime]


class JobService:
    def __init__(
        self,
        uow: Callable[[], JobsUnitOfWork],
        scheduler: JobScheduler,
        runner: JobRunner,
        registry: ScriptRegistry,
        clock: Clock,
        timezone: tzinfo,
        instances: InstanceRegistry | None = None,
        permissions: PermissionCheck | None = None,
    ) -> None:
        self._uow = uow
        self._permissions = permissions
        self._scheduler = scheduler
        self._runner = runner
        self._registry = registry
        self._clock = clock
        self._tz = timezone
        self._instances = instances

    # --- reading ---------------------------------------------------------------------------

    async def search(self, flt: JobFilter, page: PageRequest) -> Page[Job]:
        async with self._uow() as uow:
            return await uow.jobs.search(flt, page)

    async def get(self, job_id: int) -> JobView:
        """A job with its next five fire times (from now, whether or not it is running)."""
        async with self._uow() as uow:
            job = require(await uow.jobs.get(job_id), "job")
        return JobView(job, job.expr().next_fires(self._clock.now(), self._tz, PREVIEW_COUNT))

    def preview(self, cron: str, count: int = PREVIEW_COUNT) -> list[datetime]:
        """The next fire times of an expression not saved yet; InvalidInput when it is invalid."""
        return CronExpr.parse(cron).next_fires(self._clock.now(), self._tz, count)

    def scripts(self) -> list[Script]:
        return self._registry.all()

    async def logs(self, flt: JobLogFilter, page: PageRequest) -> Page[JobLog]:
        async with self._uow() as uow:
            return await uow.job_logs.search(flt, page)

    async def log(self, log_id: int) -> JobLog:
        async with self._uow() as uow:
            return require(await uow.job_logs.get(log_id), "job log")

    async def logs_seen_by(self, viewer: int, flt: JobLogFilter, page: PageRequest) -> Page[JobLog]:
        """A page of runs as `viewer` may see them: tracebacks only for the jobs' writers."""
        found = await self.logs(flt, page)
        return Page(await self._shown(viewer, found.items), found.total, found.page, found.size)

    async def log_seen_by(self, viewer: int, log_id: int) -> JobLog:
        return (await self._shown(viewer, [await self.log(log_id)]))[0]

    async def _shown(self, viewer: int, entries: list[JobLog]) -> list[JobLog]:
        if self._permissions is not None and await self._permissions.holds(viewer, TRACEBACK_LABEL):
            return entries
        return [replace(x, error=x.error_without_traceback()) for x in entries]

    # --- writing ---------------------------------------------------------------------------

    def _check(self, job: Job) -> None:
        """Cron, enums and recipients valid; the script declared; its arguments fit it."""
        job.check()
        self._registry.get(job.script).check(job.args, job.kwargs)

    async def _authorize(self, actor: int | None, *scripts: str) -> None:
        """A script that declares a label is scheduled, edited or run only by who holds it.

        `actor` None is the product itself (seed, CLI, start-up), which needs no label.
        Without a permission check wired, a labelled script is refused (fail closed).
        """
        if actor is None:
            return
        for name in dict.fromkeys(scripts):
            if name not in self._registry:
                continue
            label = self._registry.get(name).label
            if label is None:
                continue
            if self._permissions is None or not await self._permissions.holds(actor, label):
                raise Forbidden(
                    f"the script {name} needs the permission {label}", "job_script_forbidden"
                )

    @staticmethod
    async def _check_recipients(uow: JobsUnitOfWork, job: Job) -> None:
        """Every user a job notifies exists (notices never go to typed addresses)."""
        unknown = sorted({i for i in job.notify_user_ids if await uow.users.get(i) is None})
        if unknown:
            raise InvalidInput(
                f"no such users: {unknown}", "job_notify_user_unknown", "notify_user_ids"
            )

    async def create(self, actor: int | None, cmd: CreateJob) -> int:
        """Names are unique among live jobs; a job created running is scheduled at once."""
        job = Job(
            name=cmd.name,
            script=cmd.script,
            cron=cmd.cron,
            args=list(cmd.args),
            kwargs=dict(cmd.kwargs),
            misfire_policy=cmd.misfire_policy,
            concurrent=cmd.concurrent,
            status=cmd.status,
            notify=cmd.notify,
            notify_user_ids=list(cmd.notify_user_ids),
            remark=cmd.remark,
        )
        self._check(job)
        await self._authorize(actor, job.script)
        now = self._clock.now()
        async with self._uow() as uow:
            if await uow.jobs.get_by_name(job.name) is not None:
                raise Conflict("a job has this name", "job_name_exists")
            await self._check_recipients(uow, job)
            if job.running:
                job.start(now, self._tz)
            else:
                job.pause()
            job.stamp_created(actor, now)
            await uow.jobs.add(job)
            await uow.commit()
        assert job.id is not None
        self._follow(job)
        return job.id

    async def update(self, actor: int | None, job_id: int, cmd: UpdateJob) -> None:
        """An edited running job keeps its place unless its cron changed or it was resumed."""
        now = self._clock.now()
        async with self._uow() as uow:
            job = require(await uow.jobs.get(job_id), "job")
            name = given(cmd.name, job.name)
            if name != job.name and await uow.jobs.get_by_name(name) is not None:
                raise Conflict("a job has this name", "job_name_exists")
            was_running, old_cron, old_script = job.running, job.cron, job.script
            # Whoever edits a job of a labelled script, or gives a job one, needs the label.
            await self._authorize(actor, old_script, given(cmd.script, old_script))
            job.change(
                name=cmd.name,
                script=cmd.script,
                cron=cmd.cron,
                args=cmd.args,
                kwargs=cmd.kwargs,
                misfire_policy=cmd.misfire_policy,
                concurrent=cmd.concurrent,
                notify=cmd.notify,
                notify_user_ids=cmd.notify_user_ids,
                remark=cmd.remark,
            )
            status = given(cmd.status, job.status)
            # Checked as it will be stored: an unknown status is refused like any other value.
            job.status = status
            self._check(job)
            if cmd.notify_user_ids is not UNSET:
                await self._check_recipients(uow, job)
            if not job.running:
                job.pause()
            elif not was_running or job.cron != old_cron or job.next_fire_time is None:
                job.start(now, self._tz)
            job.stamp_modified(actor, now)
            await uow.commit()
        self._follow(job)

    async def delete(self, actor: int | None, job_id: int) -> None:
        async with self._uow() as uow:
            job = require(await uow.jobs.get(job_id), "job")
            job.pause()
            job.soft_delete(actor, self._clock.now())
            await uow.commit()
        self._scheduler.unschedule(job_id)

    async def pause(self, actor: int | None, job_id: int) -> None:
        """Takes the job off the schedule at once; pausing a paused job changes nothing."""
        async with self._uow() as uow:
            job = require(await uow.jobs.get(job_id), "job")
            if job.running:
                job.pause()
                job.stamp_modified(actor, self._clock.now())
                await uow.commit()
        self._scheduler.unschedule(job_id)

    async def resume(self, actor: int | None, job_id: int) -> None:
        """Puts the job on the schedule from now on; a running job stays as it is (never twice)."""
        now = self._clock.now()
        async with self._uow() as uow:
            job = require(await uow.jobs.get(job_id), "job")
            if not job.running:
                self._check(job)
                await self._authorize(actor, job.script)
                job.start(now, self._tz)
                job.stamp_modified(actor, now)
                await uow.commit()
        self._follow(job)

    async def run_now(self, actor: int | None, job_id: int) -> int:
        """Runs the job once in the background, paused or not; returns the id of its log at once."""
        async with self._uow() as uow:
            job = require(await uow.jobs.get(job_id), "job")
            self._registry.get(job.script)
            await self._authorize(actor, job.script)
            entry = self._runner.manual(job)
            entry.creator_id = actor
            await uow.job_logs.add(entry)
            await uow.commit()
        assert entry.id is not None
        self._scheduler.submit(partial(self._runner.execute, entry.id))
        return entry.id

    def _follow(self, job: Job) -> None:
        assert job.id is not None
        if job.running:
            self._scheduler.schedule(job)
        else:
            self._scheduler.unschedule(job.id)

    # --- the scheduler's side --------------------------------------------------------------

    async def reconcile(self) -> None:
        """At start, or when this instance takes the schedule over: table and scheduler agree.

        Every job is paused except the enabled ones (status running) that can run: script
        declared, arguments fitting, cron valid. Those are scheduled and stay running; the
        fires they missed meanwhile are run, or not, as their misfire policy says.
        """
        now = self._clock.now()
        startable: list[Job] = []
        async with self._uow() as uow:
            for job in await uow.jobs.all_live():
                if not job.running:
                    continue
                try:
                    self._check(job)
                except InvalidInput as exc:
                    log.warning("job %s (%s) paused at start: %s", job.id, job.name, exc.detail)
                    job.pause()
                    job.stamp_modified(None, now)
                    continue
                startable.append(job)
            await uow.commit()
        keep = {job.id for job in startable}
        for job_id in set(self._scheduler.scheduled()) - keep:
            self._scheduler.unschedule(job_id)
        for job in startable:
            work = await self._runner.catch_up(job, now)
            self._scheduler.schedule(job)
            if work is not None:
                self._scheduler.submit(work)

    async def heartbeat(self) -> None:
        """Every instance, every tick: tells the others this one (and its runs) is alive."""
        if self._instances is not None:
            await self._instances.beat()

    async def recover_abandoned(self) -> int:
        """Runs left `running` by an instance that stopped are failed; a scheduled one runs again.

        A fire is claimed by its log row before it runs, so an instance killed mid-run leaves
        a row that would read `running` for ever. The leader marks it failed ("abandoned") and,
        unless the job skips missed fires, runs it once more as a catch-up, so the fire is not
        lost; that run waits for the job's run lock instead of being skipped. Only scheduled
        and catch-up runs are judged: they run on the leader, which always
        beats; a run asked for by hand may run on an instance whose scheduler is off.
        """
        if self._instances is None:
            return 0
        async with self._uow() as uow:
            unfinished = [e for e in await uow.job_logs.unfinished() if e.trigger != Trigger.MANUAL]
        mine = self._runner.instance
        others = {e.instance for e in unfinished if e.instance != mine}
        dead = others - await self._instances.alive(others)
        now = self._clock.now()
        redo: list[int] = []
        for log_id in [e.id for e in unfinished if e.instance in dead and e.id is not None]:
            async with self._uow() as uow:
                entry = await uow.job_logs.get(log_id, lock=True)
                if entry is None or entry.finished:
                    continue
                job = await uow.jobs.get(entry.job_id)
                entry.finish(
                    RunStatus.FAILED,
                    now,
                    entry.output,
                    f"abandoned: instance {entry.instance} stopped before the run ended",
                )
                again = None
                if job is not None and job.running and job.misfire_policy != MisfirePolicy.SKIP:
                    again = JobLog.claim(job, Trigger.CATCH_UP, None, now, mine)
                    await uow.job_logs.add(again)
                await uow.commit()
            log.warning("job %s: run %s abandoned by %s", entry.job_id, entry.id, entry.instance)
            if again is not None and again.id is not None:
                redo.append(again.id)
        for log_id in redo:
            # Waits for the job's run lock (the dead run's until it expires, or a live run's)
            # rather than being skipped: the point of this run is that the fire is not lost.
            self._scheduler.submit(partial(self._runner.execute, log_id, wait_for_lock=True))
        return len(dead)

    async def sync(self) -> None:
        """Brings the schedule in line with the table: edits made through any instance land here."""
        async with self._uow() as uow:
            wanted = {j.id: j for j in await uow.jobs.all_live() if j.running and j.id is not None}
        current = dict(self._scheduler.scheduled())
        for job_id in current.keys() - wanted.keys():
            self._scheduler.unschedule(job_id)
        for job_id, job in wanted.items():
            if current.get(job_id, _MISSING) != job.version:
                self._scheduler.schedule(job)
