"""The job scripts the product ships: housekeeping of logs and reg codes, and a demo."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta

from core.jobs.ports import HousekeepingUnitOfWork
from core.jobs.registry import JobContext, job_script
from core.shared.clock import Clock

BATCH = 5000
MAX_DEMO_SECONDS = 3600


class HousekeepingScripts:
    """Deletes old logs and marks expired reg codes, in batches of one transaction each."""

    def __init__(self, uow: Callable[[], HousekeepingUnitOfWork], clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    def _cutoff(self, days: int) -> datetime:
        if days < 1:
            raise ValueError("days must be at least 1")
        return self._clock.now() - timedelta(days=days)

    def _batches(self, step: Callable[[HousekeepingUnitOfWork], int]) -> int:
        total = 0
        while True:
            with self._uow() as uow:
                done = step(uow)
                uow.commit()
            total += done
            if done < BATCH:
                return total

    @job_script(
        "clean_job_logs", "Delete the logs of job runs that started more than `days` days ago"
    )
    def clean_job_logs(self, ctx: JobContext, days: int = 30) -> str:
        before = self._cutoff(days)
        n = self._batches(lambda uow: uow.job_logs.purge(before, BATCH))
        return f"deleted {n} job logs started before {before.isoformat()}"

    @job_script("clean_login_logs", "Delete login-log entries older than `days` days")
    def clean_login_logs(self, ctx: JobContext, days: int = 180) -> str:
        before = self._cutoff(days)
        n = self._batches(lambda uow: uow.housekeeping.purge_login_logs(before, BATCH))
        return f"deleted {n} login-log entries older than {before.isoformat()}"

    @job_script("clean_operation_logs", "Delete operation-log entries older than `days` days")
    def clean_operation_logs(self, ctx: JobContext, days: int = 180) -> str:
        before = self._cutoff(days)
        n = self._batches(lambda uow: uow.housekeeping.purge_operation_logs(before, BATCH))
        return f"deleted {n} operation-log entries older than {before.isoformat()}"

    @job_script(
        "expire_reg_codes",
        "Mark activated registration codes whose deadline has passed as expired (state 2)",
    )
    def expire_reg_codes(self, ctx: JobContext) -> str:
        now = self._clock.now()
        n = self._batches(lambda uow: uow.housekeeping.expire_reg_codes(now, BATCH))
        return f"marked {n} reg codes expired"


@job_script(
    "demo", "Echo a message, sleep `seconds`, and raise when `fail` is true: to try jobs out"
)
def demo(ctx: JobContext, message: str = "hello", seconds: float = 1.0, fail: bool = False) -> str:
    if not 0 <= seconds <= MAX_DEMO_SECONDS:
        raise ValueError(f"seconds is 0 to {MAX_DEMO_SECONDS}")
    ctx.echo(f"{ctx.job_name}: {message}")
    time.sleep(seconds)
    if fail:
        raise RuntimeError(f"demo failure as asked: {message}")
    return f"slept {seconds} s"
