"""Routes of the dictionary module: types, items, and the items of a type for every select."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Depends, Query

from core.dictionary.commands import (
    CreateDictItem,
    CreateDictType,
    UpdateDictItem,
    UpdateDictType,
)
from core.dictionary.ports import DictItemFilter, DictTypeFilter
from core.dictionary.service import DictionaryService
from core.rbac.model import Principal
from entrypoints.http.deps import Caller, provided, require
from entrypoints.http.routing import ApiRouter
from entrypoints.http.schemas.common import (
    Created,
    Id,
    ListQuery,
    Order,
    PageOut,
    StatusFilter,
    fields_of,
)
from entrypoints.http.schemas.dictionary import (
    DictItemCreate,
    DictItemOut,
    DictItemUpdate,
    DictOption,
    DictTypeCreate,
    DictTypeOut,
    DictTypeUpdate,
)

router = ApiRouter(prefix="/system", tags=["dictionary"])
CanRead = Annotated[Principal, require("perm:dict:get")]

dictionary_service = provided(lambda c: c.dictionaries())
Dictionaries = Annotated[DictionaryService, Depends(dictionary_service)]


class DictTypeQuery(ListQuery):
    code: str | None = None
    name: str | None = None
    status: StatusFilter = None
    sort: Literal["id", "created_time", "code"] = "id"


class DictItemQuery(ListQuery):
    type_code: str | None = None
    label: str | None = None
    status: StatusFilter = None
    sort: Literal["id", "created_time", "sort", "value"] = "sort"
    order: Order = "asc"


@router.get(
    "/dict/{type_code}",
    response_model=list[DictOption],
    summary="the enabled items of a type (cached)",
)
async def dict_items_of(type_code: str, _: Caller, dictionaries: Dictionaries) -> list[DictOption]:
    # Every page's selects and tags read this, so any signed-in user may; the cache answers
    # from memory when it holds the items.
    return [DictOption.model_validate(x) for x in await dictionaries.items_of(type_code)]


@router.get("/dict-type", response_model=PageOut[DictTypeOut], summary="list dictionary types")
async def list_types(
    q: Annotated[DictTypeQuery, Query()], _: CanRead, dictionaries: Dictionaries
) -> PageOut[DictTypeOut]:
    flt = DictTypeFilter(code=q.code, name=q.name, status=q.status, created=q.created())
    page = await dictionaries.search_types(flt, q.page_request(q.sort))
    items = [DictTypeOut.model_validate(fields_of(x)) for x in page.items]
    return PageOut(items=items, total=page.total, page=page.page, size=page.size)


@router.post(
    "/dict-type", response_model=Created, status_code=201, summary="create a dictionary type"
)
async def create_type(
    body: DictTypeCreate,
    caller: Annotated[Principal, require("perm:dict:post")],
    dictionaries: Dictionaries,
) -> Created:
    return Created(id=await dictionaries.create_type(caller.user_id, body.command(CreateDictType)))


@router.get("/dict-type/{type_id}", response_model=DictTypeOut, summary="read a dictionary type")
async def get_type(type_id: Id, _: CanRead, dictionaries: Dictionaries) -> DictTypeOut:
    return DictTypeOut.model_validate(fields_of(await dictionaries.get_type(type_id)))


@router.put("/dict-type/{type_id}", status_code=204, summary="update a dictionary type")
async def update_type(
    type_id: Id,
    body: DictTypeUpdate,
    caller: Annotated[Principal, require("perm:dict:put")],
    dictionaries: Dictionaries,
) -> None:
    await dictionaries.update_type(caller.user_id, type_id, body.changes(UpdateDictType))


@router.delete("/dict-type/{type_id}", status_code=204, summary="delete a dictionary type")
async def delete_type(
    type_id: Id,
    caller: Annotated[Principal, require("perm:dict:delete")],
    dictionaries: Dictionaries,
) -> None:
    await dictionaries.delete_type(caller.user_id, type_id)


@router.get("/dict-item", response_model=PageOut[DictItemOut], summary="list dictionary items")
async def list_items(
    q: Annotated[DictItemQuery, Query()], _: CanRead, dictionaries: Dictionaries
) -> PageOut[DictItemOut]:
    flt = DictItemFilter(type_code=q.type_code, label=q.label, status=q.status, created=q.created())
    page = await dictionaries.search_items(flt, q.page_request(q.sort))
    items = [DictItemOut.model_validate(fields_of(x)) for x in page.items]
    return PageOut(items=items, total=page.total, page=page.page, size=page.size)


@router.post(
    "/dict-item", response_model=Created, status_code=201, summary="create a dictionary item"
)
async def create_item(
    body: DictItemCreate,
    caller: Annotated[Principal, require("perm:dict:post")],
    dictionaries: Dictionaries,
) -> Created:
    return Created(id=await dictionaries.create_item(caller.user_id, body.command(CreateDictItem)))


@router.get("/dict-item/{item_id}", response_model=DictItemOut, summary="read a dictionary item")
async def get_item(item_id: Id, _: CanRead, dictionaries: Dictionaries) -> DictItemOut:
    return DictItemOut.model_validate(fields_of(await dictionaries.get_item(item_id)))


@router.put("/dict-item/{item_id}", status_code=204, summary="update a dictionary item")
async def update_item(
    item_id: Id,
    body: DictItemUpdate,
    caller: Annotated[Principal, require("perm:dict:put")],
    dictionaries: Dictionaries,
) -> None:
    await dictionaries.update_item(caller.user_id, item_id, body.changes(UpdateDictItem))


@router.delete("/dict-item/{item_id}", status_code=204, summary="delete a dictionary item")
async def delete_item(
    item_id: Id,
    caller: Annotated[Principal, require("perm:dict:delete")],
    dictionaries: Dictionaries,
) -> None:
    await dictionaries.delete_item(caller.user_id, item_id)
