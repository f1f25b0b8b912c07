"""Dictionary items: export with the list's filters, import through the same rules as creating one."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from core.dictionary.ports import DictItemFilter
from core.reports.model import Column, ColumnType, ImportRow, RowError
from core.shared.scope import RowScope
from entrypoints.http.reports import Report, paged
from entrypoints.http.routers.dictionary import DictItemQuery
from entrypoints.http.schemas.common import fields_of
from entrypoints.http.schemas.dictionary import DictItemCreate

if TYPE_CHECKING:
    from bootstrap import Container

COLUMNS = (
    Column("type_code", "字典类型", "Type", width=24, required=True),
    Column("label", "字典标签", "Label", width=20, required=True),
    Column("label_en", "英文标签", "Label (en)", width=20),
    Column("value", "字典键值", "Value", width=16, required=True),
    Column("sort", "排序", "Sort", ColumnType.INT, 8),
    Column("status", "状态", "Status", ColumnType.INT, 10, dictionary="sys_common_status"),
    Column("css_class", "样式", "Style", width=12),
    Column("remark", "备注", "Remark", width=30),
)


async def _rows(
    container: Container, q: DictItemQuery, _: RowScope
) -> AsyncIterator[dict[str, Any]]:
    flt = DictItemFilter(type_code=q.type_code, label=q.label, status=q.status, created=q.created())
    dictionaries = container.dictionaries()
    async for item in paged(lambda p: dictionaries.search_items(flt, p), q.sort, q.order == "desc"):
        yield fields_of(item)


async def _import(
    container: Container, actor: int, rows: list[ImportRow], earlier: list[RowError]
) -> int:
    return await container.dictionaries().create_items(actor, rows, earlier)


REPORT = Report(
    name="dict_items",
    title="字典数据",
    title_en="Dictionary items",
    export_labels=("perm:dict:export",),
    import_labels=("perm:dict:import",),
    query=DictItemQuery,
    rows=_rows,
    columns=(
        Column("id", "编号", "ID", ColumnType.INT, 10),
        *COLUMNS,
        Column("created_time", "创建时间", "Created", ColumnType.DATETIME, 22),
    ),
    import_columns=COLUMNS,
    import_schema=DictItemCreate,
    importer=_import,
    example={
        "type_code": "sys_yes_no",
        "label": "未知",
        "label_en": "Unknown",
        "value": "9",
        "sort": 3,
        "status": 1,
        "css_class": "info",
        "remark": "示例 / example",
    },
)
