"""Use cases of the dictionary module; the items of a type are read through the cache."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from core.dictionary.commands import (
    CreateDictItem,
    CreateDictType,
    UpdateDictItem,
    UpdateDictType,
)
from core.dictionary.model import ENABLED, DictItem, DictType, check_css_class, check_type_code
from core.dictionary.ports import DictItemFilter, DictTypeFilter, DictUnitOfWork
from core.reports.model import ImportRow, RowError, RowErrors
from core.shared.cache import Cache
from core.shared.clock import Clock
from core.shared.commands import UNSET, given
from core.shared.entity import require
from core.shared.errors import Conflict, InvalidInput
from core.shared.pagination import Page, PageRequest

KEY = "dict:{}"


class _UnknownType(Exception):
    """Raised through the cache's loader, so that no entry is made for a code that is unknown."""


class DictionaryService:
    def __init__(self, uow: Callable[[], DictUnitOfWork], cache: Cache, clock: Clock) -> None:
        self._uow = uow
        self._cache = cache
        self._clock = clock

    # reading -------------------------------------------------------------------------
    async def items_of(self, type_code: str) -> list[dict[str, Any]]:
        """The enabled items of an enabled type, in sort order; empty for an unknown type.

        Only types that exist are kept in the cache: a code anyone may type in the URL must not
        make an entry, or random codes would fill the cache (and Redis) without bound.
        """

        async def load() -> list[dict[str, Any]]:
            items = await self._load(type_code)
            if items is None:
                raise _UnknownType
            return items

        try:
            return list(await self._cache.get_or_load(KEY.format(type_code), load))
        except _UnknownType:
            return []

    async def _load(self, type_code: str) -> list[dict[str, Any]] | None:
        """The items to keep for `type_code`; None when no such type exists (nothing to keep)."""
        async with self._uow() as uow:
            dict_type = await uow.dict_types.get_by_code(type_code)
            if dict_type is None:
                return None
            if dict_type.status != ENABLED:
                return []
            items = [i for i in await uow.dict_items.of_type(type_code) if i.status == ENABLED]
        return [i.public() for i in sorted(items, key=lambda i: (i.sort, i.id or 0))]

    # types ---------------------------------------------------------------------------
    async def search_types(self, flt: DictTypeFilter, page: PageRequest) -> Page[DictType]:
        async with self._uow() as uow:
            return await uow.dict_types.search(flt, page)

    async def get_type(self, type_id: int) -> DictType:
        async with self._uow() as uow:
            return require(await uow.dict_types.get(type_id), "dictionary type")

    async def create_type(self, actor: int, cmd: CreateDictType) -> int:
        check_type_code(cmd.code)
        async with self._uow() as uow:
            if await uow.dict_types.get_by_code(cmd.code) is not None:
                raise Conflict("this dictionary code exists", "dict_type_exists")
            dict_type = DictType(code=cmd.code, name=cmd.name, status=cmd.status, remark=cmd.remark)
            dict_type.stamp_created(actor, self._clock.now())
            await uow.dict_types.add(dict_type)
            await uow.commit()
            assert dict_type.id is not None
        await self._cache.delete(KEY.format(cmd.code))
        return dict_type.id

    async def update_type(self, actor: int, type_id: int, cmd: UpdateDictType) -> None:
        """Renaming a type's code carries its items along."""
        now = self._clock.now()
        async with self._uow() as uow:
            dict_type = require(await uow.dict_types.get(type_id, lock=True), "dictionary type")
            old = dict_type.code
            new = given(cmd.code, old)
            if new != old:
                check_type_code(new)
                if await uow.dict_types.get_by_code(new) is not None:
                    raise Conflict("this dictionary code exists", "dict_type_exists")
                dict_type.recode(new)
                for item in await uow.dict_items.of_type(old):
                    item.type_code = new
                    item.stamp_modified(actor, now)
            dict_type.change(name=cmd.name, status=cmd.status, remark=cmd.remark)
            dict_type.stamp_modified(actor, now)
            await uow.commit()
        await self._cache.delete(KEY.format(old), KEY.format(new))

    async def delete_type(self, actor: int, type_id: int) -> None:
        """A type that still has items cannot be deleted; delete its items first."""
        async with self._uow() as uow:
            dict_type = require(await uow.dict_types.get(type_id, lock=True), "dictionary type")
            if await uow.dict_items.of_type(dict_type.code):
                raise Conflict("this dictionary still has items", "dict_type_has_items")
            dict_type.soft_delete(actor, self._clock.now())
            await uow.commit()
        await self._cache.delete(KEY.format(dict_type.code))

    # items ---------------------------------------------------------------------------
    async def search_items(self, flt: DictItemFilter, page: PageRequest) -> Page[DictItem]:
        async with self._uow() as uow:
            return await uow.dict_items.search(flt, page)

    async def get_item(self, item_id: int) -> DictItem:
        async with self._uow() as uow:
            return require(await uow.dict_items.get(item_id), "dictionary item")

    async def create_item(self, actor: int, cmd: CreateDictItem) -> int:
        """An item names an existing type; values are unique within a type."""
        check_css_class(cmd.css_class)
        async with self._uow() as uow:
            if await uow.dict_types.get_by_code(cmd.type_code) is None:
                raise InvalidInput("no such dictionary type", "dict_type_not_found", "type_code")
            if await uow.dict_items.get_by_value(cmd.type_code, cmd.value) is not None:
                raise Conflict("this value exists in the dictionary", "dict_item_exists")
            item = DictItem(
                type_code=cmd.type_code,
                label=cmd.label,
                value=cmd.value,
                label_en=cmd.label_en,
                sort=cmd.sort,
                status=cmd.status,
                css_class=cmd.css_class,
                remark=cmd.remark,
            )
            item.stamp_created(actor, self._clock.now())
            await uow.dict_items.add(item)
            await uow.commit()
            assert item.id is not None
        await self._cache.delete(KEY.format(cmd.type_code))
        return item.id

    async def update_item(self, actor: int, item_id: int, cmd: UpdateDictItem) -> None:
        """An item moves only to an existing type; its value stays unique within its type."""
        if cmd.css_class is not UNSET:
            check_css_class(cmd.css_class)
        async with self._uow() as uow:
            item = require(await uow.dict_items.get(item_id, lock=True), "dictionary item")
            old_type = item.type_code
            new_type = given(cmd.type_code, old_type)
            new_value = given(cmd.value, item.value)
            if new_type != old_type and await uow.dict_types.get_by_code(new_type) is None:
                raise InvalidInput("no such dictionary type", "dict_type_not_found", "type_code")
            moved = (new_type, new_value) != (old_type, item.value)
            if moved and await uow.dict_items.get_by_value(new_type, new_value) is not None:
                raise Conflict("this value exists in the dictionary", "dict_item_exists")
            item.change(
                type_code=cmd.type_code,
                label=cmd.label,
                label_en=cmd.label_en,
                value=cmd.value,
                sort=cmd.sort,
                status=cmd.status,
                css_class=cmd.css_class,
                remark=cmd.remark,
            )
            item.stamp_modified(actor, self._clock.now())
            await uow.commit()
        await self._cache.delete(KEY.format(old_type), KEY.format(new_type))

    async def delete_item(self, actor: int, item_id: int) -> None:
        async with self._uow() as uow:
            item = require(await uow.dict_items.get(item_id, lock=True), "dictionary item")
            item.soft_delete(actor, self._clock.now())
            await uow.commit()
        await self._cache.delete(KEY.format(item.type_code))

    # --- reports: import all or nothing ------------------------------------------------
    async def create_items(
        self, actor: int | None, rows: Sequence[ImportRow], earlier: Iterable[RowError] = ()
    ) -> int:
        """Items from a file: each of an existing type, its value new in that type; all or none.

        Values are unique per type in the file and among live items. `earlier` are
        errors the caller found in other rows: they fail the batch too.
        """
        errors = RowErrors()
        errors.extend(earlier)
        first: dict[tuple[str, str], int] = {}
        for row in rows:
            with errors.at(row.number, "css_class"):
                check_css_class(str(row.values.get("css_class") or ""))
            pair = (str(row.values.get("type_code", "")), str(row.values.get("value", "")))
            if pair in first:
                errors.add(row.number, "value", f"the same value is on row {first[pair]}")
            else:
                first[pair] = row.number
        types = sorted({type_code for type_code, _ in first})
        now = self._clock.now()
        async with self._uow() as uow:
            known = {code for code in types if await uow.dict_types.get_by_code(code) is not None}
            taken = {(code, i.value) for code in known for i in await uow.dict_items.of_type(code)}
            for (code, value), number in first.items():
                if code not in known:
                    errors.add(number, "type_code", "no such dictionary type")
                elif (code, value) in taken:
                    errors.add(number, "value", "this value exists in the dictionary")
            errors.raise_if_any()
            for row in rows:
                item = DictItem(**row.values)
                item.stamp_created(actor, now)
                await uow.dict_items.add(item)
            await uow.commit()
        await self._cache.delete(*(KEY.format(code) for code in types))
        return len(rows)
