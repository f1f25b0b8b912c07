"""Table and SQLAlchemy repository of the config-parameter module."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import (
    Column,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.sqlalchemy.base import contains, in_range, live, locked, paginate
from adapters.sqlalchemy.tables import audit_columns, metadata
from adapters.sqlalchemy.types import ExactString
from core.config.model import ConfigSetting
from core.config.ports import ConfigFilter, ConfigRepository
from core.shared.pagination import Page, PageRequest

# --- tables ---
config_settings = Table(
    "t_config_settings",
    metadata,
    *audit_columns(),
    Column("name", String(100), nullable=False),
    Column("key", ExactString(100), nullable=False),
    Column("value", Text, nullable=False),
    Column("remark", String(500), nullable=False, server_default=""),
    Column("sort", Integer, nullable=False, server_default="0"),
    UniqueConstraint("key", "is_deleted"),
)


class SqlAlchemyConfigRepository(ConfigRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def add(self, setting: ConfigSetting) -> None:
        self._s.add(setting)
        await self._s.flush()

    async def get(self, setting_id: int, *, lock: bool = False) -> ConfigSetting | None:
        c = config_settings.c
        return await self._s.scalar(
            locked(select(ConfigSetting).where(c.id == setting_id, live(config_settings)), lock)
        )

    async def get_by_key(self, key: str) -> ConfigSetting | None:
        c = config_settings.c
        return await self._s.scalar(
            select(ConfigSetting).where(c.key == key, live(config_settings))
        )

    async def search(self, flt: ConfigFilter, page: PageRequest) -> Page[ConfigSetting]:
        c = config_settings.c
        where = [
            *contains(c.name, flt.name),
            *contains(c.key, flt.key),
            *in_range(c.created_time, flt.created),
        ]
        sortable = {"id": c.id, "created_time": c.created_time, "sort": c.sort, "key": c.key}
        return await paginate(self._s, ConfigSetting, config_settings, where, page, sortable)

    async def existing_keys(self, keys: Iterable[str]) -> frozenset[str]:
        c = config_settings.c
        wanted = sorted(set(keys))
        found: set[str] = set()
        for i in range(0, len(wanted), 500):  # well below every database's parameter limit
            chunk = wanted[i : i + 500]
            found.update(
                await self._s.scalars(select(c.key).where(c.key.in_(chunk), live(config_settings)))
            )
        return frozenset(found)


# What the unit of work opens for this module (attribute -> repository), and the mapping.
REPOSITORIES = {
    "configs": SqlAlchemyConfigRepository,
}
MAPPINGS = ((ConfigSetting, config_settings),)
