"""Routes of the config-parameter module (`/system/config-setting`)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Query, Request, Response
from starlette.concurrency import run_in_threadpool

from core.config.module import MODULE
from core.config.ports import ConfigFilter
from core.rbac.model import Principal
from entrypoints.http.deps import container_of, require
from entrypoints.http.pages import Fresh, pages_of
from entrypoints.http.routing import ApiRouter
from entrypoints.http.schemas.common import Id, ListQuery, Order, PageOut, fields_of
from entrypoints.http.schemas.config import ConfigCreate, ConfigOut, ConfigUpdate, ConfigValueOut
from entrypoints.http.schemas.rbac import Created

router = ApiRouter(prefix="/system/config-setting", tags=["config"])


class ConfigQuery(ListQuery):
    name: str | None = None
    key: str | None = None
    sort: Literal["id", "created_time", "sort", "key"] = "sort"
    order: Order = "asc"


LIST_TABLES = MODULE.list_tables("config_settings")


@router.get("", response_model=PageOut[ConfigOut], summary="list config parameters")
async def list_configs(
    request: Request,
    q: Annotated[ConfigQuery, Query()],
    _: Annotated[Principal, require("perm:config:get")],
) -> Response:
    def compute() -> Fresh:
        flt = ConfigFilter(name=q.name, key=q.key, created=q.created())
        page = container_of(request).configs().search(flt, q.page_request(q.sort))
        items = [ConfigOut.model_validate(fields_of(x)) for x in page.items]
        return PageOut(items=items, total=page.total, page=page.page, size=page.size), None

    return await pages_of(request).answer(request, LIST_TABLES, compute)


@router.post("", response_model=Created, status_code=201, summary="create a config parameter")
def create_config(
    request: Request, body: ConfigCreate, caller: Annotated[Principal, require("perm:config:post")]
) -> Created:
    return Created(id=container_of(request).configs().create(caller.user_id, body.model_dump()))


@router.get("/key/{key}", response_model=ConfigValueOut, summary="read a parameter by key (cached)")
async def config_by_key(
    request: Request, key: str, _: Annotated[Principal, require("perm:config:get")]
) -> ConfigValueOut:
    # Read by every client often: from memory when possible, without a thread hop.
    configs = container_of(request).configs()
    found = configs.peek_by_key(key)
    if found is None:
        found = await run_in_threadpool(configs.by_key, key)
    return ConfigValueOut.model_validate(found)


@router.get("/{setting_id}", response_model=ConfigOut, summary="read a config parameter")
def get_config(
    request: Request, setting_id: Id, _: Annotated[Principal, require("perm:config:get")]
) -> ConfigOut:
    return ConfigOut.model_validate(fields_of(container_of(request).configs().get(setting_id)))


@router.put("/{setting_id}", status_code=204, summary="update a config parameter")
def update_config(
    request: Request,
    setting_id: Id,
    body: ConfigUpdate,
    caller: Annotated[Principal, require("perm:config:put")],
) -> None:
    container_of(request).configs().update(
        caller.user_id, setting_id, body.model_dump(exclude_unset=True)
    )


@router.delete("/{setting_id}", status_code=204, summary="delete a config parameter")
def delete_config(
    request: Request, setting_id: Id, caller: Annotated[Principal, require("perm:config:delete")]
) -> None:
    container_of(request).configs().delete(caller.user_id, setting_id)
