"""Scheduled jobs and their run logs, with the rules that decide what runs when.

A job names a script from the registry, the arguments to call it with, a cron expression and
what to do with fires that were missed. `status` says whether the scheduler holds it right
now (`running`) or not (`paused`); `next_fire_time` is the first fire not yet handed to a
run, which is how a scheduler that takes over knows what was missed.

A run writes one `JobLog`. For a scheduled fire the log row IS the claim on that fire: the
table is unique on (job_id, scheduled_time), so whichever instance inserts it first runs it,
and no fire can run twice however many schedulers believe they are in charge.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from typing import Any

from core.jobs.cron import CronExpr
from core.shared.commands import UNSET, Maybe
from core.shared.errors import Conflict, InvalidInput
from core.shared.model import Entity

NAME_MAX = 64
MAX_RECIPIENTS = 20
# A long outage must not turn into thousands of catch-up runs: `run_now` runs the latest ones.
MAX_CATCH_UP = 100
# Output and error text kept per run (characters); longer text keeps its end.
TEXT_LIMIT = 16_000


class JobStatus(enum.StrEnum):
    RUNNING = "running"
    PAUSED = "paused"


class MisfirePolicy(enum.StrEnum):
    RUN_NOW = "run_now"  # run every missed fire
    RUN_ONCE = "run_once"  # run one catch-up for all of them
    SKIP = "skip"  # run none


class Notify(enum.StrEnum):
    NONE = "none"
    FAILURE = "failure"
    ALWAYS = "always"


class Trigger(enum.StrEnum):
    SCHEDULE = "schedule"
    MANUAL = "manual"
    CATCH_UP = "catch-up"


class RunStatus(enum.StrEnum):
    RUNNING = "running"
    SUCCESS = "success"
    FAILED = "failed"
    SKIPPED = "skipped"  # a non-concurrent job was still running


@dataclass(kw_only=True, eq=False)
class Job(Entity):
    name: str
    script: str
    args: list[Any] = field(default_factory=list)
    kwargs: dict[str, Any] = field(default_factory=dict)
    cron: str
    misfire_policy: str = MisfirePolicy.RUN_ONCE
    concurrent: bool = False
    status: str = JobStatus.PAUSED
    notify: str = Notify.NONE
    # Users of the product, never typed addresses: a notice reaches their stored e-mail.
    notify_user_ids: list[int] = field(default_factory=list)
    remark: str = ""
    next_fire_time: datetime | None = None

    @property
    def running(self) -> bool:
        return self.status == JobStatus.RUNNING

    @property
    def version(self) -> datetime | None:
        """Changes with every edit of the row; a scheduler reschedules when it differs."""
        return self.modified_time

    def expr(self) -> CronExpr:
        return CronExpr.parse(self.cron)

    def check(self) -> None:
        """The rules a job must keep whatever its script: name, cron, enums, recipients."""
        if not self.name.strip() or len(self.name) > NAME_MAX:
            raise InvalidInput(
                f"the name has 1 to {NAME_MAX} characters", "job_name_invalid", "name"
            )
        self.expr()
        for value, allowed, name in (
            (self.misfire_policy, _values(MisfirePolicy), "misfire_policy"),
            (self.status, _values(JobStatus), "status"),
            (self.notify, _values(Notify), "notify"),
        ):
            if value not in allowed:
                raise InvalidInput(
                    f"{name} {value!r} is not one of its values", "job_invalid", name
                )
        if not isinstance(self.args, list):
            raise InvalidInput("args is a JSON list", "job_args_invalid", "args")
        if not isinstance(self.kwargs, dict):
            raise InvalidInput("kwargs is a JSON object", "job_args_invalid", "kwargs")
        self._check_notice()

    def _check_notice(self) -> None:
        """Notices go to at most 20 users, and a job that notifies fires at most once a minute."""
        ids = self.notify_user_ids
        if not isinstance(ids, list) or not all(
            isinstance(i, int) and not isinstance(i, bool) and i > 0 for i in ids
        ):
            raise InvalidInput(
                "notify_user_ids is a list of user ids", "job_notify_invalid", "notify_user_ids"
            )
        if len(set(ids)) > MAX_RECIPIENTS:
            raise InvalidInput(
                f"at most {MAX_RECIPIENTS} recipients", "job_notify_invalid", "notify_user_ids"
            )
        if self.notify == Notify.NONE:
            return
        if not ids:
            raise InvalidInput(
                "a job that notifies needs at least one recipient",
                "job_notify_invalid",
                "notify_user_ids",
            )
        if self.expr().fires_within_a_minute:
            raise InvalidInput(
                "a job that notifies fires at most once a minute: use 5 fields, "
                "or a single second in the first of 6",
                "job_notify_too_frequent",
                "cron",
            )

    def change(
        self,
        *,
        name: Maybe[str] = UNSET,
        script: Maybe[str] = UNSET,
        cron: Maybe[str] = UNSET,
        args: Maybe[Sequence[Any]] = UNSET,
        kwargs: Maybe[Mapping[str, Any]] = UNSET,
        misfire_policy: Maybe[str] = UNSET,
        concurrent: Maybe[bool] = UNSET,
        notify: Maybe[str] = UNSET,
        notify_user_ids: Maybe[Sequence[int]] = UNSET,
        remark: Maybe[str] = UNSET,
    ) -> None:
        """Set what is given; the status moves only by start and pause, then `check()` holds."""
        self._assign(
            name=name,
            script=script,
            cron=cron,
            args=args if args is UNSET else list(args),
            kwargs=kwargs if kwargs is UNSET else dict(kwargs),
            misfire_policy=misfire_policy,
            concurrent=concurrent,
            notify=notify,
            notify_user_ids=notify_user_ids if notify_user_ids is UNSET else list(notify_user_ids),
            remark=remark,
        )

    def start(self, now: datetime, tz: tzinfo) -> None:
        """Running from now on: the first fire is the first one after `now`."""
        self.status = JobStatus.RUNNING
        self.next_fire_time = self.expr().next_after(now, tz)

    def pause(self) -> None:
        self.status = JobStatus.PAUSED
        self.next_fire_time = None

    def wants_notice(self, status: str) -> bool:
        if status == RunStatus.SKIPPED:
            return False
        return self.notify == Notify.ALWAYS or (
            self.notify == Notify.FAILURE and status == RunStatus.FAILED
        )


# Who may read a failed run's traceback: the holders of the jobs' write label.
TRACEBACK_LABEL = "perm:job:put"
TRACEBACK_HEAD = "Traceback (most recent call last):"


@dataclass(kw_only=True, eq=False)
class JobLog(Entity):
    job_id: int
    job_name: str
    script: str
    trigger: str
    scheduled_time: datetime | None = None
    start_time: datetime
    end_time: datetime | None = None
    duration_ms: int | None = None
    status: str = RunStatus.RUNNING
    output: str = ""
    error: str = ""
    instance: str = ""

    @classmethod
    def claim(
        cls, job: Job, trigger: Trigger, scheduled: datetime | None, now: datetime, instance: str
    ) -> JobLog:
        assert job.id is not None
        log = cls(
            job_id=job.id,
            job_name=job.name,
            script=job.script,
            trigger=trigger,
            scheduled_time=scheduled,
            start_time=now,
            instance=instance,
        )
        log.stamp_created(None, now)
        return log

    @property
    def finished(self) -> bool:
        return self.status != RunStatus.RUNNING

    def begin(self, now: datetime, instance: str) -> None:
        """A claimed run starts: the start time is when it really starts."""
        if self.finished:
            raise Conflict("this run has already ended", "job_log_finished")
        self.start_time = now
        self.instance = instance

    def error_without_traceback(self) -> str:
        """The error as a reader who may not change the job sees it: the exception, no frames.

        A traceback shows source lines, paths and values of the code that ran; it is for those
        who hold the job's write label (`TRACEBACK_LABEL`).
        """
        if not self.error.startswith(TRACEBACK_HEAD):
            return self.error
        lines = self.error.rstrip("\n").splitlines()
        last_frame = max((i for i, x in enumerate(lines) if x.startswith("  File ")), default=0)
        rest = lines[last_frame + 1 :]
        start = next((i for i, x in enumerate(rest) if x and not x.startswith(" ")), None)
        return "\n".join(rest[start:]) if start is not None else lines[-1]

    def finish(self, status: RunStatus, now: datetime, output: str = "", error: str = "") -> None:
        self.status = status
        self.end_time = now
        self.duration_ms = max(0, int((now - self.start_time) / timedelta(milliseconds=1)))
        self.output = clip(output)
        self.error = clip(error)
        self.stamp_modified(None, now)


def _values(kind: type[enum.StrEnum]) -> frozenset[str]:
    return frozenset(m.value for m in kind)


def clip(text: str, limit: int = TEXT_LIMIT) -> str:
    """Keeps the end of a long text, where the outcome and the exception are."""
    if len(text) <= limit:
        return text
    marker = "[... earlier output cut ...]\n"
    return marker + text[-(limit - len(marker)) :]


@dataclass(frozen=True)
class Fire:
    time: datetime
    trigger: Trigger


def plan_fires(policy: str, due: list[datetime], now: datetime, grace: timedelta) -> list[Fire]:
    """Which of the due fire times run, and as what.

    A fire at most `grace` late is an ordinary scheduled fire (a busy pool or a scheduler
    hand-over made it late, nothing was missed). Older ones were missed and follow the
    job's misfire policy: `run_now` runs each of them (the latest MAX_CATCH_UP), `run_once`
    runs one catch-up for them all (the latest), `skip` runs none.
    """
    ordered = sorted(set(due))
    missed = [t for t in ordered if now - t > grace]
    on_time = [Fire(t, Trigger.SCHEDULE) for t in ordered if now - t <= grace]
    if policy == MisfirePolicy.RUN_NOW:
        caught = [Fire(t, Trigger.CATCH_UP) for t in missed[-MAX_CATCH_UP:]]
    elif policy == MisfirePolicy.RUN_ONCE and missed:
        caught = [Fire(missed[-1], Trigger.CATCH_UP)]
    else:
        caught = []
    return caught + on_time
