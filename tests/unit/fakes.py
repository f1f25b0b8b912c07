"""In-memory fakes of core's ports, for unit tests of the rules (no I/O)."""

from __future__ import annotations

import importlib
import importlib.util
import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, Self, TypeVar

from bootstrap import MODULES
from core.audit.model import LoginLog, OperationLog
from core.audit.ports import AuditUnitOfWork, LoginLogRepository, OperationLogRepository
from core.config.model import ConfigSetting
from core.config.ports import ConfigRepository, ConfigUnitOfWork
from core.dictionary.model import DictItem, DictType
from core.dictionary.ports import DictItemRepository, DictTypeRepository, DictUnitOfWork
from core.org.model import Dept, Post
from core.org.ports import DeptRepository, PostRepository
from core.rbac.model import Menu, PermLabel, Role, TokenClaims, TokenType, User
from core.rbac.ports import (
    MenuRepository,
    PasswordHasher,
    PermLabelRepository,
    RbacUnitOfWork,
    RoleRepository,
    TokenCodec,
    UserLinks,
    UserRepository,
)
from core.shared.clock import Clock
from core.shared.errors import Unauthorized
from core.shared.model import Entity
from core.shared.pagination import Page, PageRequest
from core.shared.scope import RowScope, path_ids


class FakeClock(Clock):
    def __init__(self, now: datetime | None = None) -> None:
        self.current = now or datetime(2026, 1, 1, tzinfo=UTC)

    def now(self) -> datetime:
        return self.current

    def advance(self, **kwargs: float) -> None:
        self.current += timedelta(**kwargs)


class FakePasswordHasher(PasswordHasher):
    """Reversible on purpose: unit tests check rules, not cryptography."""

    async def hash(self, password: str) -> str:
        return f"fake${password}"

    async def verify(self, password_hash: str, password: str) -> bool:
        return password_hash == f"fake${password}"

    def needs_rehash(self, password_hash: str) -> bool:
        return False


class FakeTokenCodec(TokenCodec):
    """Readable tokens `typ|sub|jti|exp|name|sid|purpose`; the `typ` rule is the real one's."""

    def encode(self, claims: TokenClaims, typ: TokenType = TokenType.ACCESS) -> str:
        c = claims
        return "|".join(
            (typ, str(c.user_id), c.jti, c.expires_at.isoformat(), c.username, c.sid, c.purpose)
        )

    def decode(self, token: str, typ: TokenType = TokenType.ACCESS) -> TokenClaims:
        try:
            found, uid, jti, exp, name, sid, purpose = token.split("|")
            claims = TokenClaims(int(uid), jti, datetime.fromisoformat(exp), name, sid, purpose)
        except ValueError as exc:
            raise Unauthorized("the token is invalid", "token_invalid") from exc
        if found != typ:
            raise Unauthorized("the token is invalid", "token_invalid")
        return claims


E = TypeVar("E", bound=Entity)


@dataclass
class Store:
    """The state all fake repositories share, like one database."""

    rows: dict[type, dict[int, Entity]] = field(default_factory=dict)
    links: dict[str, set[tuple[int, int]]] = field(
        default_factory=lambda: {
            "user_role": set(),
            "role_menu": set(),
            "label_role": set(),
            "user_post": set(),
            "role_dept": set(),
        }
    )
    # The department tree (id -> its path, root first) and each user's department.
    depts: dict[int, tuple[int, ...]] = field(default_factory=dict)
    ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    commits: int = 0

    def table(self, kind: type) -> dict[int, Any]:
        return self.rows.setdefault(kind, {})

    def add(self, entity: Entity) -> None:
        entity.id = next(self.ids)
        self.table(type(entity))[entity.id] = entity

    def live(self, kind: type[E]) -> list[E]:
        return [e for e in self.table(kind).values() if not e.deleted]

    def admits(self, scope: RowScope | None, dept_id: int | None, owner: int | None) -> bool:
        """The scope's rule (core's own `RowScope.admits`) over the fake tree."""
        if scope is None:
            return True
        path = None if dept_id is None else (self.path_of(dept_id) or (dept_id,))
        return scope.admits(path, owner)

    def path_of(self, dept_id: int) -> tuple[int, ...] | None:
        """A live department's path, root first: from the scope tests' tree, else the org
        rows; None for a department that does not exist."""
        if dept_id in self.depts:
            return self.depts[dept_id]
        dept = self.table(Dept).get(dept_id)
        if dept is None or dept.deleted:
            return None
        return path_ids(dept.path) if dept.path else (dept_id,)


def _page(items: list[Any], page: PageRequest) -> Page[Any]:
    ordered = sorted(items, key=lambda e: getattr(e, page.sort) or 0, reverse=page.descending)
    return Page(ordered[page.offset : page.offset + page.size], len(items), page.page, page.size)


class _Repo(Generic[E]):
    kind: type[E]

    def __init__(self, store: Store) -> None:
        self.s = store

    async def add(self, entity: E) -> None:
        self.s.add(entity)

    async def get(self, entity_id: int, *, lock: bool = False) -> E | None:
        e = self.s.table(self.kind).get(entity_id)
        return None if e is None or e.deleted else e

    def _by(self, attr: str, value: object) -> E | None:
        return next((e for e in self.s.live(self.kind) if getattr(e, attr) == value), None)

    async def existing_ids(self, ids: Iterable[int]) -> frozenset[int]:
        return frozenset([i for i in ids if await self.get(i) is not None])


def _targets(links: set[tuple[int, int]], owner: int) -> frozenset[int]:
    return frozenset(t for o, t in links if o == owner)


def _replace(links: set[tuple[int, int]], owner: int, wanted: frozenset[int]) -> None:
    links.difference_update({(o, t) for o, t in links if o == owner})
    links.update((owner, t) for t in wanted)


class FakeUserRepository(_Repo[User], UserRepository):
    kind = User

    async def get(
        self, user_id: int, *, lock: bool = False, scope: RowScope | None = None
    ) -> User | None:
        user = await super().get(user_id)
        if user is None or not self.s.admits(scope, user.dept_id, user_id):
            return None
        return user

    async def dept_of(self, user_id: int) -> int | None:
        user = await self.get(user_id)
        return user.dept_id if user is not None else None

    async def holders_depts(self, role_id: int) -> list[int | None]:
        holders = {u for u, r in self.s.links["user_role"] if r == role_id}
        return [u.dept_id for u in self.s.live(User) if u.id in holders]

    async def get_by_username(self, username: str) -> User | None:
        return self._by("username", username)

    async def get_by_email(self, email: str) -> User | None:
        return self._by("email", email)

    async def search(
        self, flt: Any, page: PageRequest, scope: RowScope | None = None
    ) -> Page[User]:
        items = [
            u
            for u in self.s.live(User)
            if (not flt.username or flt.username in u.username)
            and self.s.admits(scope, u.dept_id, u.id)
        ]
        if flt.dept_id is not None:
            # The department and those below it, read from the paths as the adapter does.
            below = {d.id for d in self.s.live(Dept) if f"/{flt.dept_id}/" in d.path}
            items = [u for u in items if u.dept_id in below]
        return _page(items, page)

    async def role_ids(self, user_id: int) -> frozenset[int]:
        return _targets(self.s.links["user_role"], user_id)

    async def links_of_many(self, user_ids: Iterable[int]) -> dict[int, UserLinks]:
        roles = {r.id: r for r in self.s.live(Role)}
        posts = {p.id: p for p in self.s.live(Post)}
        depts = {d.id: d.name for d in self.s.live(Dept)}
        out = {}
        for u in user_ids:
            user = await self.get(u)
            out[u] = UserLinks(
                sorted(
                    (roles[r] for r in await self.role_ids(u) if r in roles),
                    key=lambda r: (r.sort, r.id or 0),
                ),
                sorted(
                    (posts[p] for p in _targets(self.s.links["user_post"], u) if p in posts),
                    key=lambda p: (p.sort, p.id or 0),
                ),
                depts.get(user.dept_id) if user is not None and user.dept_id is not None else None,
            )
        return out

    async def set_roles(
        self, user_id: int, role_ids: frozenset[int], actor_id: Any, now: Any
    ) -> None:
        _replace(self.s.links["user_role"], user_id, role_ids)

    async def set_posts(
        self, user_id: int, post_ids: frozenset[int], actor_id: Any, now: Any
    ) -> None:
        _replace(self.s.links["user_post"], user_id, post_ids)


class FakeRoleRepository(_Repo[Role], RoleRepository):
    kind = Role

    async def get_by_code(self, code: str) -> Role | None:
        return self._by("code", code)

    async def get_many(self, ids: Iterable[int]) -> list[Role]:
        return [r for i in ids if (r := await self.get(i)) is not None]

    async def search(self, flt: Any, page: PageRequest) -> Page[Role]:
        return _page(self.s.live(Role), page)

    async def all_live(self) -> list[Role]:
        return self.s.live(Role)

    async def menu_ids(self, role_id: int) -> frozenset[int]:
        return _targets(self.s.links["role_menu"], role_id)

    async def label_ids(self, role_id: int) -> frozenset[int]:
        return frozenset(lab for lab, r in self.s.links["label_role"] if r == role_id)

    async def menu_ids_of_roles(self, role_ids: Iterable[int]) -> frozenset[int]:
        return frozenset([m for r in role_ids for m in await self.menu_ids(r)])

    async def set_menus(self, role_id: int, ids: frozenset[int], actor_id: Any, now: Any) -> None:
        _replace(self.s.links["role_menu"], role_id, ids)

    async def set_labels(self, role_id: int, ids: frozenset[int], actor_id: Any, now: Any) -> None:
        links = self.s.links["label_role"]
        links.difference_update({(lab, r) for lab, r in links if r == role_id})
        links.update((lab, role_id) for lab in ids)

    async def unlink_all(self, role_id: int, actor_id: Any, now: Any) -> None:
        for name in ("user_role", "label_role"):
            self.s.links[name] = {(a, b) for a, b in self.s.links[name] if b != role_id}
        for name in ("role_menu", "role_dept"):
            self.s.links[name] = {(a, b) for a, b in self.s.links[name] if a != role_id}

    async def dept_ids(self, role_id: int) -> frozenset[int]:
        return _targets(self.s.links["role_dept"], role_id)

    async def dept_ids_of_live_roles(self) -> dict[int, frozenset[int]]:
        live = {r.id for r in self.s.live(Role)}
        out: dict[int, set[int]] = {}
        for role_id, dept_id in self.s.links["role_dept"]:
            if role_id in live:
                out.setdefault(role_id, set()).add(dept_id)
        return {k: frozenset(v) for k, v in out.items()}

    async def set_depts(self, role_id: int, ids: frozenset[int], actor_id: Any, now: Any) -> None:
        _replace(self.s.links["role_dept"], role_id, ids)

    async def dept_paths(self, dept_ids: Iterable[int]) -> dict[int, tuple[int, ...]]:
        return {d: path for d in dept_ids if (path := self.s.path_of(d)) is not None}


class FakeMenuRepository(_Repo[Menu], MenuRepository):
    kind = Menu

    async def get_by_name(self, name: str) -> Menu | None:
        return self._by("name", name)

    async def all(self) -> list[Menu]:
        return sorted(self.s.live(Menu), key=lambda m: (m.sort, m.id))

    async def unlink_all(self, menu_id: int, actor_id: Any, now: Any) -> None:
        self.s.links["role_menu"] = {(r, m) for r, m in self.s.links["role_menu"] if m != menu_id}


class FakePermLabelRepository(_Repo[PermLabel], PermLabelRepository):
    kind = PermLabel

    async def get_by_label(self, label: str) -> PermLabel | None:
        return self._by("label", label)

    async def search(self, flt: Any, page: PageRequest) -> Page[PermLabel]:
        return _page(self.s.live(PermLabel), page)

    async def all(self) -> list[PermLabel]:
        return self.s.live(PermLabel)

    async def enabled_label_roles(self) -> dict[str, frozenset[int]]:
        out: dict[str, frozenset[int]] = {}
        for lab in self.s.live(PermLabel):
            if lab.status == 1:
                out[lab.label] = frozenset(
                    r for l_id, r in self.s.links["label_role"] if l_id == lab.id
                )
        return out

    async def link(self, label_id: int, role_id: int, actor_id: Any, now: Any) -> None:
        self.s.links["label_role"].add((label_id, role_id))

    async def unlink_all(self, label_id: int, actor_id: Any, now: Any) -> None:
        self.s.links["label_role"] = {
            (lab, r) for lab, r in self.s.links["label_role"] if lab != label_id
        }


class FakeLogRepository(_Repo[Any]):
    async def search(self, flt: Any, page: PageRequest) -> Page[Any]:
        return _page(self.s.live(self.kind), page)


class FakeLoginLogRepository(FakeLogRepository, LoginLogRepository):
    kind = LoginLog


class FakeOperationLogRepository(FakeLogRepository, OperationLogRepository):
    kind = OperationLog


class FakeConfigRepository(_Repo[ConfigSetting], ConfigRepository):
    kind = ConfigSetting

    async def get_by_key(self, key: str) -> ConfigSetting | None:
        return self._by("key", key)

    async def search(self, flt: Any, page: PageRequest) -> Page[ConfigSetting]:
        return _page(self.s.live(ConfigSetting), page)

    async def existing_keys(self, keys: Iterable[str]) -> frozenset[str]:
        live = {c.key for c in self.s.live(ConfigSetting)}
        return frozenset(k for k in keys if k in live)


class FakeDictTypeRepository(_Repo[DictType], DictTypeRepository):
    kind = DictType

    async def get_by_code(self, code: str) -> DictType | None:
        return self._by("code", code)

    async def search(self, flt: Any, page: PageRequest) -> Page[DictType]:
        return _page(self.s.live(DictType), page)


class FakeDictItemRepository(_Repo[DictItem], DictItemRepository):
    kind = DictItem

    async def get_by_value(self, type_code: str, value: str) -> DictItem | None:
        return next((i for i in await self.of_type(type_code) if i.value == value), None)

    async def of_type(self, type_code: str) -> list[DictItem]:
        return sorted(
            (i for i in self.s.live(DictItem) if i.type_code == type_code),
            key=lambda i: (i.sort, i.id),
        )

    async def search(self, flt: Any, page: PageRequest) -> Page[DictItem]:
        return _page(self.s.live(DictItem), page)


def module_fakes() -> dict[str, Callable[[Store], object]]:
    """The fake repositories of the slices: `tests/unit/<module>/fakes.py` `REPOSITORIES`,
    for each module of the list that has such a file (the same convention as the adapters)."""
    found: dict[str, Callable[[Store], object]] = {}
    for name in MODULES:
        qualified = f"tests.unit.{name}.fakes"
        if importlib.util.find_spec(f"tests.unit.{name}") is None:
            continue
        if importlib.util.find_spec(qualified) is not None:
            found.update(importlib.import_module(qualified).REPOSITORIES)
    return found


class FakeUnitOfWork(RbacUnitOfWork, AuditUnitOfWork, ConfigUnitOfWork, DictUnitOfWork):
    """Shares one Store; changes are visible at once, and `commits` counts explicit commits."""

    users: FakeUserRepository
    roles: FakeRoleRepository
    menus: FakeMenuRepository
    labels: FakePermLabelRepository
    login_logs: FakeLoginLogRepository
    oper_logs: FakeOperationLogRepository
    configs: FakeConfigRepository
    dict_types: FakeDictTypeRepository
    dict_items: FakeDictItemRepository
    # The org slice's fakes (tests/unit/org/fakes.py), attached when it opens.
    depts: DeptRepository
    posts: PostRepository

    if TYPE_CHECKING:
        # The slices' fakes (tests/unit/<module>/fakes.py) are attached when it opens.
        def __getattr__(self, name: str) -> Any: ...

    def __init__(self, store: Store) -> None:
        self.store = store

    async def __aenter__(self) -> Self:
        self.users = FakeUserRepository(self.store)
        self.roles = FakeRoleRepository(self.store)
        self.menus = FakeMenuRepository(self.store)
        self.labels = FakePermLabelRepository(self.store)
        self.login_logs = FakeLoginLogRepository(self.store)
        self.oper_logs = FakeOperationLogRepository(self.store)
        self.configs = FakeConfigRepository(self.store)
        self.dict_types = FakeDictTypeRepository(self.store)
        self.dict_items = FakeDictItemRepository(self.store)
        for attribute, repository in module_fakes().items():
            setattr(self, attribute, repository(self.store))
        return self

    async def __aexit__(
        self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        return None

    async def commit(self) -> None:
        self.store.commits += 1

    async def rollback(self) -> None:
        return None


def id_of(entity: Entity | None) -> int:
    """The id of a stored entity (a test's way of saying it must exist)."""
    assert entity is not None and entity.id is not None
    return entity.id
