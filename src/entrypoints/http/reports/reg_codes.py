"""Registration codes: export with the list's filters (keyset batches), import of codes made elsewhere."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import Field

from core.regcode.service import RegCodeService
from core.reports.model import Column, ColumnType, ImportRow, RowError
from core.shared.scope import RowScope
from entrypoints.http.reports import Report
from entrypoints.http.routers.regcode import RegCodeQuery
from entrypoints.http.schemas.common import Input
from entrypoints.http.schemas.rbac import Line

if TYPE_CHECKING:
    from bootstrap import Container

CODE = Column("code", "注册码", "Code", width=28, required=True)
REG_TIMES = Column("reg_times", "有效天数", "Days valid", ColumnType.INT, 12, required=True)
REMARK = Column("remark", "备注", "Remark", width=30)


class RegCodeImport(Input):
    """One imported code: the same bounds as generating and editing codes through the API."""

    code: Annotated[str, Field(min_length=4, max_length=32)]
    reg_times: Annotated[int, Field(ge=1, le=36500)]
    remark: Annotated[Line, Field(max_length=255)] = ""


async def _rows(
    container: Container, q: RegCodeQuery, scope: RowScope
) -> AsyncIterator[dict[str, Any]]:
    # Keyset batches in id order: the list's sort does not apply, its filters all do.
    async for row in container.reg_codes().iterate(q.filter(), scope=scope):
        row["state"] = int(row["state"])
        yield row


async def _import(
    container: Container, actor: int, rows: list[ImportRow], earlier: list[RowError]
) -> int:
    codes: RegCodeService = container.reg_codes()
    return await codes.import_codes(actor, rows, earlier)


REPORT = Report(
    name="reg_codes",
    title="注册码",
    title_en="Reg codes",
    export_labels=("perm:regcode:export",),
    import_labels=("perm:regcode:import",),
    query=RegCodeQuery,
    rows=_rows,
    columns=(
        Column("id", "编号", "ID", ColumnType.INT, 10),
        replace(CODE, required=False),
        replace(REG_TIMES, required=False),
        Column("state", "状态", "State", ColumnType.INT, 10, dictionary="sys_reg_code_state"),
        Column("first_active_time", "首次激活时间", "First activated", ColumnType.DATETIME, 22),
        Column("deadline", "到期时间", "Deadline", ColumnType.DATETIME, 22),
        REMARK,
        Column("creator", "创建者", "Creator", width=16),
        Column("created_time", "创建时间", "Created", ColumnType.DATETIME, 22),
    ),
    import_columns=(CODE, REG_TIMES, REMARK),
    import_schema=RegCodeImport,
    importer=_import,
    example={"code": "ABCDE-12345-FGHJK-67890", "reg_times": 30, "remark": "示例 / example"},
)
