"""Ports of the dictionary module."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from core.dictionary.model import DictItem, DictType
from core.shared.pagination import Page, PageRequest, TimeRange
from core.shared.uow import UnitOfWork


@dataclass(frozen=True, kw_only=True)
class DictTypeFilter:
    code: str | None = None
    name: str | None = None
    status: int | None = None
    created: TimeRange = TimeRange()


@dataclass(frozen=True, kw_only=True)
class DictItemFilter:
    type_code: str | None = None
    label: str | None = None
    status: int | None = None
    created: TimeRange = TimeRange()


class DictTypeRepository(Protocol):
    """Live dictionary types."""

    async def add(self, dict_type: DictType) -> None: ...
    async def get(self, type_id: int, *, lock: bool = False) -> DictType | None: ...
    async def get_by_code(self, code: str) -> DictType | None: ...
    async def search(self, flt: DictTypeFilter, page: PageRequest) -> Page[DictType]: ...


class DictItemRepository(Protocol):
    """Live dictionary items."""

    async def add(self, item: DictItem) -> None: ...
    async def get(self, item_id: int, *, lock: bool = False) -> DictItem | None: ...
    async def get_by_value(self, type_code: str, value: str) -> DictItem | None: ...
    async def of_type(self, type_code: str) -> list[DictItem]: ...
    async def search(self, flt: DictItemFilter, page: PageRequest) -> Page[DictItem]: ...


class DictUnitOfWork(UnitOfWork, Protocol):
    dict_types: DictTypeRepository
    dict_items: DictItemRepository
