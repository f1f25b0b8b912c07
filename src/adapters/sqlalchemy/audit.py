"""SQLAlchemy repositories of the audit module."""

from __future__ import annotations

from sqlalchemy.orm import Session

from adapters.sqlalchemy import tables as t
from adapters.sqlalchemy.base import contains, in_range, paginate
from core.audit.model import LoginLog, OperationLog
from core.audit.ports import (
    LoginLogFilter,
    LoginLogRepository,
    OperationLogFilter,
    OperationLogRepository,
)
from core.shared.pagination import Page, PageRequest


class SqlAlchemyLoginLogRepository(LoginLogRepository):
    def __init__(self, session: Session) -> None:
        self._s = session

    def add(self, log: LoginLog) -> None:
        self._s.add(log)

    def search(self, flt: LoginLogFilter, page: PageRequest) -> Page[LoginLog]:
        c = t.login_logs.c
        where = [*contains(c.username, flt.username), *in_range(c.created_time, flt.created)]
        if flt.status:
            where.append(c.status == flt.status)
        sortable = {"id": c.id, "created_time": c.created_time}
        return paginate(self._s, LoginLog, t.login_logs, where, page, sortable)


class SqlAlchemyOperationLogRepository(OperationLogRepository):
    def __init__(self, session: Session) -> None:
        self._s = session

    def add(self, log: OperationLog) -> None:
        self._s.add(log)

    def search(self, flt: OperationLogFilter, page: PageRequest) -> Page[OperationLog]:
        c = t.oper_logs.c
        where = [*contains(c.username, flt.username), *in_range(c.created_time, flt.created)]
        if flt.method:
            where.append(c.method == flt.method.upper())
        sortable = {"id": c.id, "created_time": c.created_time}
        return paginate(self._s, OperationLog, t.oper_logs, where, page, sortable)
