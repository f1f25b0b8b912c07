"""SQLAlchemy repositories of the config-parameter and dictionary modules."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from adapters.sqlalchemy import tables as t
from adapters.sqlalchemy.base import contains, in_range, live, locked, paginate
from core.config.model import ConfigSetting
from core.config.ports import ConfigFilter, ConfigRepository
from core.dictionary.model import DictItem, DictType
from core.dictionary.ports import (
    DictItemFilter,
    DictItemRepository,
    DictTypeFilter,
    DictTypeRepository,
)
from core.shared.pagination import Page, PageRequest


class SqlAlchemyConfigRepository(ConfigRepository):
    def __init__(self, session: Session) -> None:
        self._s = session

    def add(self, setting: ConfigSetting) -> None:
        self._s.add(setting)
        self._s.flush()

    def get(self, setting_id: int, *, lock: bool = False) -> ConfigSetting | None:
        c = t.config_settings.c
        return self._s.scalar(
            locked(select(ConfigSetting).where(c.id == setting_id, live(t.config_settings)), lock)
        )

    def get_by_key(self, key: str) -> ConfigSetting | None:
        c = t.config_settings.c
        return self._s.scalar(select(ConfigSetting).where(c.key == key, live(t.config_settings)))

    def search(self, flt: ConfigFilter, page: PageRequest) -> Page[ConfigSetting]:
        c = t.config_settings.c
        where = [
            *contains(c.name, flt.name),
            *contains(c.key, flt.key),
            *in_range(c.created_time, flt.created),
        ]
        sortable = {"id": c.id, "created_time": c.created_time, "sort": c.sort, "key": c.key}
        return paginate(self._s, ConfigSetting, t.config_settings, where, page, sortable)

    def existing_keys(self, keys: Iterable[str]) -> frozenset[str]:
        c = t.config_settings.c
        wanted = sorted(set(keys))
        found: set[str] = set()
        for i in range(0, len(wanted), 500):  # well below every database's parameter limit
            chunk = wanted[i : i + 500]
            found.update(
                self._s.scalars(select(c.key).where(c.key.in_(chunk), live(t.config_settings)))
            )
        return frozenset(found)


class SqlAlchemyDictTypeRepository(DictTypeRepository):
    def __init__(self, session: Session) -> None:
        self._s = session

    def add(self, dict_type: DictType) -> None:
        self._s.add(dict_type)
        self._s.flush()

    def get(self, type_id: int, *, lock: bool = False) -> DictType | None:
        return self._s.scalar(
            locked(select(DictType).where(t.dict_types.c.id == type_id, live(t.dict_types)), lock)
        )

    def get_by_code(self, code: str) -> DictType | None:
        return self._s.scalar(
            select(DictType).where(t.dict_types.c.code == code, live(t.dict_types))
        )

    def search(self, flt: DictTypeFilter, page: PageRequest) -> Page[DictType]:
        c = t.dict_types.c
        where = [
            *contains(c.code, flt.code),
            *contains(c.name, flt.name),
            *in_range(c.created_time, flt.created),
        ]
        if flt.status is not None:
            where.append(c.status == flt.status)
        sortable = {"id": c.id, "created_time": c.created_time, "code": c.code}
        return paginate(self._s, DictType, t.dict_types, where, page, sortable)


class SqlAlchemyDictItemRepository(DictItemRepository):
    def __init__(self, session: Session) -> None:
        self._s = session

    def add(self, item: DictItem) -> None:
        self._s.add(item)
        self._s.flush()

    def get(self, item_id: int, *, lock: bool = False) -> DictItem | None:
        return self._s.scalar(
            locked(select(DictItem).where(t.dict_items.c.id == item_id, live(t.dict_items)), lock)
        )

    def get_by_value(self, type_code: str, value: str) -> DictItem | None:
        c = t.dict_items.c
        return self._s.scalar(
            select(DictItem).where(c.type_code == type_code, c.value == value, live(t.dict_items))
        )

    def of_type(self, type_code: str) -> list[DictItem]:
        c = t.dict_items.c
        query = (
            select(DictItem)
            .where(c.type_code == type_code, live(t.dict_items))
            .order_by(c.sort, c.id)
        )
        return list(self._s.scalars(query))

    def search(self, flt: DictItemFilter, page: PageRequest) -> Page[DictItem]:
        c = t.dict_items.c
        where = [*contains(c.label, flt.label), *in_range(c.created_time, flt.created)]
        if flt.type_code:
            where.append(c.type_code == flt.type_code)
        if flt.status is not None:
            where.append(c.status == flt.status)
        sortable = {"id": c.id, "created_time": c.created_time, "sort": c.sort, "value": c.value}
        return paginate(self._s, DictItem, t.dict_items, where, page, sortable)
