"""The reg-code module's job script: store the state that the deadline already implies."""

from __future__ import annotations

from collections.abc import Callable

from core.jobs.registry import JobContext, job_script
from core.jobs.scripts import BATCH, in_batches
from core.regcode.ports import RegCodeUnitOfWork
from core.shared.clock import Clock

# Expiring codes changes their state as an edit does: the module's write label.
WRITE_LABEL = "perm:regcode:put"


class RegCodeScripts:
    """Reads always compute the state (`RegCode.state_at`); this keeps the stored column in step."""

    def __init__(self, uow: Callable[[], RegCodeUnitOfWork], clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    @job_script(
        "expire_reg_codes",
        "Mark activated registration codes whose deadline has passed as expired (state 2)",
        label=WRITE_LABEL,
    )
    async def expire_reg_codes(self, ctx: JobContext) -> str:
        now = self._clock.now()
        n = await in_batches(self._uow, lambda uow: uow.reg_codes.expire_due(now, BATCH))
        return f"marked {n} reg codes expired"
