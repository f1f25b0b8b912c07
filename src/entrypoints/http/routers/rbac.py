"""Routes of the rbac module: the caller's own account (/user) and administration (/permission)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import Depends, Query, Request, Response
from fastapi.security import OAuth2PasswordRequestForm
from starlette.concurrency import run_in_threadpool

from core.rbac.model import Menu, MenuType, Principal, Role, User
from core.rbac.module import MODULE
from core.rbac.ports import LabelFilter, RoleFilter, UserFilter
from core.rbac.service import MenuNode, Profile
from entrypoints.http.deps import Caller, container_of, require
from entrypoints.http.pages import Fresh, pages_of
from entrypoints.http.routing import ApiRouter
from entrypoints.http.schemas.common import (
    ErrorOut,
    Id,
    ListQuery,
    Order,
    PageOut,
    StatusFilter,
    fields_of,
)
from entrypoints.http.schemas.rbac import (
    Created,
    LabelCreate,
    LabelIds,
    LabelOut,
    LabelUpdate,
    MenuCreate,
    MenuIds,
    MenuOut,
    MenuUpdate,
    PasswordChange,
    PasswordReset,
    ProfileOut,
    ProfileUpdate,
    RoleBrief,
    RoleCreate,
    RoleDetail,
    RoleIds,
    RoleOut,
    RoleUpdate,
    RoutersOut,
    TokenOut,
    UserCreate,
    UserOut,
    UserStatus,
    UserUpdate,
)

me = ApiRouter(prefix="/user", tags=["user"])
admin = ApiRouter(prefix="/permission", tags=["permission"])


# --- the caller's own account ----------------------------------------------------------


@me.post(
    "/login",
    response_model=TokenOut,
    summary="log in",
    responses={
        401: {"model": ErrorOut, "description": "bad_credentials or user_disabled"},
        429: {"model": ErrorOut, "description": "too many failed logins (see Retry-After)"},
        503: {"model": ErrorOut, "description": "cache_unavailable"},
    },
)
def login(request: Request, form: Annotated[OAuth2PasswordRequestForm, Depends()]) -> TokenOut:
    c = container_of(request)
    ip = request.app.state.client_ip.of(request.scope)
    issued = c.auth().login(form.username, form.password, ip, request.headers.get("user-agent", ""))
    return TokenOut(access_token=issued.access_token, expires_in=issued.expires_in)


@me.post("/logout", summary="log out", status_code=204)
def logout(request: Request, caller: Caller) -> None:
    container_of(request).auth().logout(caller)


@me.get("/info", response_model=ProfileOut, summary="my profile")
async def info(request: Request, caller: Caller) -> ProfileOut:
    # Asked on every page load: answered from memory when it can be, without a thread hop.
    profiles = container_of(request).profiles()
    found = profiles.peek(caller)
    if found is None:
        found = await run_in_threadpool(profiles.profile, caller)
    return _profile(found)


@me.put("/info", response_model=ProfileOut, summary="update my profile")
def update_info(request: Request, caller: Caller, body: ProfileUpdate) -> ProfileOut:
    changes = body.model_dump(exclude_unset=True)
    return _profile(container_of(request).profiles().update(caller, changes))


@me.put("/password", summary="change my password", status_code=204)
def change_password(request: Request, caller: Caller, body: PasswordChange) -> None:
    container_of(request).auth().change_password(caller, body.old_password, body.new_password)


@me.get(
    "/routers",
    response_model=RoutersOut,
    summary="my sidebar, roles and labels",
    responses={403: {"model": ErrorOut, "description": "no_role: the account has no role yet"}},
)
def routers(request: Request, caller: Caller) -> RoutersOut:
    r = container_of(request).profiles().routers(caller)
    return RoutersOut(roles=r.roles, labels=r.labels, menus=[_menu_node(n) for n in r.menus])


def _profile(p: Profile) -> ProfileOut:
    return ProfileOut.model_validate({**p.fields, "roles": p.role_codes})


# --- users -----------------------------------------------------------------------------


class UserQuery(ListQuery):
    username: str | None = None
    nickname: str | None = None
    status: StatusFilter = None
    sort: Literal["id", "created_time", "username"] = "id"


# The tables a user-list answer reads, as the module's spec declares them.
USER_LIST_TABLES = MODULE.list_tables("users")


@admin.get("/user", response_model=PageOut[UserOut], summary="list users")
async def list_users(
    request: Request,
    q: Annotated[UserQuery, Query()],
    _: Annotated[Principal, require("perm:user:get")],
) -> Response:
    def compute() -> Fresh:
        flt = UserFilter(
            username=q.username, nickname=q.nickname, status=q.status, created=q.created()
        )
        page = container_of(request).users().search(flt, q.page_request(q.sort))
        items = [_user(u, roles) for u, roles in page.items]
        return PageOut(items=items, total=page.total, page=page.page, size=page.size), None

    return await pages_of(request).answer(request, USER_LIST_TABLES, compute)


@admin.post("/user", response_model=Created, status_code=201, summary="create a user")
def create_user(
    request: Request,
    body: UserCreate,
    caller: Annotated[Principal, require("perm:user:post")],
) -> Created:
    data = body.model_dump(exclude={"password", "role_ids"})
    return Created(
        id=container_of(request).users().create(caller.user_id, data, body.password, body.role_ids)
    )


@admin.get("/user/{user_id}", response_model=UserOut, summary="read a user")
def get_user(
    request: Request, user_id: Id, _: Annotated[Principal, require("perm:user:get")]
) -> UserOut:
    return _user(*container_of(request).users().get(user_id))


@admin.put("/user/{user_id}", summary="update a user", status_code=204)
def update_user(
    request: Request,
    user_id: Id,
    body: UserUpdate,
    caller: Annotated[Principal, require("perm:user:put")],
) -> None:
    container_of(request).users().update(
        caller.user_id, user_id, body.model_dump(exclude_unset=True)
    )


@admin.delete("/user/{user_id}", summary="delete a user", status_code=204)
def delete_user(
    request: Request,
    user_id: Id,
    caller: Annotated[Principal, require("perm:user:delete")],
) -> None:
    container_of(request).users().delete(caller.user_id, user_id)


@admin.put("/user/{user_id}/active", summary="enable or disable a user", status_code=204)
def set_user_status(
    request: Request,
    user_id: Id,
    body: UserStatus,
    caller: Annotated[Principal, require("perm:user:put")],
) -> None:
    container_of(request).users().set_status(caller.user_id, user_id, body.status)


@admin.put("/user/{user_id}/password", summary="reset a user's password", status_code=204)
def reset_password(
    request: Request,
    user_id: Id,
    body: PasswordReset,
    caller: Annotated[Principal, require("perm:user:put")],
) -> None:
    container_of(request).users().reset_password(caller.user_id, user_id, body.new_password)


@admin.put("/user/{user_id}/roles", summary="assign roles to a user", status_code=204)
def set_user_roles(
    request: Request,
    user_id: Id,
    body: RoleIds,
    caller: Annotated[Principal, require("perm:user:put")],
) -> None:
    container_of(request).users().set_roles(caller.user_id, user_id, body.role_ids)


def _user(user: User, roles: list[Role]) -> UserOut:
    briefs = [RoleBrief.model_validate(r) for r in roles]
    return UserOut.model_validate({**_fields(user), "roles": briefs})


# --- roles -----------------------------------------------------------------------------


class RoleQuery(ListQuery):
    name: str | None = None
    code: str | None = None
    status: StatusFilter = None
    sort: Literal["id", "created_time", "sort", "code"] = "sort"
    order: Order = "asc"


@admin.get("/role", response_model=PageOut[RoleOut], summary="list roles")
def list_roles(
    request: Request,
    q: Annotated[RoleQuery, Query()],
    _: Annotated[Principal, require("perm:role:get")],
) -> PageOut[RoleOut]:
    flt = RoleFilter(name=q.name, code=q.code, status=q.status, created=q.created())
    page = container_of(request).roles().search(flt, q.page_request(q.sort))
    return PageOut(
        items=[RoleOut.model_validate(r) for r in page.items],
        total=page.total,
        page=page.page,
        size=page.size,
    )


@admin.post("/role", response_model=Created, status_code=201, summary="create a role")
def create_role(
    request: Request,
    body: RoleCreate,
    caller: Annotated[Principal, require("perm:role:post")],
) -> Created:
    return Created(id=container_of(request).roles().create(caller.user_id, body.model_dump()))


@admin.get("/role/{role_id}", response_model=RoleDetail, summary="read a role")
def get_role(
    request: Request, role_id: Id, _: Annotated[Principal, require("perm:role:get")]
) -> RoleDetail:
    role, menu_ids, label_ids = container_of(request).roles().get(role_id)
    return RoleDetail.model_validate(
        {**_fields(role), "menu_ids": sorted(menu_ids), "label_ids": sorted(label_ids)}
    )


@admin.put("/role/{role_id}", summary="update a role", status_code=204)
def update_role(
    request: Request,
    role_id: Id,
    body: RoleUpdate,
    caller: Annotated[Principal, require("perm:role:put")],
) -> None:
    container_of(request).roles().update(
        caller.user_id, role_id, body.model_dump(exclude_unset=True)
    )


@admin.delete("/role/{role_id}", summary="delete a role", status_code=204)
def delete_role(
    request: Request,
    role_id: Id,
    caller: Annotated[Principal, require("perm:role:delete")],
) -> None:
    container_of(request).roles().delete(caller.user_id, role_id)


@admin.put("/role/{role_id}/menus", summary="assign menus to a role", status_code=204)
def set_role_menus(
    request: Request,
    role_id: Id,
    body: MenuIds,
    caller: Annotated[Principal, require("perm:role:put")],
) -> None:
    container_of(request).roles().set_menus(caller.user_id, role_id, body.menu_ids)


@admin.put(
    "/role/{role_id}/perm-labels", summary="assign permission labels to a role", status_code=204
)
def set_role_labels(
    request: Request,
    role_id: Id,
    body: LabelIds,
    caller: Annotated[Principal, require("perm:role:put")],
) -> None:
    container_of(request).roles().set_labels(caller.user_id, role_id, body.label_ids)


# --- menus -----------------------------------------------------------------------------


@admin.get("/menu", response_model=list[MenuOut], summary="the menu tree")
def menu_tree(request: Request, _: Annotated[Principal, require("perm:menu:get")]) -> list[MenuOut]:
    return [_menu_node(n) for n in container_of(request).menus().tree()]


@admin.post("/menu", response_model=Created, status_code=201, summary="create a menu")
def create_menu(
    request: Request,
    body: MenuCreate,
    caller: Annotated[Principal, require("perm:menu:post")],
) -> Created:
    return Created(
        id=container_of(request).menus().create(caller.user_id, _menu_data(body.model_dump()))
    )


@admin.get("/menu/{menu_id}", response_model=MenuOut, summary="read a menu")
def get_menu(
    request: Request, menu_id: Id, _: Annotated[Principal, require("perm:menu:get")]
) -> MenuOut:
    return MenuOut.model_validate(_fields(container_of(request).menus().get(menu_id)))


@admin.put("/menu/{menu_id}", summary="update a menu", status_code=204)
def update_menu(
    request: Request,
    menu_id: Id,
    body: MenuUpdate,
    caller: Annotated[Principal, require("perm:menu:put")],
) -> None:
    container_of(request).menus().update(
        caller.user_id, menu_id, _menu_data(body.model_dump(exclude_unset=True))
    )


@admin.delete("/menu/{menu_id}", summary="delete a menu", status_code=204)
def delete_menu(
    request: Request,
    menu_id: Id,
    caller: Annotated[Principal, require("perm:menu:delete")],
) -> None:
    container_of(request).menus().delete(caller.user_id, menu_id)


def _menu_data(data: dict[str, Any]) -> dict[str, Any]:
    if data.get("type") is not None:
        data["type"] = MenuType(data["type"])
    if data.get("parent_id") == 0:
        data["parent_id"] = None
    return data


def _menu_node(node: MenuNode) -> MenuOut:
    return MenuOut.model_validate(
        {**_fields(node.menu), "children": [_menu_node(c) for c in node.children]}
    )


# --- permission labels -----------------------------------------------------------------


class LabelQuery(ListQuery):
    label: str | None = None
    name: str | None = None
    status: StatusFilter = None
    sort: Literal["id", "created_time", "label"] = "label"
    order: Order = "asc"


@admin.get("/perm-label", response_model=PageOut[LabelOut], summary="list permission labels")
def list_labels(
    request: Request,
    q: Annotated[LabelQuery, Query()],
    _: Annotated[Principal, require("perm:label:get")],
) -> PageOut[LabelOut]:
    flt = LabelFilter(label=q.label, name=q.name, status=q.status, created=q.created())
    page = container_of(request).labels().search(flt, q.page_request(q.sort))
    return PageOut(
        items=[LabelOut.model_validate(x) for x in page.items],
        total=page.total,
        page=page.page,
        size=page.size,
    )


@admin.post(
    "/perm-label", response_model=Created, status_code=201, summary="create a permission label"
)
def create_label(
    request: Request,
    body: LabelCreate,
    caller: Annotated[Principal, require("perm:label:post")],
) -> Created:
    return Created(id=container_of(request).labels().create(caller.user_id, body.model_dump()))


@admin.get("/perm-label/{label_id}", response_model=LabelOut, summary="read a permission label")
def get_label(
    request: Request, label_id: Id, _: Annotated[Principal, require("perm:label:get")]
) -> LabelOut:
    return LabelOut.model_validate(container_of(request).labels().get(label_id))


@admin.put("/perm-label/{label_id}", summary="update a permission label", status_code=204)
def update_label(
    request: Request,
    label_id: Id,
    body: LabelUpdate,
    caller: Annotated[Principal, require("perm:label:put")],
) -> None:
    container_of(request).labels().update(
        caller.user_id, label_id, body.model_dump(exclude_unset=True)
    )


@admin.delete("/perm-label/{label_id}", summary="delete a permission label", status_code=204)
def delete_label(
    request: Request,
    label_id: Id,
    caller: Annotated[Principal, require("perm:label:delete")],
) -> None:
    container_of(request).labels().delete(caller.user_id, label_id)


def _fields(entity: object) -> dict[str, Any]:
    data = fields_of(entity)
    if isinstance(entity, Menu):
        data["type"] = entity.type.value
    return data
