"""Routes of the rbac module: the caller's own account (/user) and administration (/permission)."""

from __future__ import annotations

import base64
from typing import Annotated, Any, Literal

from fastapi import Depends, Form, Query, Request, Response
from fastapi.security import OAuth2PasswordRequestForm

from core.rbac.commands import (
    CreateLabel,
    CreateMenu,
    CreateRole,
    CreateUser,
    SetDataScope,
    UpdateLabel,
    UpdateMenu,
    UpdateProfile,
    UpdateRole,
    UpdateUser,
)
from core.rbac.mfa import CaptchaService
from core.rbac.model import Menu, MfaChallenge, Principal, TokenPair, TotpSetup
from core.rbac.module import MODULE
from core.rbac.ports import LabelFilter, RoleFilter, UserFilter
from core.rbac.service import (
    LabelService,
    MenuNode,
    MenuService,
    Profile,
    ProfileService,
    RoleService,
    TwoFactorService,
    UserService,
    UserView,
)
from core.rbac.sessions import SessionService
from core.shared.scope import DataScope, RowScope
from entrypoints.http.deps import Auth, Caller, ClientAddress, provided, require, scoped
from entrypoints.http.pages import Fresh, Pages
from entrypoints.http.routing import ApiRouter
from entrypoints.http.schemas.common import (
    Created,
    ErrorOut,
    Id,
    ListQuery,
    Order,
    PageOut,
    StatusFilter,
    fields_of,
)
from entrypoints.http.schemas.rbac import (
    CaptchaOut,
    LabelCreate,
    LabelIds,
    LabelOut,
    LabelUpdate,
    MenuCreate,
    MenuIds,
    MenuOut,
    MenuUpdate,
    MfaCode,
    MfaDisable,
    MfaEnrolledOut,
    MfaEnrolOut,
    MfaLogin,
    MfaRequiredOut,
    MfaStatusOut,
    MfaTokenIn,
    PasswordChange,
    PasswordReset,
    ProfileOut,
    ProfileUpdate,
    RecoveryCodesOut,
    RefreshIn,
    RoleBrief,
    RoleCreate,
    RoleDataScope,
    RoleDetail,
    RoleIds,
    RoleOut,
    RoleUpdate,
    RoutersOut,
    TokenOut,
    TotpSetupOut,
    UserCreate,
    UserOut,
    UserStatus,
    UserUpdate,
)

me = ApiRouter(prefix="/user", tags=["user"])
admin = ApiRouter(prefix="/permission", tags=["permission"])

# The services of this module, as handlers name them (tests override the dependencies).
profile_service = provided(lambda c: c.profiles())
user_service = provided(lambda c: c.users())
role_service = provided(lambda c: c.roles())
session_service = provided(lambda c: c.sessions())
menu_service = provided(lambda c: c.menus())
label_service = provided(lambda c: c.labels())

Profiles = Annotated[ProfileService, Depends(profile_service)]
Users = Annotated[UserService, Depends(user_service)]
Roles = Annotated[RoleService, Depends(role_service)]
Sessions = Annotated[SessionService, Depends(session_service)]
Menus = Annotated[MenuService, Depends(menu_service)]
Labels = Annotated[LabelService, Depends(label_service)]

# The caller's data scope on the user routes (the same guard as the route's label: one check).
UserScopeGet = Annotated[RowScope, scoped("perm:user:get")]
UserScopePut = Annotated[RowScope, scoped("perm:user:put")]
UserScopeDelete = Annotated[RowScope, scoped("perm:user:delete")]


# --- the caller's own account ----------------------------------------------------------


@me.post(
    "/login",
    response_model=TokenOut | MfaRequiredOut | MfaEnrolOut,
    summary="log in",
    responses={
        400: {"model": ErrorOut, "description": "captcha_invalid: a captcha is needed"},
        401: {"model": ErrorOut, "description": "bad_credentials or user_disabled"},
        429: {"model": ErrorOut, "description": "too many failed logins (see Retry-After)"},
        503: {"model": ErrorOut, "description": "cache_unavailable"},
    },
)
async def login(
    request: Request,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    auth: Auth,
    ip: ClientAddress,
    remember: Annotated[bool, Form(description="keep the session for days (remember me)")] = False,
    captcha_id: Annotated[str | None, Form(max_length=64)] = None,
    captcha_code: Annotated[str | None, Form(max_length=16)] = None,
) -> TokenOut | MfaRequiredOut | MfaEnrolOut:
    ua = request.headers.get("user-agent", "")
    issued = await auth.sign_in(
        form.username,
        form.password,
        ip,
        ua,
        remember=remember,
        captcha_id=captcha_id,
        captcha_code=captcha_code,
    )
    if isinstance(issued, MfaChallenge):
        return _challenge(issued)
    return _tokens(issued)


@me.post(
    "/token/refresh",
    response_model=TokenOut,
    summary="refresh the tokens",
    responses={
        401: {
            "model": ErrorOut,
            "description": "refresh_invalid, token_expired, token_revoked or refresh_reused",
        },
        503: {"model": ErrorOut, "description": "cache_unavailable"},
    },
)
async def refresh_tokens(
    request: Request, body: RefreshIn, sessions: Sessions, ip: ClientAddress
) -> TokenOut:
    ua = request.headers.get("user-agent", "")
    return _tokens(await sessions.refresh(body.refresh_token, ip, ua))


def _tokens(pair: TokenPair) -> TokenOut:
    return TokenOut(
        access_token=pair.access_token,
        expires_in=pair.expires_in,
        refresh_token=pair.refresh_token,
        refresh_expires_in=pair.refresh_expires_in,
    )


@me.post("/logout", summary="log out", status_code=204)
async def logout(caller: Caller, auth: Auth) -> None:
    """Ends the caller's session: its access and refresh tokens stop working everywhere."""
    await auth.logout(caller)


@me.get("/info", response_model=ProfileOut, summary="my profile")
async def info(caller: Caller, profiles: Profiles) -> ProfileOut:
    # Asked on every page load: the cache answers from memory when it holds the profile.
    return _profile(await profiles.profile(caller))


@me.put("/info", response_model=ProfileOut, summary="update my profile")
async def update_info(caller: Caller, body: ProfileUpdate, profiles: Profiles) -> ProfileOut:
    return _profile(await profiles.update(caller, body.changes(UpdateProfile)))


@me.put("/password", summary="change my password", status_code=204)
async def change_password(caller: Caller, body: PasswordChange, auth: Auth) -> None:
    await auth.change_password(caller, body.old_password, body.new_password)


@me.get(
    "/routers",
    response_model=RoutersOut,
    summary="my sidebar, roles and labels",
    responses={403: {"model": ErrorOut, "description": "no_role: the account has no role yet"}},
)
async def routers(caller: Caller, profiles: Profiles) -> RoutersOut:
    r = await profiles.routers(caller)
    return RoutersOut(roles=r.roles, labels=r.labels, menus=[_menu_node(n) for n in r.menus])


def _profile(p: Profile) -> ProfileOut:
    return ProfileOut.model_validate({**p.fields, "roles": p.role_codes})


# --- users -----------------------------------------------------------------------------


class UserQuery(ListQuery):
    username: str | None = None
    nickname: str | None = None
    status: StatusFilter = None
    dept_id: Id | None = None  # this department and everything below it
    sort: Literal["id", "created_time", "username"] = "id"

    def filter(self) -> UserFilter:
        return UserFilter(
            username=self.username,
            nickname=self.nickname,
            status=self.status,
            created=self.created(),
            dept_id=self.dept_id,
        )


# The tables a user-list answer reads, as the module's spec declares them.
USER_LIST_TABLES = MODULE.list_tables("users")


@admin.get("/user", response_model=PageOut[UserOut], summary="list users")
async def list_users(
    request: Request,
    q: Annotated[UserQuery, Query()],
    scope: UserScopeGet,
    users: Users,
    pages: Pages,
) -> Response:
    async def compute() -> Fresh:
        page = await users.search(q.filter(), q.page_request(q.sort), scope)
        items = [_user(v) for v in page.items]
        return PageOut(items=items, total=page.total, page=page.page, size=page.size), None

    return await pages.answer(request, USER_LIST_TABLES, compute, scope)


@admin.post("/user", response_model=Created, status_code=201, summary="create a user")
async def create_user(
    body: UserCreate,
    caller: Annotated[Principal, require("perm:user:post")],
    scope: Annotated[RowScope, scoped("perm:user:post")],
    users: Users,
) -> Created:
    return Created(id=await users.create(caller.user_id, body.command(CreateUser), scope))


@admin.get("/user/{user_id}", response_model=UserOut, summary="read a user")
async def get_user(user_id: Id, scope: UserScopeGet, users: Users) -> UserOut:
    return _user(await users.get(user_id, scope))


@admin.put("/user/{user_id}", summary="update a user", status_code=204)
async def update_user(
    user_id: Id,
    body: UserUpdate,
    caller: Annotated[Principal, require("perm:user:put")],
    scope: UserScopePut,
    users: Users,
) -> None:
    await users.update(caller.user_id, user_id, body.changes(UpdateUser), scope)


@admin.delete("/user/{user_id}", summary="delete a user", status_code=204)
async def delete_user(
    user_id: Id,
    caller: Annotated[Principal, require("perm:user:delete")],
    scope: UserScopeDelete,
    users: Users,
) -> None:
    await users.delete(caller.user_id, user_id, scope)


@admin.put("/user/{user_id}/active", summary="enable or disable a user", status_code=204)
async def set_user_status(
    user_id: Id,
    body: UserStatus,
    caller: Annotated[Principal, require("perm:user:put")],
    scope: UserScopePut,
    users: Users,
) -> None:
    await users.set_status(caller.user_id, user_id, body.status, scope)


@admin.put("/user/{user_id}/password", summary="reset a user's password", status_code=204)
async def reset_password(
    user_id: Id,
    body: PasswordReset,
    caller: Annotated[Principal, require("perm:user:put")],
    scope: UserScopePut,
    users: Users,
) -> None:
    await users.reset_password(caller.user_id, user_id, body.new_password, scope)


@admin.put("/user/{user_id}/roles", summary="assign roles to a user", status_code=204)
async def set_user_roles(
    user_id: Id,
    body: RoleIds,
    caller: Annotated[Principal, require("perm:user:put")],
    scope: UserScopePut,
    users: Users,
) -> None:
    await users.set_roles(caller.user_id, user_id, body.role_ids, scope)


def _user(view: UserView) -> UserOut:
    briefs = [RoleBrief.model_validate(r) for r in view.roles]
    return UserOut.model_validate(
        {
            **_fields(view.user),
            "roles": briefs,
            "dept_name": view.dept_name,
            "post_ids": [p.id for p in view.posts],
        }
    )


# --- roles -----------------------------------------------------------------------------


class RoleQuery(ListQuery):
    name: str | None = None
    code: str | None = None
    status: StatusFilter = None
    sort: Literal["id", "created_time", "sort", "code"] = "sort"
    order: Order = "asc"


@admin.get("/role", response_model=PageOut[RoleOut], summary="list roles")
async def list_roles(
    q: Annotated[RoleQuery, Query()],
    _: Annotated[Principal, require("perm:role:get")],
    roles: Roles,
) -> PageOut[RoleOut]:
    flt = RoleFilter(name=q.name, code=q.code, status=q.status, created=q.created())
    page = await roles.search(flt, q.page_request(q.sort))
    return PageOut(
        items=[RoleOut.model_validate(r) for r in page.items],
        total=page.total,
        page=page.page,
        size=page.size,
    )


@admin.post("/role", response_model=Created, status_code=201, summary="create a role")
async def create_role(
    body: RoleCreate,
    caller: Annotated[Principal, require("perm:role:post")],
    roles: Roles,
) -> Created:
    return Created(id=await roles.create(caller.user_id, body.command(CreateRole)))


@admin.get("/role/{role_id}", response_model=RoleDetail, summary="read a role")
async def get_role(
    role_id: Id, _: Annotated[Principal, require("perm:role:get")], roles: Roles
) -> RoleDetail:
    role, menu_ids, label_ids, dept_ids = await roles.get(role_id)
    return RoleDetail.model_validate(
        {
            **_fields(role),
            "menu_ids": sorted(menu_ids),
            "label_ids": sorted(label_ids),
            "dept_ids": sorted(dept_ids),
        }
    )


@admin.put("/role/{role_id}", summary="update a role", status_code=204)
async def update_role(
    role_id: Id,
    body: RoleUpdate,
    caller: Annotated[Principal, require("perm:role:put")],
    roles: Roles,
) -> None:
    await roles.update(caller.user_id, role_id, body.changes(UpdateRole))


@admin.delete("/role/{role_id}", summary="delete a role", status_code=204)
async def delete_role(
    role_id: Id,
    caller: Annotated[Principal, require("perm:role:delete")],
    roles: Roles,
) -> None:
    await roles.delete(caller.user_id, role_id)


@admin.put("/role/{role_id}/menus", summary="assign menus to a role", status_code=204)
async def set_role_menus(
    role_id: Id,
    body: MenuIds,
    caller: Annotated[Principal, require("perm:role:put")],
    roles: Roles,
) -> None:
    await roles.set_menus(caller.user_id, role_id, body.menu_ids)


@admin.put(
    "/role/{role_id}/perm-labels", summary="assign permission labels to a role", status_code=204
)
async def set_role_labels(
    role_id: Id,
    body: LabelIds,
    caller: Annotated[Principal, require("perm:role:put")],
    roles: Roles,
) -> None:
    await roles.set_labels(caller.user_id, role_id, body.label_ids)


@admin.put(
    "/role/{role_id}/data-scope",
    summary="set a role's data scope",
    status_code=204,
    responses={403: {"model": ErrorOut, "description": "data_scope_exceeded: beyond your own"}},
)
async def set_role_data_scope(
    role_id: Id,
    body: RoleDataScope,
    caller: Annotated[Principal, require("perm:role:put")],
    roles: Roles,
) -> None:
    cmd = SetDataScope(data_scope=DataScope(body.data_scope), dept_ids=frozenset(body.dept_ids))
    await roles.set_data_scope(caller.user_id, role_id, cmd)


# --- menus -----------------------------------------------------------------------------


@admin.get("/menu", response_model=list[MenuOut], summary="the menu tree")
async def menu_tree(
    _: Annotated[Principal, require("perm:menu:get")], menus: Menus
) -> list[MenuOut]:
    return [_menu_node(n) for n in await menus.tree()]


@admin.post("/menu", response_model=Created, status_code=201, summary="create a menu")
async def create_menu(
    body: MenuCreate,
    caller: Annotated[Principal, require("perm:menu:post")],
    menus: Menus,
) -> Created:
    return Created(id=await menus.create(caller.user_id, body.command(CreateMenu)))


@admin.get("/menu/{menu_id}", response_model=MenuOut, summary="read a menu")
async def get_menu(
    menu_id: Id, _: Annotated[Principal, require("perm:menu:get")], menus: Menus
) -> MenuOut:
    return MenuOut.model_validate(_fields(await menus.get(menu_id)))


@admin.put("/menu/{menu_id}", summary="update a menu", status_code=204)
async def update_menu(
    menu_id: Id,
    body: MenuUpdate,
    caller: Annotated[Principal, require("perm:menu:put")],
    menus: Menus,
) -> None:
    await menus.update(caller.user_id, menu_id, body.changes(UpdateMenu))


@admin.delete("/menu/{menu_id}", summary="delete a menu", status_code=204)
async def delete_menu(
    menu_id: Id,
    caller: Annotated[Principal, require("perm:menu:delete")],
    menus: Menus,
) -> None:
    await menus.delete(caller.user_id, menu_id)


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
async def list_labels(
    q: Annotated[LabelQuery, Query()],
    _: Annotated[Principal, require("perm:label:get")],
    labels: Labels,
) -> PageOut[LabelOut]:
    flt = LabelFilter(label=q.label, name=q.name, status=q.status, created=q.created())
    page = await labels.search(flt, q.page_request(q.sort))
    return PageOut(
        items=[LabelOut.model_validate(x) for x in page.items],
        total=page.total,
        page=page.page,
        size=page.size,
    )


@admin.post(
    "/perm-label", response_model=Created, status_code=201, summary="create a permission label"
)
async def create_label(
    body: LabelCreate,
    caller: Annotated[Principal, require("perm:label:post")],
    labels: Labels,
) -> Created:
    return Created(id=await labels.create(caller.user_id, body.command(CreateLabel)))


@admin.get("/perm-label/{label_id}", response_model=LabelOut, summary="read a permission label")
async def get_label(
    label_id: Id, _: Annotated[Principal, require("perm:label:get")], labels: Labels
) -> LabelOut:
    return LabelOut.model_validate(await labels.get(label_id))


@admin.put("/perm-label/{label_id}", summary="update a permission label", status_code=204)
async def update_label(
    label_id: Id,
    body: LabelUpdate,
    caller: Annotated[Principal, require("perm:label:put")],
    labels: Labels,
) -> None:
    await labels.update(caller.user_id, label_id, body.changes(UpdateLabel))


@admin.delete("/perm-label/{label_id}", summary="delete a permission label", status_code=204)
async def delete_label(
    label_id: Id,
    caller: Annotated[Principal, require("perm:label:delete")],
    labels: Labels,
) -> None:
    await labels.delete(caller.user_id, label_id)


def _fields(entity: object) -> dict[str, Any]:
    data = fields_of(entity)
    if isinstance(entity, Menu):
        data["type"] = entity.type.value
    return data


# --- two-factor sign-in and the login captcha -------------------------------------------

two_factor_service = provided(lambda c: c.two_factor())
captcha_service = provided(lambda c: c.captcha())
TwoFactor = Annotated[TwoFactorService, Depends(two_factor_service)]
Captchas = Annotated[CaptchaService, Depends(captcha_service)]

MFA_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorOut, "description": "mfa_code_invalid: wrong or replayed code"},
    401: {"model": ErrorOut, "description": "mfa_token_invalid"},
    429: {"model": ErrorOut, "description": "mfa_throttled (see Retry-After)"},
}


@me.get("/captcha", response_model=CaptchaOut, summary="a login captcha")
async def captcha(captchas: Captchas, ip: ClientAddress) -> CaptchaOut:
    c = await captchas.issue(ip)
    image = "data:image/png;base64," + base64.b64encode(c.png).decode("ascii")
    return CaptchaOut(captcha_id=c.captcha_id, image=image, enabled=c.enabled)


@me.post(
    "/login/2fa",
    response_model=TokenOut,
    summary="log in: the second factor",
    responses={**MFA_ERRORS, 403: {"model": ErrorOut, "description": "user_disabled"}},
)
async def login_2fa(request: Request, body: MfaLogin, auth: Auth, ip: ClientAddress) -> TokenOut:
    ua = request.headers.get("user-agent", "")
    return _tokens(await auth.login_2fa(body.mfa_token, body.code, ip, ua))


@me.post(
    "/login/2fa/setup",
    response_model=TotpSetupOut,
    summary="log in: set up the required second factor",
    responses={**MFA_ERRORS, 409: {"model": ErrorOut, "description": "mfa_already_enabled"}},
)
async def login_2fa_setup(body: MfaTokenIn, auth: Auth) -> TotpSetupOut:
    return _setup(await auth.enrol_setup(body.mfa_token))


@me.post(
    "/login/2fa/enable",
    response_model=MfaEnrolledOut,
    summary="log in: turn on the required second factor",
    responses={**MFA_ERRORS, 409: {"model": ErrorOut, "description": "mfa_not_set_up"}},
)
async def login_2fa_enable(
    request: Request, body: MfaLogin, auth: Auth, ip: ClientAddress
) -> MfaEnrolledOut:
    ua = request.headers.get("user-agent", "")
    codes, issued = await auth.enrol_enable(body.mfa_token, body.code, ip, ua)
    return MfaEnrolledOut(recovery_codes=codes, token=_tokens(issued))


@me.get("/2fa", response_model=MfaStatusOut, summary="my two-factor sign-in")
async def mfa_status(caller: Caller, two_factor: TwoFactor) -> MfaStatusOut:
    enabled, left = await two_factor.status(caller)
    return MfaStatusOut(enabled=enabled, recovery_codes_left=left)


@me.post(
    "/2fa/setup",
    response_model=TotpSetupOut,
    summary="set up two-factor sign-in",
    responses={409: {"model": ErrorOut, "description": "mfa_already_enabled"}},
)
async def mfa_setup(caller: Caller, two_factor: TwoFactor) -> TotpSetupOut:
    return _setup(await two_factor.setup(caller))


@me.post(
    "/2fa/enable",
    response_model=RecoveryCodesOut,
    summary="turn on two-factor sign-in",
    responses={
        **MFA_ERRORS,
        409: {"model": ErrorOut, "description": "mfa_already_enabled or mfa_not_set_up"},
    },
)
async def mfa_enable(caller: Caller, body: MfaCode, two_factor: TwoFactor) -> RecoveryCodesOut:
    return RecoveryCodesOut(recovery_codes=await two_factor.enable(caller, body.code))


@me.post(
    "/2fa/disable",
    status_code=204,
    summary="turn off two-factor sign-in",
    responses={**MFA_ERRORS, 409: {"model": ErrorOut, "description": "mfa_not_enabled"}},
)
async def mfa_disable(caller: Caller, body: MfaDisable, two_factor: TwoFactor) -> None:
    await two_factor.disable(caller, body.password, body.code)


@admin.delete(
    "/user/{user_id}/2fa",
    status_code=204,
    summary="reset a user's two-factor sign-in",
    responses={409: {"model": ErrorOut, "description": "mfa_not_enabled"}},
)
async def reset_user_mfa(
    user_id: Id,
    caller: Annotated[Principal, require("perm:user:put")],
    scope: UserScopePut,
    two_factor: TwoFactor,
) -> None:
    await two_factor.reset(caller, user_id, scope)


def _challenge(c: MfaChallenge) -> MfaRequiredOut | MfaEnrolOut:
    if c.enrol:
        return MfaEnrolOut(mfa_token=c.mfa_token, expires_in=c.expires_in)
    return MfaRequiredOut(mfa_token=c.mfa_token, expires_in=c.expires_in)


def _setup(s: TotpSetup) -> TotpSetupOut:
    return TotpSetupOut(secret=s.secret, otpauth_uri=s.otpauth_uri, qr_svg=s.qr_svg)
