"""Tables and SQLAlchemy repositories of the rbac module; the repositories flush, never commit."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Enum,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Table,
    UniqueConstraint,
    and_,
    func,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.sqlalchemy.base import contains, in_range, live, locked, paginate
from adapters.sqlalchemy.org import depts, in_subtrees, posts  # also the foreign keys below
from adapters.sqlalchemy.scope import in_scope, scoped
from adapters.sqlalchemy.tables import audit_columns, metadata
from adapters.sqlalchemy.types import ExactString, UtcDateTime
from core.org.model import Post
from core.rbac.model import (  # two-factor sign-in
    Menu,
    MenuType,
    PermLabel,
    PermLabelRole,
    RecoveryCode,
    Role,
    RoleDept,
    RoleMenu,
    User,
    UserMfa,
    UserPost,
    UserRole,
)
from core.rbac.ports import (  # two-factor sign-in
    LabelFilter,
    MenuRepository,
    PermLabelRepository,
    RecoveryCodeRepository,
    RoleFilter,
    RoleRepository,
    UserFilter,
    UserLinks,
    UserMfaRepository,
    UserRepository,
)
from core.shared.model import Entity
from core.shared.pagination import Page, PageRequest
from core.shared.scope import RowScope, path_ids

# --- tables ---
users = Table(
    "t_users",
    metadata,
    *audit_columns(),
    Column("username", ExactString(64), nullable=False),
    Column("password_hash", String(255), nullable=False),
    Column("nickname", String(64), nullable=False, server_default=""),
    Column("email", String(128), nullable=True),
    Column("phone", String(32), nullable=True),
    Column("avatar", String(255), nullable=True),
    Column("status", SmallInteger, nullable=False, server_default="1"),
    # The user's department (t_dept, module org); NULL: none.
    Column("dept_id", BigInteger, nullable=True),
    UniqueConstraint("username", "is_deleted"),
    UniqueConstraint("email", "is_deleted"),
    # A scoped list picks its page from this index alone (migration 0008).
    Index("ix_t_users_dept_live", "dept_id", "is_deleted", "created_time"),
)
# A user row is in the data scope of its own department, and of the user itself.
scoped(users, dept="dept_id", user="id")

roles = Table(
    "t_roles",
    metadata,
    *audit_columns(),
    Column("code", ExactString(64), nullable=False),
    Column("name", String(64), nullable=False),
    Column("status", SmallInteger, nullable=False, server_default="1"),
    Column("sort", Integer, nullable=False, server_default="0"),
    Column("remark", String(255), nullable=False, server_default=""),
    # Which rows the role's users see: all, custom, dept, dept_and_below, self (core.shared.scope).
    Column("data_scope", String(16), nullable=False, server_default="all"),
    UniqueConstraint("code", "is_deleted"),
)

user_role = Table(
    "t_user_role",
    metadata,
    *audit_columns(),
    Column("user_id", BigInteger, ForeignKey("t_users.id"), nullable=False),
    Column("role_id", BigInteger, ForeignKey("t_roles.id"), nullable=False),
    UniqueConstraint("user_id", "role_id", "is_deleted"),
    Index("ix_t_user_role_role_id", "role_id"),
)

user_post = Table(
    "t_user_post",
    metadata,
    *audit_columns(),
    Column("user_id", BigInteger, ForeignKey("t_users.id"), nullable=False),
    Column("post_id", BigInteger, ForeignKey("t_post.id"), nullable=False),
    UniqueConstraint("user_id", "post_id", "is_deleted"),
    Index("ix_t_user_post_post_id", "post_id"),
)

# The departments a role with the `custom` data scope sees.
role_dept = Table(
    "t_role_dept",
    metadata,
    *audit_columns(),
    Column("role_id", BigInteger, ForeignKey("t_roles.id"), nullable=False),
    Column("dept_id", BigInteger, ForeignKey("t_dept.id"), nullable=False),
    UniqueConstraint("role_id", "dept_id", "is_deleted"),
    Index("ix_t_role_dept_dept_id", "dept_id"),
)

menus = Table(
    "t_menus",
    metadata,
    *audit_columns(),
    Column("parent_id", BigInteger, nullable=True),
    Column("name", String(64), nullable=False),
    Column("title", String(64), nullable=False),
    Column("title_en", String(64), nullable=False, server_default=""),
    Column(
        "type",
        Enum(
            MenuType, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e]
        ),
        nullable=False,
    ),
    Column("path", String(255), nullable=False, server_default=""),
    Column("component", String(255), nullable=False, server_default=""),
    Column("icon", String(64), nullable=False, server_default=""),
    Column("sort", Integer, nullable=False, server_default="0"),
    Column("hidden", Boolean, nullable=False, server_default="0"),
    Column("status", SmallInteger, nullable=False, server_default="1"),
    Column("perm", String(128), nullable=False, server_default=""),
    UniqueConstraint("name", "is_deleted"),
)

role_menu = Table(
    "t_role_menu",
    metadata,
    *audit_columns(),
    Column("role_id", BigInteger, ForeignKey("t_roles.id"), nullable=False),
    Column("menu_id", BigInteger, ForeignKey("t_menus.id"), nullable=False),
    UniqueConstraint("role_id", "menu_id", "is_deleted"),
    Index("ix_t_role_menu_menu_id", "menu_id"),
)

perm_labels = Table(
    "t_perm_label",
    metadata,
    *audit_columns(),
    Column("label", ExactString(128), nullable=False),
    Column("name", String(64), nullable=False, server_default=""),
    Column("status", SmallInteger, nullable=False, server_default="1"),
    Column("remark", String(255), nullable=False, server_default=""),
    UniqueConstraint("label", "is_deleted"),
)

perm_label_role = Table(
    "t_perm_label_role",
    metadata,
    *audit_columns(),
    Column("label_id", BigInteger, ForeignKey("t_perm_label.id"), nullable=False),
    Column("role_id", BigInteger, ForeignKey("t_roles.id"), nullable=False),
    UniqueConstraint("label_id", "role_id", "is_deleted"),
    Index("ix_t_perm_label_role_role_id", "role_id"),
)


L = TypeVar("L", bound=Entity)


class _Links:
    """Replaces the live set of links from one owner to many targets, soft-deleting the rest."""

    def __init__(
        self, session: AsyncSession, entity: type[Any], table: Table, owner: str, target: str
    ):
        self._s = session
        self._entity = entity
        self._table = table
        self._owner = owner
        self._target = target

    async def targets(self, owner_id: int) -> frozenset[int]:
        c = self._table.c
        rows = await self._s.execute(
            select(c[self._target]).where(c[self._owner] == owner_id, live(self._table))
        )
        return frozenset(r[0] for r in rows)

    async def replace(
        self, owner_id: int, wanted: frozenset[int], actor_id: int | None, now: datetime
    ) -> None:
        c = self._table.c
        current = list(
            await self._s.scalars(
                select(self._entity).where(c[self._owner] == owner_id, live(self._table))
            )
        )
        have = {getattr(link, self._target) for link in current}
        for link in current:
            if getattr(link, self._target) not in wanted:
                link.soft_delete(actor_id, now)
        for target_id in sorted(wanted - have):
            link = self._entity(**{self._owner: owner_id, self._target: target_id})
            link.stamp_created(actor_id, now)
            self._s.add(link)
        await self._s.flush()

    async def drop_target(self, target_id: int, actor_id: int | None, now: datetime) -> None:
        c = self._table.c
        for link in await self._s.scalars(
            select(self._entity).where(c[self._target] == target_id, live(self._table))
        ):
            link.soft_delete(actor_id, now)
        await self._s.flush()


async def _add(session: AsyncSession, entity: Entity) -> None:
    session.add(entity)
    await session.flush()


class SqlAlchemyUserRepository(UserRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._s = session
        self._links = _Links(session, UserRole, user_role, "user_id", "role_id")
        self._posts = _Links(session, UserPost, user_post, "user_id", "post_id")

    async def add(self, user: User) -> None:
        await _add(self._s, user)

    async def get(
        self, user_id: int, *, lock: bool = False, scope: RowScope | None = None
    ) -> User | None:
        where = [users.c.id == user_id, live(users)]
        if scope is not None:
            where += in_scope(users, scope)
        return await self._s.scalar(locked(select(User).where(*where), lock))

    async def get_by_username(self, username: str) -> User | None:
        return await self._s.scalar(select(User).where(users.c.username == username, live(users)))

    async def get_by_email(self, email: str) -> User | None:
        return await self._s.scalar(select(User).where(users.c.email == email, live(users)))

    async def search(
        self, flt: UserFilter, page: PageRequest, scope: RowScope | None = None
    ) -> Page[User]:
        c = users.c
        where = [*contains(c.username, flt.username), *contains(c.nickname, flt.nickname)]
        if flt.status is not None:
            where.append(c.status == flt.status)
        where += in_range(c.created_time, flt.created)
        if flt.dept_id is not None:
            where.append(in_subtrees(c.dept_id, (flt.dept_id,)))
        if scope is not None:
            where += in_scope(users, scope)
        sortable = {"id": c.id, "created_time": c.created_time, "username": c.username}
        return await paginate(self._s, User, users, where, page, sortable)

    async def role_ids(self, user_id: int) -> frozenset[int]:
        return await self._links.targets(user_id)

    async def dept_of(self, user_id: int) -> int | None:
        dept: int | None = await self._s.scalar(
            select(users.c.dept_id).where(users.c.id == user_id, live(users))
        )
        return dept

    async def holders_depts(self, role_id: int) -> list[int | None]:
        ur = user_role.c
        query = (
            select(users.c.dept_id)
            .join(user_role, ur.user_id == users.c.id)
            .where(ur.role_id == role_id, live(user_role), live(users))
            .distinct()
        )
        return list(await self._s.scalars(query))

    async def links_of_many(self, user_ids: Iterable[int]) -> dict[int, UserLinks]:
        """One query: each user joined to its roles, its posts and its department (a user with
        r roles and p posts is max(r, 1) x max(p, 1) rows; lists show a handful of each)."""
        ids = sorted(set(user_ids))
        if not ids:
            return {}
        u, ur, up = users.c, user_role.c, user_post.c
        query = (
            select(u.id, depts.c.name, Role, Post)
            .select_from(users)
            .outerjoin(depts, and_(depts.c.id == u.dept_id, live(depts)))
            .outerjoin(user_role, and_(ur.user_id == u.id, live(user_role)))
            .outerjoin(roles, and_(roles.c.id == ur.role_id, live(roles)))
            .outerjoin(user_post, and_(up.user_id == u.id, live(user_post)))
            .outerjoin(posts, and_(posts.c.id == up.post_id, live(posts)))
            .where(u.id.in_(ids))
            .order_by(u.id, roles.c.sort, roles.c.id, posts.c.sort, posts.c.id)
        )
        found: dict[int, tuple[str | None, dict[int, Role], dict[int, Post]]] = {}
        for user_id, dept_name, role, post in await self._s.execute(query):
            _, by_role, by_post = found.setdefault(user_id, (dept_name, {}, {}))
            if role is not None and role.id is not None:
                by_role.setdefault(role.id, role)
            if post is not None and post.id is not None:
                by_post.setdefault(post.id, post)
        empty: tuple[None, dict[int, Role], dict[int, Post]] = (None, {}, {})
        return {
            i: UserLinks(list(r.values()), list(p.values()), name)
            for i in ids
            for name, r, p in [found.get(i, empty)]
        }

    async def set_roles(
        self, user_id: int, role_ids: frozenset[int], actor_id: int | None, now: datetime
    ) -> None:
        await self._links.replace(user_id, role_ids, actor_id, now)

    async def set_posts(
        self, user_id: int, post_ids: frozenset[int], actor_id: int | None, now: datetime
    ) -> None:
        await self._posts.replace(user_id, post_ids, actor_id, now)


class SqlAlchemyRoleRepository(RoleRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._s = session
        self._menus = _Links(session, RoleMenu, role_menu, "role_id", "menu_id")
        self._labels = _Links(session, PermLabelRole, perm_label_role, "role_id", "label_id")
        self._users = _Links(session, UserRole, user_role, "role_id", "user_id")
        self._depts = _Links(session, RoleDept, role_dept, "role_id", "dept_id")

    async def add(self, role: Role) -> None:
        await _add(self._s, role)

    async def get(self, role_id: int, *, lock: bool = False) -> Role | None:
        return await self._s.scalar(
            locked(select(Role).where(roles.c.id == role_id, live(roles)), lock)
        )

    async def get_by_code(self, code: str) -> Role | None:
        return await self._s.scalar(select(Role).where(roles.c.code == code, live(roles)))

    async def get_many(self, role_ids: Iterable[int]) -> list[Role]:
        ids = list(role_ids)
        if not ids:
            return []
        return list(await self._s.scalars(select(Role).where(roles.c.id.in_(ids), live(roles))))

    async def search(self, flt: RoleFilter, page: PageRequest) -> Page[Role]:
        c = roles.c
        where = [*contains(c.name, flt.name), *contains(c.code, flt.code)]
        if flt.status is not None:
            where.append(c.status == flt.status)
        where += in_range(c.created_time, flt.created)
        sortable = {"id": c.id, "created_time": c.created_time, "sort": c.sort, "code": c.code}
        return await paginate(self._s, Role, roles, where, page, sortable)

    async def all_live(self) -> list[Role]:
        return list(await self._s.scalars(select(Role).where(live(roles)).order_by(roles.c.sort)))

    async def menu_ids(self, role_id: int) -> frozenset[int]:
        return await self._menus.targets(role_id)

    async def label_ids(self, role_id: int) -> frozenset[int]:
        return await self._labels.targets(role_id)

    async def menu_ids_of_roles(self, role_ids: Iterable[int]) -> frozenset[int]:
        ids = list(role_ids)
        if not ids:
            return frozenset()
        c = role_menu.c
        rows = await self._s.execute(select(c.menu_id).where(c.role_id.in_(ids), live(role_menu)))
        return frozenset(r[0] for r in rows)

    async def set_menus(
        self, role_id: int, menu_ids: frozenset[int], actor_id: int | None, now: datetime
    ) -> None:
        await self._menus.replace(role_id, menu_ids, actor_id, now)

    async def set_labels(
        self, role_id: int, label_ids: frozenset[int], actor_id: int | None, now: datetime
    ) -> None:
        await self._labels.replace(role_id, label_ids, actor_id, now)

    async def unlink_all(self, role_id: int, actor_id: int | None, now: datetime) -> None:
        for links in (self._menus, self._labels, self._users, self._depts):
            await links.replace(role_id, frozenset(), actor_id, now)

    async def dept_ids(self, role_id: int) -> frozenset[int]:
        return await self._depts.targets(role_id)

    async def dept_ids_of_live_roles(self) -> dict[int, frozenset[int]]:
        c = role_dept.c
        query = (
            select(c.role_id, c.dept_id)
            .join(roles, roles.c.id == c.role_id)
            .where(live(role_dept), live(roles))
        )
        out: dict[int, set[int]] = {}
        for role_id, dept_id in await self._s.execute(query):
            out.setdefault(role_id, set()).add(dept_id)
        return {k: frozenset(v) for k, v in out.items()}

    async def set_depts(
        self, role_id: int, dept_ids: frozenset[int], actor_id: int | None, now: datetime
    ) -> None:
        await self._depts.replace(role_id, dept_ids, actor_id, now)

    async def dept_paths(self, dept_ids: Iterable[int]) -> dict[int, tuple[int, ...]]:
        ids = sorted(set(dept_ids))
        if not ids:
            return {}
        d = depts
        rows = await self._s.execute(select(d.c.id, d.c.path).where(d.c.id.in_(ids), live(d)))
        return {dept_id: path_ids(path) for dept_id, path in rows}


class SqlAlchemyMenuRepository(MenuRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._s = session
        self._roles = _Links(session, RoleMenu, role_menu, "role_id", "menu_id")

    async def add(self, menu: Menu) -> None:
        await _add(self._s, menu)

    async def get(self, menu_id: int, *, lock: bool = False) -> Menu | None:
        return await self._s.scalar(
            locked(select(Menu).where(menus.c.id == menu_id, live(menus)), lock)
        )

    async def get_by_name(self, name: str) -> Menu | None:
        return await self._s.scalar(select(Menu).where(menus.c.name == name, live(menus)))

    async def all(self) -> list[Menu]:
        c = menus.c
        return list(await self._s.scalars(select(Menu).where(live(menus)).order_by(c.sort, c.id)))

    async def existing_ids(self, menu_ids: Iterable[int]) -> frozenset[int]:
        return await _existing(self._s, menus, menu_ids)

    async def unlink_all(self, menu_id: int, actor_id: int | None, now: datetime) -> None:
        await self._roles.drop_target(menu_id, actor_id, now)


class SqlAlchemyPermLabelRepository(PermLabelRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._s = session
        self._roles = _Links(session, PermLabelRole, perm_label_role, "label_id", "role_id")

    async def add(self, label: PermLabel) -> None:
        await _add(self._s, label)

    async def get(self, label_id: int, *, lock: bool = False) -> PermLabel | None:
        return await self._s.scalar(
            locked(select(PermLabel).where(perm_labels.c.id == label_id, live(perm_labels)), lock)
        )

    async def get_by_label(self, label: str) -> PermLabel | None:
        return await self._s.scalar(
            select(PermLabel).where(perm_labels.c.label == label, live(perm_labels))
        )

    async def search(self, flt: LabelFilter, page: PageRequest) -> Page[PermLabel]:
        c = perm_labels.c
        where = [*contains(c.label, flt.label), *contains(c.name, flt.name)]
        if flt.status is not None:
            where.append(c.status == flt.status)
        where += in_range(c.created_time, flt.created)
        sortable = {"id": c.id, "created_time": c.created_time, "label": c.label}
        return await paginate(self._s, PermLabel, perm_labels, where, page, sortable)

    async def all(self) -> list[PermLabel]:
        return list(
            await self._s.scalars(
                select(PermLabel).where(live(perm_labels)).order_by(perm_labels.c.label)
            )
        )

    async def existing_ids(self, label_ids: Iterable[int]) -> frozenset[int]:
        return await _existing(self._s, perm_labels, label_ids)

    async def enabled_label_roles(self) -> dict[str, frozenset[int]]:
        lab, link = perm_labels.c, perm_label_role.c
        query = (
            select(lab.label, link.role_id)
            .select_from(
                perm_labels.outerjoin(
                    perm_label_role, (link.label_id == lab.id) & (link.is_deleted == 0)
                )
            )
            .where(live(perm_labels), lab.status == 1)
        )
        out: dict[str, set[int]] = {}
        for label, role_id in await self._s.execute(query):
            holders = out.setdefault(label, set())
            if role_id is not None:
                holders.add(role_id)
        return {k: frozenset(v) for k, v in out.items()}

    async def link(self, label_id: int, role_id: int, actor_id: int | None, now: datetime) -> None:
        have = await self._roles.targets(label_id)
        await self._roles.replace(label_id, have | {role_id}, actor_id, now)

    async def unlink_all(self, label_id: int, actor_id: int | None, now: datetime) -> None:
        await self._roles.replace(label_id, frozenset(), actor_id, now)


async def _existing(session: AsyncSession, table: Table, ids: Iterable[int]) -> frozenset[int]:
    wanted = list(ids)
    if not wanted:
        return frozenset()
    rows = await session.execute(select(table.c.id).where(table.c.id.in_(wanted), live(table)))
    return frozenset(r[0] for r in rows)


# --- two-factor sign-in (TOTP) ----------------------------------------------------------

# A user's second factor: the TOTP secret (sealed with a key derived from the signing key)
# and the last time step accepted (a code of that step or an earlier one is refused).
user_mfa = Table(
    "t_user_mfa",
    metadata,
    *audit_columns(),
    Column("user_id", BigInteger, ForeignKey("t_users.id"), nullable=False),
    Column("secret", String(255), nullable=False),
    Column("enabled", Boolean, nullable=False, server_default="0"),
    Column("last_step", BigInteger, nullable=False, server_default="0"),
    Column("enabled_time", UtcDateTime(), nullable=True),
    UniqueConstraint("user_id", "is_deleted"),
)

# Recovery codes, as SHA-256 digests (they are random: a slow hash adds nothing); each good once.
user_recovery_code = Table(
    "t_user_recovery_code",
    metadata,
    *audit_columns(),
    Column("user_id", BigInteger, ForeignKey("t_users.id"), nullable=False),
    Column("code_hash", String(64), nullable=False),
    Column("used_time", UtcDateTime(), nullable=True),
    UniqueConstraint("user_id", "code_hash", "is_deleted"),
)


class SqlAlchemyUserMfaRepository(UserMfaRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def get(self, user_id: int, *, lock: bool = False) -> UserMfa | None:
        query = select(UserMfa).where(user_mfa.c.user_id == user_id, live(user_mfa))
        return await self._s.scalar(locked(query, lock))

    async def add(self, mfa: UserMfa) -> None:
        await _add(self._s, mfa)


class SqlAlchemyRecoveryCodeRepository(RecoveryCodeRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def add(self, code: RecoveryCode) -> None:
        await _add(self._s, code)

    async def find(
        self, user_id: int, code_hash: str, *, lock: bool = False
    ) -> RecoveryCode | None:
        c = user_recovery_code.c
        query = select(RecoveryCode).where(
            c.user_id == user_id, c.code_hash == code_hash, live(user_recovery_code)
        )
        return await self._s.scalar(locked(query, lock))

    async def unused_count(self, user_id: int) -> int:
        c = user_recovery_code.c
        query = select(func.count()).where(
            c.user_id == user_id, c.used_time.is_(None), live(user_recovery_code)
        )
        return int(await self._s.scalar(query) or 0)

    async def drop_all(self, user_id: int, actor_id: int | None, now: datetime) -> None:
        c = user_recovery_code.c
        for code in await self._s.scalars(
            select(RecoveryCode).where(c.user_id == user_id, live(user_recovery_code))
        ):
            code.soft_delete(actor_id, now)
        await self._s.flush()


# What the unit of work opens for this module (attribute -> repository), and the mapping.
REPOSITORIES = {
    "users": SqlAlchemyUserRepository,
    "roles": SqlAlchemyRoleRepository,
    "menus": SqlAlchemyMenuRepository,
    "labels": SqlAlchemyPermLabelRepository,
    "mfa": SqlAlchemyUserMfaRepository,
    "recovery_codes": SqlAlchemyRecoveryCodeRepository,
}
MAPPINGS = (
    (User, users),
    (Role, roles),
    (UserRole, user_role),
    (UserPost, user_post),
    (Menu, menus),
    (RoleMenu, role_menu),
    (RoleDept, role_dept),
    (PermLabel, perm_labels),
    (PermLabelRole, perm_label_role),
    (UserMfa, user_mfa),
    (RecoveryCode, user_recovery_code),
)
