"""The job scripts the jobs module ships: housekeeping of logs, and a demo."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime, timedelta
from typing import Any, TypeVar

from core.jobs.ports import HousekeepingUnitOfWork
from core.jobs.registry import PURGE_LABEL, JobContext, job_script
from core.shared.clock import Clock
from core.shared.errors import InvalidInput
from core.shared.uow import UnitOfWork

BATCH = 5000
MAX_DEMO_SECONDS = 3600
DEFAULT_RETENTION_FLOOR_DAYS = 30


U = TypeVar("U", bound=UnitOfWork)


async def in_batches(
    uow: Callable[[], U], step: Callable[[U], Awaitable[int]], batch: int = BATCH
) -> int:
    """Runs `step` (which changes at most `batch` rows) in one transaction each until a short one.

    Short transactions keep locks brief on big tables; the total is returned.
    """
    total = 0
    while True:
        async with uow() as work:
            done = await step(work)
            await work.commit()
        total += done
        if done < batch:
            return total


class HousekeepingScripts:
    """Deletes old logs, in batches of one transaction each.

    Purges keep at least `retention_floor_days` of every log, whatever a job's arguments
    say: the floor comes from the settings (APP_AUDIT_RETENTION_MIN_DAYS), which nobody
    changes through the API, so an operator cannot wipe the audit trail with `days: 1`.
    """

    def __init__(
        self,
        uow: Callable[[], HousekeepingUnitOfWork],
        clock: Clock,
        retention_floor_days: int = DEFAULT_RETENTION_FLOOR_DAYS,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._floor = max(1, retention_floor_days)

    def _keeps_the_floor(self, arguments: Mapping[str, Any]) -> None:
        """A purge's `days` is at least the retention floor (checked when the job is saved)."""
        days = arguments.get("days")
        if isinstance(days, int) and days < self._floor:
            raise InvalidInput(
                f"days is at least {self._floor}: logs are kept that long (retention floor)",
                "retention_too_short",
                "kwargs",
            )

    def _cutoff(self, days: int) -> datetime:
        # Checked again at run time: the floor may have been raised since the job was saved.
        if days < self._floor:
            raise ValueError(f"days must be at least {self._floor} (the retention floor)")
        return self._clock.now() - timedelta(days=days)

    async def _batches(self, step: Callable[[HousekeepingUnitOfWork], Awaitable[int]]) -> int:
        return await in_batches(self._uow, step)

    @job_script(
        "clean_job_logs",
        "Delete the logs of job runs that started more than `days` days ago",
        label=PURGE_LABEL,
        guard=_keeps_the_floor,
    )
    async def clean_job_logs(self, ctx: JobContext, days: int = 30) -> str:
        before = self._cutoff(days)
        n = await self._batches(lambda uow: uow.job_logs.purge(before, BATCH))
        return f"deleted {n} job logs started before {before.isoformat()}"

    @job_script(
        "clean_login_logs",
        "Delete login-log entries older than `days` days",
        label=PURGE_LABEL,
        guard=_keeps_the_floor,
    )
    async def clean_login_logs(self, ctx: JobContext, days: int = 180) -> str:
        before = self._cutoff(days)
        n = await self._batches(lambda uow: uow.housekeeping.purge_login_logs(before, BATCH))
        return f"deleted {n} login-log entries older than {before.isoformat()}"

    @job_script(
        "clean_operation_logs",
        "Delete operation-log entries older than `days` days",
        label=PURGE_LABEL,
        guard=_keeps_the_floor,
    )
    async def clean_operation_logs(self, ctx: JobContext, days: int = 180) -> str:
        before = self._cutoff(days)
        n = await self._batches(lambda uow: uow.housekeeping.purge_operation_logs(before, BATCH))
        return f"deleted {n} operation-log entries older than {before.isoformat()}"


# Echoes and sleeps: nothing beyond the job routes' own labels.
@job_script(
    "demo",
    "Echo a message, sleep `seconds`, and raise when `fail` is true: to try jobs out",
    label=None,
)
async def demo(
    ctx: JobContext, message: str = "hello", seconds: float = 1.0, fail: bool = False
) -> str:
    if not 0 <= seconds <= MAX_DEMO_SECONDS:
        raise ValueError(f"seconds is 0 to {MAX_DEMO_SECONDS}")
    ctx.echo(f"{ctx.job_name}: {message}")
    await asyncio.sleep(seconds)
    if fail:
        raise RuntimeError(f"demo failure as asked: {message}")
    return f"slept {seconds} s"
