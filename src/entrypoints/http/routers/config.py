"""Routes of the config-parameter module (`/system/config-setting`)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Depends, Query, Request, Response

from core.config.commands import CreateConfig, UpdateConfig
from core.config.module import MODULE
from core.config.ports import ConfigFilter
from core.config.service import ConfigService
from core.rbac.model import Principal
from entrypoints.http.deps import provided, require
from entrypoints.http.pages import Fresh, Pages
from entrypoints.http.routing import ApiRouter
from entrypoints.http.schemas.common import Created, Id, ListQuery, Order, PageOut, fields_of
from entrypoints.http.schemas.config import ConfigCreate, ConfigOut, ConfigUpdate, ConfigValueOut

router = ApiRouter(prefix="/system/config-setting", tags=["config"])

config_service = provided(lambda c: c.configs())
Configs = Annotated[ConfigService, Depends(config_service)]


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
    configs: Configs,
    pages: Pages,
) -> Response:
    async def compute() -> Fresh:
        flt = ConfigFilter(name=q.name, key=q.key, created=q.created())
        page = await configs.search(flt, q.page_request(q.sort))
        items = [ConfigOut.model_validate(fields_of(x)) for x in page.items]
        return PageOut(items=items, total=page.total, page=page.page, size=page.size), None

    return await pages.answer(request, LIST_TABLES, compute)


@router.post("", response_model=Created, status_code=201, summary="create a config parameter")
async def create_config(
    body: ConfigCreate,
    caller: Annotated[Principal, require("perm:config:post")],
    configs: Configs,
) -> Created:
    return Created(id=await configs.create(caller.user_id, body.command(CreateConfig)))


@router.get("/key/{key}", response_model=ConfigValueOut, summary="read a parameter by key (cached)")
async def config_by_key(
    key: str,
    _: Annotated[Principal, require("perm:config:get")],
    configs: Configs,
) -> ConfigValueOut:
    # Read by every client often: the cache answers from memory when it holds the value.
    return ConfigValueOut.model_validate(await configs.by_key(key))


@router.get("/{setting_id}", response_model=ConfigOut, summary="read a config parameter")
async def get_config(
    setting_id: Id,
    _: Annotated[Principal, require("perm:config:get")],
    configs: Configs,
) -> ConfigOut:
    return ConfigOut.model_validate(fields_of(await configs.get(setting_id)))


@router.put("/{setting_id}", status_code=204, summary="update a config parameter")
async def update_config(
    setting_id: Id,
    body: ConfigUpdate,
    caller: Annotated[Principal, require("perm:config:put")],
    configs: Configs,
) -> None:
    await configs.update(caller.user_id, setting_id, body.changes(UpdateConfig))


@router.delete("/{setting_id}", status_code=204, summary="delete a config parameter")
async def delete_config(
    setting_id: Id,
    caller: Annotated[Principal, require("perm:config:delete")],
    configs: Configs,
) -> None:
    await configs.delete(caller.user_id, setting_id)
