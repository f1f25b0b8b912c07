"""Use cases of the audit module."""

from __future__ import annotations

from collections.abc import Callable

from core.audit.model import LoginLog, OperationLog
from core.audit.ports import AuditUnitOfWork, LoginLogFilter, OperationLogFilter
from core.shared.clock import Clock
from core.shared.pagination import Page, PageRequest


class AuditService:
    def __init__(self, uow: Callable[[], AuditUnitOfWork], clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def record_operation(self, log: OperationLog) -> None:
        """Every write through the API leaves a row, whoever made it and however it ended."""
        log.stamp_created(log.user_id, self._clock.now())
        async with self._uow() as uow:
            await uow.oper_logs.add(log)
            await uow.commit()

    async def login_logs(self, flt: LoginLogFilter, page: PageRequest) -> Page[LoginLog]:
        """Login attempts, newest first by default."""
        async with self._uow() as uow:
            return await uow.login_logs.search(flt, page)

    async def operation_logs(
        self, flt: OperationLogFilter, page: PageRequest
    ) -> Page[OperationLog]:
        """Writes made through the API, newest first by default."""
        async with self._uow() as uow:
            return await uow.oper_logs.search(flt, page)
