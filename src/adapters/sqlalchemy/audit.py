"""Tables and SQLAlchemy repositories of the audit module."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Index,
    Integer,
    String,
    Table,
)
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.sqlalchemy.base import contains, in_range, paginate
from adapters.sqlalchemy.tables import audit_columns, metadata
from core.audit.model import LoginLog, OperationLog
from core.audit.ports import (
    LoginLogFilter,
    LoginLogRepository,
    OperationLogFilter,
    OperationLogRepository,
)
from core.shared.pagination import Page, PageRequest

# --- tables ---
login_logs = Table(
    "t_login_log",
    metadata,
    *audit_columns(),
    Column("username", String(64), nullable=False),
    Column("ip", String(64), nullable=False, server_default=""),
    Column("user_agent", String(255), nullable=False, server_default=""),
    Column("status", String(16), nullable=False),
    Column("message", String(255), nullable=False, server_default=""),
    Index("ix_t_login_log_username", "username"),
)

oper_logs = Table(
    "t_oper_log",
    metadata,
    *audit_columns(),
    Column("user_id", BigInteger, nullable=True),
    Column("username", String(64), nullable=False, server_default=""),
    Column("method", String(8), nullable=False),
    Column("path", String(255), nullable=False),
    Column("summary", String(128), nullable=False, server_default=""),
    Column("status_code", Integer, nullable=False),
    Column("ip", String(64), nullable=False, server_default=""),
    Column("duration_ms", Integer, nullable=False, server_default="0"),
    Index("ix_t_oper_log_user_id", "user_id"),
)


class SqlAlchemyLoginLogRepository(LoginLogRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def add(self, log: LoginLog) -> None:
        self._s.add(log)

    async def search(self, flt: LoginLogFilter, page: PageRequest) -> Page[LoginLog]:
        c = login_logs.c
        where = [*contains(c.username, flt.username), *in_range(c.created_time, flt.created)]
        if flt.status:
            where.append(c.status == flt.status)
        sortable = {"id": c.id, "created_time": c.created_time}
        return await paginate(self._s, LoginLog, login_logs, where, page, sortable)


class SqlAlchemyOperationLogRepository(OperationLogRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def add(self, log: OperationLog) -> None:
        self._s.add(log)

    async def search(self, flt: OperationLogFilter, page: PageRequest) -> Page[OperationLog]:
        c = oper_logs.c
        where = [*contains(c.username, flt.username), *in_range(c.created_time, flt.created)]
        if flt.method:
            where.append(c.method == flt.method.upper())
        sortable = {"id": c.id, "created_time": c.created_time}
        return await paginate(self._s, OperationLog, oper_logs, where, page, sortable)


# What the unit of work opens for this module (attribute -> repository), and the mapping.
REPOSITORIES = {
    "login_logs": SqlAlchemyLoginLogRepository,
    "oper_logs": SqlAlchemyOperationLogRepository,
}
MAPPINGS = (
    (LoginLog, login_logs),
    (OperationLog, oper_logs),
)
