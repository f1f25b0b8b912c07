"""Typed commands of the rbac use cases: exactly what each may change, nothing else.

A user's username, password hash and status are not in `UpdateUser`: a username is fixed,
a password changes through its own use cases (which check the policy and sign the user out),
and so does the status (disabling revokes every token).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from core.rbac.model import ENABLED, MenuType
from core.shared.commands import UNSET, Maybe
from core.shared.scope import DataScope


@dataclass(frozen=True, kw_only=True)
class CreateUser:
    username: str
    password: str
    nickname: str = ""
    email: str | None = None
    phone: str | None = None
    avatar: str | None = None
    status: int = ENABLED
    role_ids: Sequence[int] = ()
    dept_id: int | None = None
    post_ids: Sequence[int] = ()


@dataclass(frozen=True, kw_only=True)
class UpdateUser:
    """An administrator edits an account's contact fields (None clears e-mail, phone, avatar),
    its department (None: none) and its posts."""

    nickname: Maybe[str] = UNSET
    email: Maybe[str | None] = UNSET
    phone: Maybe[str | None] = UNSET
    avatar: Maybe[str | None] = UNSET
    dept_id: Maybe[int | None] = UNSET
    post_ids: Maybe[Sequence[int]] = UNSET


@dataclass(frozen=True, kw_only=True)
class UpdateProfile:
    """A user edits their own contact fields; `email` may only repeat the current address."""

    nickname: Maybe[str] = UNSET
    email: Maybe[str | None] = UNSET
    phone: Maybe[str | None] = UNSET
    avatar: Maybe[str | None] = UNSET


@dataclass(frozen=True, kw_only=True)
class CreateRole:
    code: str
    name: str
    status: int = ENABLED
    sort: int = 0
    remark: str = ""


@dataclass(frozen=True, kw_only=True)
class UpdateRole:
    """No `code`: labels, seeds and the sign-up parameter name roles by code, so a rename would
    re-point them (sign-up could start granting another role's privileges). The admin role is
    never disabled."""

    name: Maybe[str] = UNSET
    status: Maybe[int] = UNSET
    sort: Maybe[int] = UNSET
    remark: Maybe[str] = UNSET


@dataclass(frozen=True, kw_only=True)
class CreateMenu:
    """`parent_id` None or 0 hangs the menu at the root."""

    name: str
    title: str
    type: MenuType = MenuType.MENU
    parent_id: int | None = None
    title_en: str = ""
    path: str = ""
    component: str = ""
    icon: str = ""
    sort: int = 0
    hidden: bool = False
    status: int = ENABLED
    perm: str = ""


@dataclass(frozen=True, kw_only=True)
class UpdateMenu:
    name: Maybe[str] = UNSET
    title: Maybe[str] = UNSET
    type: Maybe[MenuType] = UNSET
    parent_id: Maybe[int | None] = UNSET
    title_en: Maybe[str] = UNSET
    path: Maybe[str] = UNSET
    component: Maybe[str] = UNSET
    icon: Maybe[str] = UNSET
    sort: Maybe[int] = UNSET
    hidden: Maybe[bool] = UNSET
    status: Maybe[int] = UNSET
    perm: Maybe[str] = UNSET


@dataclass(frozen=True, kw_only=True)
class CreateLabel:
    label: str
    name: str = ""
    status: int = ENABLED
    remark: str = ""


@dataclass(frozen=True, kw_only=True)
class UpdateLabel:
    label: Maybe[str] = UNSET
    name: Maybe[str] = UNSET
    status: Maybe[int] = UNSET
    remark: Maybe[str] = UNSET


@dataclass(frozen=True, kw_only=True)
class SetDataScope:
    """A role's data scope; `dept_ids` only with `custom` (its departments, exactly those)."""

    data_scope: DataScope
    dept_ids: frozenset[int] = frozenset()
