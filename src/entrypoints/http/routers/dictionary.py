"""Routes of the dictionary module: types, items, and the items of a type for every select."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Query, Request
from starlette.concurrency import run_in_threadpool

from core.dictionary.ports import DictItemFilter, DictTypeFilter
from core.rbac.model import Principal
from entrypoints.http.deps import Caller, container_of, require
from entrypoints.http.routing import ApiRouter
from entrypoints.http.schemas.common import Id, ListQuery, Order, PageOut, StatusFilter, fields_of
from entrypoints.http.schemas.config import (
    DictItemCreate,
    DictItemOut,
    DictItemUpdate,
    DictOption,
    DictTypeCreate,
    DictTypeOut,
    DictTypeUpdate,
)
from entrypoints.http.schemas.rbac import Created

router = ApiRouter(prefix="/system", tags=["dictionary"])
CanRead = Annotated[Principal, require("perm:dict:get")]


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
async def dict_items_of(request: Request, type_code: str, _: Caller) -> list[DictOption]:
    # Every page's selects and tags read this, so any signed-in user may; from memory when
    # possible, without a thread hop.
    dictionaries = container_of(request).dictionaries()
    items = dictionaries.peek_items(type_code)
    if items is None:
        items = await run_in_threadpool(dictionaries.items_of, type_code)
    return [DictOption.model_validate(x) for x in items]


@router.get("/dict-type", response_model=PageOut[DictTypeOut], summary="list dictionary types")
def list_types(
    request: Request, q: Annotated[DictTypeQuery, Query()], _: CanRead
) -> PageOut[DictTypeOut]:
    flt = DictTypeFilter(code=q.code, name=q.name, status=q.status, created=q.created())
    page = container_of(request).dictionaries().search_types(flt, q.page_request(q.sort))
    items = [DictTypeOut.model_validate(fields_of(x)) for x in page.items]
    return PageOut(items=items, total=page.total, page=page.page, size=page.size)


@router.post(
    "/dict-type", response_model=Created, status_code=201, summary="create a dictionary type"
)
def create_type(
    request: Request, body: DictTypeCreate, caller: Annotated[Principal, require("perm:dict:post")]
) -> Created:
    return Created(
        id=container_of(request).dictionaries().create_type(caller.user_id, body.model_dump())
    )


@router.get("/dict-type/{type_id}", response_model=DictTypeOut, summary="read a dictionary type")
def get_type(request: Request, type_id: Id, _: CanRead) -> DictTypeOut:
    return DictTypeOut.model_validate(
        fields_of(container_of(request).dictionaries().get_type(type_id))
    )


@router.put("/dict-type/{type_id}", status_code=204, summary="update a dictionary type")
def update_type(
    request: Request,
    type_id: Id,
    body: DictTypeUpdate,
    caller: Annotated[Principal, require("perm:dict:put")],
) -> None:
    container_of(request).dictionaries().update_type(
        caller.user_id, type_id, body.model_dump(exclude_unset=True)
    )


@router.delete("/dict-type/{type_id}", status_code=204, summary="delete a dictionary type")
def delete_type(
    request: Request, type_id: Id, caller: Annotated[Principal, require("perm:dict:delete")]
) -> None:
    container_of(request).dictionaries().delete_type(caller.user_id, type_id)


@router.get("/dict-item", response_model=PageOut[DictItemOut], summary="list dictionary items")
def list_items(
    request: Request, q: Annotated[DictItemQuery, Query()], _: CanRead
) -> PageOut[DictItemOut]:
    flt = DictItemFilter(type_code=q.type_code, label=q.label, status=q.status, created=q.created())
    page = container_of(request).dictionaries().search_items(flt, q.page_request(q.sort))
    items = [DictItemOut.model_validate(fields_of(x)) for x in page.items]
    return PageOut(items=items, total=page.total, page=page.page, size=page.size)


@router.post(
    "/dict-item", response_model=Created, status_code=201, summary="create a dictionary item"
)
def create_item(
    request: Request, body: DictItemCreate, caller: Annotated[Principal, require("perm:dict:post")]
) -> Created:
    return Created(
        id=container_of(request).dictionaries().create_item(caller.user_id, body.model_dump())
    )


@router.get("/dict-item/{item_id}", response_model=DictItemOut, summary="read a dictionary item")
def get_item(request: Request, item_id: Id, _: CanRead) -> DictItemOut:
    return DictItemOut.model_validate(
        fields_of(container_of(request).dictionaries().get_item(item_id))
    )


@router.put("/dict-item/{item_id}", status_code=204, summary="update a dictionary item")
def update_item(
    request: Request,
    item_id: Id,
    body: DictItemUpdate,
    caller: Annotated[Principal, require("perm:dict:put")],
) -> None:
    container_of(request).dictionaries().update_item(
        caller.user_id, item_id, body.model_dump(exclude_unset=True)
    )


@router.delete("/dict-item/{item_id}", status_code=204, summary="delete a dictionary item")
def delete_item(
    request: Request, item_id: Id, caller: Annotated[Principal, require("perm:dict:delete")]
) -> None:
    container_of(request).dictionaries().delete_item(caller.user_id, item_id)
