"""Initial data: roles, labels, menus and demo accounts, added idempotently.

Each module contributes a `SeedBundle`; the seed adds what is missing by natural
key and links only what it creates in the same run, so an operator's later edits
to links are never undone by seeding again.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from core.rbac.model import ADMIN_ROLE, Menu, MenuType, PermLabel, Role, User
from core.rbac.ports import PasswordHasher, RbacUnitOfWork
from core.shared.clock import Clock
from core.shared.language import DEFAULT_LANGUAGE, NO_TEXT, Text


@dataclass(frozen=True)
class SeedRole:
    code: str
    name: Text
    sort: int = 0
    remark: Text = NO_TEXT


@dataclass(frozen=True)
class SeedLabel:
    label: str
    name: Text
    roles: tuple[str, ...] = ()


@dataclass(frozen=True)
class SeedMenu:
    name: str
    title: str
    title_en: str
    type: MenuType
    parent: str | None = None
    path: str = ""
    component: str = ""
    icon: str = ""
    sort: int = 0
    perm: str = ""
    roles: tuple[str, ...] = ()


@dataclass(frozen=True)
class SeedUser:
    username: str
    password: str
    nickname: Text
    roles: tuple[str, ...]
    demo: bool = True


# A module's own data (config parameters, dictionaries, jobs...): given the unit of work, the
# instant and the seed's language, it adds what is missing by natural key and returns counts of
# what it added.
Seeder = Callable[[Any, datetime, str], Awaitable[dict[str, int]]]


@dataclass(frozen=True)
class SeedBundle:
    roles: tuple[SeedRole, ...] = ()
    labels: tuple[SeedLabel, ...] = ()
    menus: tuple[SeedMenu, ...] = ()
    users: tuple[SeedUser, ...] = ()
    seeders: tuple[Seeder, ...] = ()


def merged(*bundles: SeedBundle) -> SeedBundle:
    """One bundle holding each of these in order (a module's pages, then its report buttons)."""
    return SeedBundle(
        roles=tuple(r for b in bundles for r in b.roles),
        labels=tuple(lab for b in bundles for lab in b.labels),
        menus=tuple(m for b in bundles for m in b.menus),
        users=tuple(u for b in bundles for u in b.users),
        seeders=tuple(s for b in bundles for s in b.seeders),
    )


@dataclass
class SeedReport:
    created: dict[str, int] = field(default_factory=dict)
    generated_admin_password: str | None = None

    def bump(self, kind: str, n: int = 1) -> None:
        if n:
            self.created[kind] = self.created.get(kind, 0) + n


def crud_labels(
    resource: str, title: Text, read_roles: tuple[str, ...], write_roles: tuple[str, ...] = ()
) -> tuple[SeedLabel, ...]:
    verbs = {
        "get": ("查询", "Read"),
        "post": ("新增", "Create"),
        "put": ("修改", "Edit"),
        "delete": ("删除", "Delete"),
    }
    return tuple(
        SeedLabel(
            f"perm:{resource}:{verb}",
            Text(f"{title.zh}{zh}", f"{en} {title.en}"),
            read_roles if verb == "get" else write_roles,
        )
        for verb, (zh, en) in verbs.items()
    )


def crud_buttons(
    parent: str, resource: str, title: str, title_en: str, roles: tuple[str, ...] = ()
) -> tuple[SeedMenu, ...]:
    words = (("post", "新增", "Add"), ("put", "修改", "Edit"), ("delete", "删除", "Delete"))
    return tuple(
        SeedMenu(
            f"{parent}:{verb}",
            f"{title}{zh}",
            f"{en} {title_en}",
            MenuType.BUTTON,
            parent=parent,
            sort=i,
            perm=f"perm:{resource}:{verb}",
            roles=roles,
        )
        for i, (verb, zh, en) in enumerate(words, start=1)
    )


READERS = ("opt",)

RBAC_SEED = SeedBundle(
    roles=(
        SeedRole(
            ADMIN_ROLE,
            Text("超级管理员", "Administrator"),
            1,
            Text("通过所有权限检查", "passes every permission check"),
        ),
        SeedRole(
            "opt",
            Text("运维人员", "Operator"),
            2,
            Text(
                "查看全部；可修改参数、字典、定时任务和业务数据",
                "reads everything; writes configs, dictionaries, jobs and business data",
            ),
        ),
        SeedRole(
            "user",
            Text("普通用户", "User"),
            3,
            Text("个人资料，查看业务数据", "own profile; reads business data"),
        ),
    ),
    labels=(
        *crud_labels("user", Text("用户", "users"), READERS),
        *crud_labels("role", Text("角色", "roles"), READERS),
        *crud_labels("menu", Text("菜单", "menus"), READERS),
        *crud_labels("label", Text("权限标识", "permission labels"), READERS),
        SeedLabel("perm:log:get", Text("日志查询", "Read logs"), READERS),
    ),
    menus=(
        SeedMenu(
            "permission",
            "权限管理",
            "Permissions",
            MenuType.DIR,
            path="/permission",
            icon="Lock",
            sort=10,
            roles=READERS,
        ),
        SeedMenu(
            "rbac_user",
            "用户管理",
            "Users",
            MenuType.MENU,
            "permission",
            "user",
            "rbac/user/index",
            "User",
            1,
            "perm:user:get",
            READERS,
        ),
        *crud_buttons("rbac_user", "user", "用户", "user"),
        SeedMenu(
            "rbac_role",
            "角色管理",
            "Roles",
            MenuType.MENU,
            "permission",
            "role",
            "rbac/role/index",
            "UserFilled",
            2,
            "perm:role:get",
            READERS,
        ),
        *crud_buttons("rbac_role", "role", "角色", "role"),
        SeedMenu(
            "rbac_menu",
            "菜单管理",
            "Menus",
            MenuType.MENU,
            "permission",
            "menu",
            "rbac/menu/index",
            "Menu",
            3,
            "perm:menu:get",
            READERS,
        ),
        *crud_buttons("rbac_menu", "menu", "菜单", "menu"),
        SeedMenu(
            "rbac_label",
            "权限标识",
            "Permission labels",
            MenuType.MENU,
            "permission",
            "label",
            "rbac/label/index",
            "Key",
            4,
            "perm:label:get",
            READERS,
        ),
        *crud_buttons("rbac_label", "label", "权限标识", "label"),
        SeedMenu(
            "log",
            "日志管理",
            "Logs",
            MenuType.DIR,
            path="/log",
            icon="Document",
            sort=90,
            roles=READERS,
        ),
        SeedMenu(
            "log_login",
            "登录日志",
            "Login log",
            MenuType.MENU,
            "log",
            "login",
            "log/login/index",
            "Tickets",
            1,
            "perm:log:get",
            READERS,
        ),
        SeedMenu(
            "log_operation",
            "操作日志",
            "Operation log",
            MenuType.MENU,
            "log",
            "operation",
            "log/operation/index",
            "Notebook",
            2,
            "perm:log:get",
            READERS,
        ),
    ),
    users=(
        SeedUser("admin", "admin123", Text("管理员", "Administrator"), (ADMIN_ROLE,), demo=False),
        SeedUser("opt", "opt123", Text("运维", "Operator"), ("opt",)),
        SeedUser("user", "123456", Text("用户", "User"), ("user",)),
    ),
)


class SeedService:
    """Adds the missing initial data; running it twice changes nothing the second time.

    Display texts (names, remarks, nicknames) are written in one language, `language`, fixed
    at seed time; rows already there are never rewritten. Menus and dictionary items carry
    both languages in their own columns and follow the dashboard's language instead.
    """

    def __init__(
        self,
        uow: Callable[[], RbacUnitOfWork],
        hasher: PasswordHasher,
        clock: Clock,
        bundles: Iterable[SeedBundle],
        language: str = DEFAULT_LANGUAGE,
    ) -> None:
        self._uow = uow
        self._hasher = hasher
        self._clock = clock
        self._bundles = tuple(bundles)
        self._lang = language

    async def run(self, *, production: bool = False) -> SeedReport:
        """In production only `admin` is created, with a random password reported once."""
        report = SeedReport()
        now = self._clock.now()
        lang = self._lang
        async with self._uow() as uow:
            roles: dict[str, Role] = {}
            new_roles: set[str] = set()
            for bundle in self._bundles:
                for r in bundle.roles:
                    role = await uow.roles.get_by_code(r.code)
                    if role is None:
                        role = Role(
                            code=r.code,
                            name=r.name.in_(lang),
                            sort=r.sort,
                            remark=r.remark.in_(lang),
                        )
                        role.stamp_created(None, now)
                        await uow.roles.add(role)
                        new_roles.add(r.code)
                        report.bump("roles")
                    roles[r.code] = role

            async def role_id(code: str) -> int | None:
                role = roles.get(code) or await uow.roles.get_by_code(code)
                return role.id if role is not None else None

            for bundle in self._bundles:
                for lab in bundle.labels:
                    label = await uow.labels.get_by_label(lab.label)
                    created = label is None
                    if label is None:
                        label = PermLabel(label=lab.label, name=lab.name.in_(lang))
                        label.stamp_created(None, now)
                        await uow.labels.add(label)
                        report.bump("labels")
                    assert label.id is not None
                    for code in lab.roles:
                        rid = await role_id(code)
                        if rid is not None and (created or code in new_roles):
                            await uow.labels.link(label.id, rid, None, now)

                for m in bundle.menus:
                    menu = await uow.menus.get_by_name(m.name)
                    created = menu is None
                    if menu is None:
                        parent = await uow.menus.get_by_name(m.parent) if m.parent else None
                        menu = Menu(
                            name=m.name,
                            title=m.title,
                            title_en=m.title_en,
                            type=m.type,
                            parent_id=parent.id if parent else None,
                            path=m.path,
                            component=m.component,
                            icon=m.icon,
                            sort=m.sort,
                            perm=m.perm,
                        )
                        menu.stamp_created(None, now)
                        await uow.menus.add(menu)
                        report.bump("menus")
                    assert menu.id is not None
                    for code in m.roles:
                        rid = await role_id(code)
                        if rid is not None and (created or code in new_roles):
                            granted = await uow.roles.menu_ids(rid)
                            await uow.roles.set_menus(rid, granted | {menu.id}, None, now)

                for u in bundle.users:
                    if production and u.demo:
                        continue
                    if await uow.users.get_by_username(u.username) is not None:
                        continue
                    password = u.password
                    if production:
                        password = secrets.token_urlsafe(12)
                        report.generated_admin_password = password
                    user = User(
                        username=u.username,
                        password_hash=await self._hasher.hash(password),
                        nickname=u.nickname.in_(lang),
                    )
                    user.stamp_created(None, now)
                    await uow.users.add(user)
                    assert user.id is not None
                    ids = frozenset(
                        [rid for code in u.roles if (rid := await role_id(code)) is not None]
                    )
                    await uow.users.set_roles(user.id, ids, None, now)
                    report.bump("users")
            for bundle in self._bundles:
                for seeder in bundle.seeders:
                    for kind, n in (await seeder(uow, now, lang)).items():
                        report.bump(kind, n)
            await uow.commit()
        return report

    async def admin_uses_demo_password(self) -> bool:
        """Whether `admin` still signs in with the published demo password."""
        demo = next((u for b in self._bundles for u in b.users if u.username == ADMIN_ROLE), None)
        if demo is None:
            return False
        async with self._uow() as uow:
            admin = await uow.users.get_by_username(demo.username)
        return admin is not None and await self._hasher.verify(admin.password_hash, demo.password)
