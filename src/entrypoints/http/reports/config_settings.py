"""Config parameters: export with the list's filters, import through the same rules as creating one."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from core.config.ports import ConfigFilter
from core.reports.model import Column, ColumnType, ImportRow, RowError
from core.shared.scope import RowScope
from entrypoints.http.reports import Report, paged
from entrypoints.http.routers.config import ConfigQuery
from entrypoints.http.schemas.common import fields_of
from entrypoints.http.schemas.config import ConfigCreate

if TYPE_CHECKING:
    from bootstrap import Container

NAME = Column("name", "参数名称", "Name", width=24, required=True)
KEY = Column("key", "参数键名", "Key", width=32, required=True)
VALUE = Column("value", "参数键值", "Value", width=32)
REMARK = Column("remark", "备注", "Remark", width=30)
SORT = Column("sort", "排序", "Sort", ColumnType.INT, 8)


async def _rows(container: Container, q: ConfigQuery, _: RowScope) -> AsyncIterator[dict[str, Any]]:
    flt = ConfigFilter(name=q.name, key=q.key, created=q.created())
    configs = container.configs()
    async for setting in paged(lambda p: configs.search(flt, p), q.sort, q.order == "desc"):
        yield fields_of(setting)


async def _import(
    container: Container, actor: int, rows: list[ImportRow], earlier: list[RowError]
) -> int:
    return await container.configs().create_many(actor, rows, earlier)


REPORT = Report(
    name="config_settings",
    title="参数设置",
    title_en="Parameters",
    export_labels=("perm:config:export",),
    import_labels=("perm:config:import",),
    query=ConfigQuery,
    rows=_rows,
    columns=(
        Column("id", "编号", "ID", ColumnType.INT, 10),
        NAME,
        KEY,
        VALUE,
        REMARK,
        SORT,
        Column("created_time", "创建时间", "Created", ColumnType.DATETIME, 22),
        Column("modified_time", "修改时间", "Modified", ColumnType.DATETIME, 22),
    ),
    import_columns=(NAME, KEY, VALUE, REMARK, SORT),
    import_schema=ConfigCreate,
    importer=_import,
    example={
        "name": "示例参数",
        "key": "app.example.flag",
        "value": "true",
        "remark": "",
        "sort": 1,
    },
)
