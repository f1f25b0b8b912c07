"""Ports of the audit module."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from core.audit.model import LoginLog, OperationLog
from core.shared.pagination import Page, PageRequest, TimeRange
from core.shared.uow import UnitOfWork


@dataclass(frozen=True, kw_only=True)
class LoginLogFilter:
    username: str | None = None
    status: str | None = None
    created: TimeRange = TimeRange()


@dataclass(frozen=True, kw_only=True)
class OperationLogFilter:
    username: str | None = None
    method: str | None = None
    created: TimeRange = TimeRange()


class LoginLogRepository(Protocol):
    """Append-only record of login attempts."""

    async def add(self, log: LoginLog) -> None: ...
    async def search(self, flt: LoginLogFilter, page: PageRequest) -> Page[LoginLog]: ...


class OperationLogRepository(Protocol):
    """Append-only record of writes made through the API."""

    async def add(self, log: OperationLog) -> None: ...
    async def search(self, flt: OperationLogFilter, page: PageRequest) -> Page[OperationLog]: ...


class AuditUnitOfWork(UnitOfWork, Protocol):
    login_logs: LoginLogRepository
    oper_logs: OperationLogRepository
