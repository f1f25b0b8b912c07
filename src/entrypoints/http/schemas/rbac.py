"""Request and response shapes of the rbac module."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, EmailStr, Field

from entrypoints.http.schemas.common import Id, Input, Int, NotNull, Output, Status


def _no_crlf(value: str | None) -> str | None:
    if value is not None and ("\r" in value or "\n" in value):
        raise ValueError("line breaks are not allowed here")
    return value


Line = Annotated[str, AfterValidator(_no_crlf)]
Password = Annotated[str, Field(min_length=1, max_length=256)]


class TokenOut(Output):
    """A session's tokens: the login answer, and the refresh's."""

    access_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 - the OAuth2 token type
    expires_in: int
    refresh_token: str
    refresh_expires_in: int


class RefreshIn(Input):
    refresh_token: Annotated[str, Field(min_length=1, max_length=4096)]


class PasswordChange(Input):
    old_password: Password
    new_password: Password


class PasswordReset(Input):
    new_password: Password


class ProfileUpdate(Input):
    nickname: NotNull[Annotated[Line, Field(max_length=64)]] = None
    email: EmailStr | None = None
    phone: Annotated[Line, Field(max_length=32)] | None = None
    avatar: Annotated[Line, Field(max_length=255)] | None = None


class ProfileOut(Output):
    id: int
    username: str
    nickname: str
    email: str | None
    phone: str | None
    avatar: str | None
    status: int
    roles: list[str]
    created_time: datetime | None


class MenuOut(Output):
    id: int
    parent_id: int | None
    type: str
    name: str
    title: str
    title_en: str
    path: str
    component: str
    icon: str
    sort: int
    hidden: bool
    status: int
    perm: str
    children: list[MenuOut] = []


class RoutersOut(Output):
    roles: list[str]
    labels: list[str]
    menus: list[MenuOut]


class RoleBrief(Output):
    id: int
    code: str
    name: str


class UserCreate(Input):
    username: Annotated[str, Field(min_length=3, max_length=64)]
    password: Password
    nickname: Annotated[Line, Field(max_length=64)] = ""
    email: EmailStr | None = None
    phone: Annotated[Line, Field(max_length=32)] | None = None
    avatar: Annotated[Line, Field(max_length=255)] | None = None
    status: Status = 1
    role_ids: list[Id] = []
    dept_id: Id | None = None
    post_ids: list[Id] = []


class UserUpdate(ProfileUpdate):
    dept_id: Id | None = None  # null: no department
    post_ids: NotNull[list[Id]] = None


class UserStatus(Input):
    status: Status


class RoleIds(Input):
    role_ids: list[Id]


class UserOut(Output):
    id: int
    username: str
    nickname: str
    email: str | None
    phone: str | None
    avatar: str | None
    status: int
    roles: list[RoleBrief]
    dept_id: int | None
    dept_name: str | None
    post_ids: list[int]
    created_time: datetime | None
    modified_time: datetime | None


class RoleCreate(Input):
    code: Annotated[str, Field(min_length=2, max_length=64)]
    name: Annotated[Line, Field(min_length=1, max_length=64)]
    status: Status = 1
    sort: Int = 0
    remark: Annotated[Line, Field(max_length=255)] = ""


class RoleUpdate(Input):
    name: NotNull[Annotated[Line, Field(min_length=1, max_length=64)]] = None
    status: NotNull[Status] = None
    sort: NotNull[Int] = None
    remark: NotNull[Annotated[Line, Field(max_length=255)]] = None


# A role's data scope: which rows its holders see (core.shared.scope.DataScope).
DataScopeName = Literal["all", "custom", "dept", "dept_and_below", "self"]


class RoleOut(Output):
    id: int
    code: str
    name: str
    status: int
    sort: int
    remark: str
    data_scope: DataScopeName
    created_time: datetime | None


class RoleDetail(RoleOut):
    menu_ids: list[int]
    label_ids: list[int]
    dept_ids: list[int]


class RoleDataScope(Input):
    """`dept_ids` only with `custom`: the departments whose rows the role's holders see."""

    data_scope: DataScopeName
    dept_ids: Annotated[list[Id], Field(max_length=1000)] = []


class MenuIds(Input):
    menu_ids: list[Id]


class LabelIds(Input):
    label_ids: list[Id]


MenuKind = Literal["dir", "menu", "button"]


class MenuCreate(Input):
    parent_id: Id | None = None
    type: MenuKind
    name: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_:.-]+$")]
    title: Annotated[Line, Field(min_length=1, max_length=64)]
    title_en: Annotated[Line, Field(max_length=64)] = ""
    path: Annotated[Line, Field(max_length=255)] = ""
    component: Annotated[Line, Field(max_length=255)] = ""
    icon: Annotated[Line, Field(max_length=64)] = ""
    sort: Int = 0
    hidden: bool = False
    status: Status = 1
    perm: Annotated[Line, Field(max_length=128)] = ""


class MenuUpdate(Input):
    parent_id: Id | None = None
    type: NotNull[MenuKind] = None
    name: NotNull[
        Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_:.-]+$")]
    ] = None
    title: NotNull[Annotated[Line, Field(min_length=1, max_length=64)]] = None
    title_en: NotNull[Annotated[Line, Field(max_length=64)]] = None
    path: NotNull[Annotated[Line, Field(max_length=255)]] = None
    component: NotNull[Annotated[Line, Field(max_length=255)]] = None
    icon: NotNull[Annotated[Line, Field(max_length=64)]] = None
    sort: NotNull[Int] = None
    hidden: NotNull[bool] = None
    status: NotNull[Status] = None
    perm: NotNull[Annotated[Line, Field(max_length=128)]] = None


class LabelCreate(Input):
    label: Annotated[str, Field(min_length=6, max_length=128)]
    name: Annotated[Line, Field(max_length=64)] = ""
    status: Status = 1
    remark: Annotated[Line, Field(max_length=255)] = ""


class LabelUpdate(Input):
    label: NotNull[Annotated[str, Field(min_length=6, max_length=128)]] = None
    name: NotNull[Annotated[Line, Field(max_length=64)]] = None
    status: NotNull[Status] = None
    remark: NotNull[Annotated[Line, Field(max_length=255)]] = None


class LabelOut(Output):
    id: int
    label: str
    name: str
    status: int
    remark: str
    created_time: datetime | None


# --- two-factor sign-in and the login captcha -------------------------------------------

MfaToken = Annotated[str, Field(min_length=1, max_length=2048)]
# A 6-digit TOTP code or a recovery code (`xxxxx-xxxxx`).
MfaCodeText = Annotated[str, Field(min_length=1, max_length=32)]


class MfaRequiredOut(Output):
    mfa_required: Literal[True] = True
    mfa_token: str
    expires_in: int


class MfaEnrolOut(Output):
    mfa_enrol_required: Literal[True] = True
    mfa_token: str
    expires_in: int


class CaptchaOut(Output):
    captcha_id: str
    image: str  # data:image/png;base64,...
    enabled: bool


class TotpSetupOut(Output):
    secret: str
    otpauth_uri: str
    qr_svg: str


class MfaStatusOut(Output):
    enabled: bool
    recovery_codes_left: int


class RecoveryCodesOut(Output):
    recovery_codes: list[str]


class MfaEnrolledOut(Output):
    recovery_codes: list[str]
    token: TokenOut


class MfaCode(Input):
    code: MfaCodeText


class MfaDisable(Input):
    password: Password
    code: MfaCodeText


class MfaTokenIn(Input):
    mfa_token: MfaToken


class MfaLogin(Input):
    mfa_token: MfaToken
    code: MfaCodeText
