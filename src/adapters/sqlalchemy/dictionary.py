"""Tables and SQLAlchemy repositories of the dictionary module."""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Integer,
    SmallInteger,
    String,
    Table,
    UniqueConstraint,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.sqlalchemy.base import contains, in_range, live, locked, paginate
from adapters.sqlalchemy.tables import audit_columns, metadata
from adapters.sqlalchemy.types import ExactString
from core.dictionary.model import DictItem, DictType
from core.dictionary.ports import (
    DictItemFilter,
    DictItemRepository,
    DictTypeFilter,
    DictTypeRepository,
)
from core.shared.pagination import Page, PageRequest

# --- tables ---
dict_types = Table(
    "t_dict_type",
    metadata,
    *audit_columns(),
    Column("code", ExactString(100), nullable=False),
    Column("name", String(100), nullable=False),
    Column("status", SmallInteger, nullable=False, server_default="1"),
    Column("remark", String(500), nullable=False, server_default=""),
    UniqueConstraint("code", "is_deleted"),
)

dict_items = Table(
    "t_dict_item",
    metadata,
    *audit_columns(),
    Column("type_code", ExactString(100), nullable=False),
    Column("label", String(100), nullable=False),
    Column("label_en", String(100), nullable=False, server_default=""),
    Column("value", String(100), nullable=False),
    Column("sort", Integer, nullable=False, server_default="0"),
    Column("status", SmallInteger, nullable=False, server_default="1"),
    Column("css_class", String(32), nullable=False, server_default=""),
    Column("remark", String(500), nullable=False, server_default=""),
    UniqueConstraint("type_code", "value", "is_deleted"),
)


class SqlAlchemyDictTypeRepository(DictTypeRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def add(self, dict_type: DictType) -> None:
        self._s.add(dict_type)
        await self._s.flush()

    async def get(self, type_id: int, *, lock: bool = False) -> DictType | None:
        return await self._s.scalar(
            locked(select(DictType).where(dict_types.c.id == type_id, live(dict_types)), lock)
        )

    async def get_by_code(self, code: str) -> DictType | None:
        return await self._s.scalar(
            select(DictType).where(dict_types.c.code == code, live(dict_types))
        )

    async def search(self, flt: DictTypeFilter, page: PageRequest) -> Page[DictType]:
        c = dict_types.c
        where = [
            *contains(c.code, flt.code),
            *contains(c.name, flt.name),
            *in_range(c.created_time, flt.created),
        ]
        if flt.status is not None:
            where.append(c.status == flt.status)
        sortable = {"id": c.id, "created_time": c.created_time, "code": c.code}
        return await paginate(self._s, DictType, dict_types, where, page, sortable)


class SqlAlchemyDictItemRepository(DictItemRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def add(self, item: DictItem) -> None:
        self._s.add(item)
        await self._s.flush()

    async def get(self, item_id: int, *, lock: bool = False) -> DictItem | None:
        return await self._s.scalar(
            locked(select(DictItem).where(dict_items.c.id == item_id, live(dict_items)), lock)
        )

    async def get_by_value(self, type_code: str, value: str) -> DictItem | None:
        c = dict_items.c
        return await self._s.scalar(
            select(DictItem).where(c.type_code == type_code, c.value == value, live(dict_items))
        )

    async def of_type(self, type_code: str) -> list[DictItem]:
        c = dict_items.c
        query = (
            select(DictItem)
            .where(c.type_code == type_code, live(dict_items))
            .order_by(c.sort, c.id)
        )
        return list(await self._s.scalars(query))

    async def search(self, flt: DictItemFilter, page: PageRequest) -> Page[DictItem]:
        c = dict_items.c
        where = [*contains(c.label, flt.label), *in_range(c.created_time, flt.created)]
        if flt.type_code:
            where.append(c.type_code == flt.type_code)
        if flt.status is not None:
            where.append(c.status == flt.status)
        sortable = {"id": c.id, "created_time": c.created_time, "sort": c.sort, "value": c.value}
        return await paginate(self._s, DictItem, dict_items, where, page, sortable)


# What the unit of work opens for this module (attribute -> repository), and the mapping.
REPOSITORIES = {
    "dict_types": SqlAlchemyDictTypeRepository,
    "dict_items": SqlAlchemyDictItemRepository,
}
MAPPINGS = (
    (DictType, dict_types),
    (DictItem, dict_items),
)
