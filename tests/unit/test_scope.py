"""The data scope rule: resolving a caller's rows, and the use cases that obey it, on fakes.

The fake tree (Store.depts): 1 head office -> 2 R&D -> 3 platform team; 1 -> 4 marketing.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from bootstrap import Container
from core.rbac.commands import CreateRole, CreateUser, SetDataScope
from core.rbac.model import Principal, Role, User
from core.rbac.ports import UserFilter
from core.shared.errors import Forbidden, InvalidInput, NotFound
from core.shared.pagination import PageRequest
from core.shared.scope import DataScope, RoleScope, RowScope, path_ids, resolve
from entrypoints.http.app import create_app
from tests.unit.fakes import Store

HEAD, RND, PLATFORM, MARKETING = 1, 2, 3, 4
TREE = {HEAD: (1,), RND: (1, 2), PLATFORM: (1, 2, 3), MARKETING: (1, 4)}
PASS = "a fine passphrase"
ALL, CUSTOM, DEPT, BELOW, SELF = (
    DataScope.ALL,
    DataScope.CUSTOM,
    DataScope.DEPT,
    DataScope.DEPT_AND_BELOW,
    DataScope.SELF,
)


# --- resolve: a caller's row scope from their roles --------------------------------------


def test_each_scope_resolves_to_its_rows() -> None:
    assert resolve(7, False, RND, [RoleScope(ALL)]) == RowScope.all()
    assert resolve(7, False, RND, [RoleScope(CUSTOM, frozenset({3, 4}))]) == RowScope(
        depts=frozenset({3, 4})
    )
    assert resolve(7, False, RND, [RoleScope(DEPT)]) == RowScope(depts=frozenset({RND}))
    assert resolve(7, False, RND, [RoleScope(BELOW)]) == RowScope(subtrees=frozenset({RND}))
    assert resolve(7, False, RND, [RoleScope(SELF)]) == RowScope(owner=7)


def test_several_roles_see_the_union_and_an_all_role_sees_everything() -> None:
    union = resolve(
        7, False, RND, [RoleScope(SELF), RoleScope(CUSTOM, frozenset({4})), RoleScope(BELOW)]
    )
    assert union == RowScope(depts=frozenset({4}), subtrees=frozenset({RND}), owner=7)
    assert resolve(7, False, RND, [RoleScope(SELF), RoleScope(ALL)]).everything


def test_admin_sees_everything_whatever_its_roles_say() -> None:
    assert resolve(7, True, None, [RoleScope(SELF)]).everything
    assert resolve(7, True, None, []).everything


def test_without_a_department_dept_scopes_name_nothing_and_without_a_role_nothing_is_seen() -> None:
    assert resolve(7, False, None, [RoleScope(DEPT), RoleScope(BELOW)]).empty
    assert resolve(7, False, None, [RoleScope(DEPT), RoleScope(SELF)]) == RowScope(owner=7)
    assert resolve(7, False, RND, []).empty
    assert resolve(7, False, RND, [RoleScope(CUSTOM)]).empty


def test_admits_follows_the_tree_and_the_owner() -> None:
    below_rnd = RowScope(subtrees=frozenset({RND}))
    assert below_rnd.admits(TREE[PLATFORM], None) and below_rnd.admits(TREE[RND], None)
    assert not below_rnd.admits(TREE[MARKETING], None) and not below_rnd.admits(None, None)
    # Moving the platform team under marketing moves it out of R&D's subtree at once.
    assert not below_rnd.admits((1, 4, 3), None)
    exact = RowScope(depts=frozenset({RND}), owner=9)
    assert exact.admits(TREE[RND], 1) and not exact.admits(TREE[PLATFORM], 1)
    assert exact.admits(TREE[MARKETING], 9) and exact.admits(None, 9)
    assert RowScope().empty and not RowScope().admits(TREE[HEAD], 1)
    assert path_ids("/1/2/3/") == (1, 2, 3)


def test_covers_compares_views_on_the_tree() -> None:
    below_rnd = RowScope(subtrees=frozenset({RND}))
    assert below_rnd.covers(RowScope(depts=frozenset({PLATFORM})), TREE)
    assert below_rnd.covers(RowScope(subtrees=frozenset({PLATFORM})), TREE)
    assert not below_rnd.covers(RowScope(depts=frozenset({MARKETING})), TREE)
    assert not below_rnd.covers(RowScope.all(), TREE)
    # A department seen alone does not cover the subtree below it.
    assert not RowScope(depts=frozenset({RND})).covers(RowScope(subtrees=frozenset({RND})), TREE)
    # What a holder owns widens nobody's view.
    assert RowScope().covers(RowScope(owner=5), TREE)
    assert RowScope.all().covers(RowScope.all(), TREE)


def test_the_key_names_the_scope() -> None:
    a = RowScope(depts=frozenset({2, 1}), subtrees=frozenset({3}), owner=4)
    assert a.key() == RowScope(depts=frozenset({1, 2}), subtrees=frozenset({3}), owner=4).key()
    assert len({a.key(), RowScope().key(), RowScope.all().key(), RowScope(owner=4).key()}) == 4


# --- use cases on fakes --------------------------------------------------------------------


async def _id(c: Container, username: str) -> int:
    async with c.uow() as uow:
        user: User | None = await uow.users.get_by_username(username)
        assert user is not None and user.id is not None
        return user.id


async def _role(c: Container, code: str) -> int:
    async with c.uow() as uow:
        role: Role | None = await uow.roles.get_by_code(code)
        assert role is not None and role.id is not None
        return role.id


class Org:
    """The fake tree, an admin, a role per scope and a user of it in a given department."""

    def __init__(self, c: Container, store: Store) -> None:
        self.c = c
        self.store = store
        store.depts.update(TREE)

    async def setup(self) -> Org:
        self.admin = await _id(self.c, "admin")
        return self

    async def role(self, code: str, scope: DataScope, depts: frozenset[int] = frozenset()) -> int:
        rid = await self.c.roles().create(self.admin, CreateRole(code=code, name=code))
        async with self.c.uow() as uow:
            ids = [lb.id for lb in await uow.labels.all() if lb.label.startswith("perm:user:")]
            ids += [lb.id for lb in await uow.labels.all() if lb.label.startswith("perm:role:")]
        await self.c.roles().set_labels(self.admin, rid, [i for i in ids if i is not None])
        await self.c.roles().set_data_scope(
            self.admin, rid, SetDataScope(data_scope=scope, dept_ids=depts)
        )
        return rid

    async def user(self, name: str, dept: int | None, *role_ids: int) -> int:
        uid = await self.c.users().create(
            self.admin, CreateUser(username=name, password=PASS, role_ids=list(role_ids))
        )
        if dept is not None:
            self.store.table(User)[uid].move_to(dept)
        return uid

    async def scope(self, uid: int) -> RowScope:
        access = self.c.access()
        role_ids, dept = await access.user_access(uid)
        return await access.row_scope(Principal(uid, "sid", role_ids, "", dept))


@pytest.fixture
async def org(seeded: Container, store: Store) -> Org:
    return await Org(seeded, store).setup()


async def test_the_caller_scope_comes_from_the_roles_and_the_department(org: Org) -> None:
    below = await org.role("below", BELOW)
    mine = await org.role("mine", SELF)
    uid = await org.user("lead", RND, below, mine)
    assert await org.scope(uid) == RowScope(subtrees=frozenset({RND}), owner=uid)
    assert (await org.scope(org.admin)).everything
    nobody = await org.user("nobody", RND)
    assert (await org.scope(nobody)).empty


async def test_a_user_outside_the_scope_is_not_found_by_any_use_case(org: Org) -> None:
    below = await org.role("below", BELOW)
    lead = await org.user("lead", RND, below)
    inside = await org.user("inside", PLATFORM)
    outside = await org.user("outside", MARKETING)
    scope = await org.scope(lead)
    users = org.c.users()
    listed = await users.search(UserFilter(), PageRequest(size=100), scope)
    assert {v.user.id for v in listed.items} == {lead, inside}
    assert (await users.get(inside, scope)).user.username == "inside"
    attempts = [
        users.get(outside, scope),
        users.set_status(lead, outside, 0, scope),
        users.reset_password(lead, outside, "another fine passphrase", scope),
        users.set_roles(lead, outside, [], scope),
        users.delete(lead, outside, scope),
    ]
    for attempt in attempts:
        with pytest.raises(NotFound) as missing:
            await attempt
        assert missing.value.code == "user_not_found"
    user = (await users.get(outside))[0]
    assert user.status == 1 and not user.deleted


async def test_a_scope_change_is_live_on_the_next_resolution(org: Org) -> None:
    role = await org.role("changing", DEPT)
    uid = await org.user("member", RND, role)
    assert await org.scope(uid) == RowScope(depts=frozenset({RND}))
    await org.c.roles().set_data_scope(
        org.admin, role, SetDataScope(data_scope=CUSTOM, dept_ids=frozenset({MARKETING}))
    )
    assert await org.scope(uid) == RowScope(depts=frozenset({MARKETING}))
    assert (await org.c.roles().get(role))[3] == frozenset({MARKETING})


async def test_set_data_scope_refuses_bad_input_and_writes_nothing(org: Org) -> None:
    role = await org.role("plain", SELF)
    roles = org.c.roles()
    with pytest.raises(InvalidInput) as refused:
        await roles.set_data_scope(
            org.admin, role, SetDataScope(data_scope=DEPT, dept_ids=frozenset({RND}))
        )
    assert refused.value.code == "dept_ids_not_allowed"
    with pytest.raises(InvalidInput) as refused:
        await roles.set_data_scope(
            org.admin, role, SetDataScope(data_scope=CUSTOM, dept_ids=frozenset({RND, 99}))
        )
    assert refused.value.code == "dept_not_found"
    with pytest.raises(NotFound):
        await roles.set_data_scope(org.admin, 9999, SetDataScope(data_scope=ALL))
    stored, _, _, depts = await roles.get(role)
    assert stored.data_scope == SELF and depts == frozenset()


async def test_nobody_gives_a_view_beyond_their_own(org: Org) -> None:
    """The privilege rule of set_data_scope and of granting roles (decision: see the report)."""
    below = await org.role("below", BELOW)
    lead = await org.user("lead", RND, below)  # sees R&D and the platform team
    target = await org.role("target", SELF)
    roles = org.c.roles()

    async def refused(cmd: SetDataScope) -> str:
        with pytest.raises(Forbidden) as exc:
            await roles.set_data_scope(lead, target, cmd)
        return exc.value.code

    assert await refused(SetDataScope(data_scope=ALL)) == "data_scope_exceeded"
    beyond = SetDataScope(data_scope=CUSTOM, dept_ids=frozenset({PLATFORM, MARKETING}))
    assert await refused(beyond) == "data_scope_exceeded"
    # Within their own view: allowed.
    await roles.set_data_scope(
        lead, target, SetDataScope(data_scope=CUSTOM, dept_ids=frozenset({RND, PLATFORM}))
    )
    await roles.set_data_scope(lead, target, SetDataScope(data_scope=SELF))
    # `dept` / `dept_and_below` are judged for every holder: one in marketing is beyond.
    await org.user("holder", PLATFORM, target)
    await roles.set_data_scope(lead, target, SetDataScope(data_scope=BELOW))
    await org.user("far", MARKETING, target)
    assert await refused(SetDataScope(data_scope=DEPT)) == "data_scope_exceeded"
    assert (await roles.get(target))[0].data_scope == BELOW
    # Granting a role whose scope is beyond the actor's is refused as well.
    wide = await org.role("wide", ALL)
    inside = await org.user("inside", PLATFORM)
    with pytest.raises(Forbidden) as exc:
        await org.c.users().set_roles(lead, inside, [wide], await org.scope(lead))
    assert exc.value.code == "data_scope_exceeded"
    await org.c.users().set_roles(lead, inside, [target], await org.scope(lead))


async def test_only_an_admin_changes_the_admin_roles_scope(org: Org) -> None:
    everything = await org.role("everything", ALL)
    boss = await org.user("boss", HEAD, everything)
    admin_role = await _role(org.c, "admin")
    with pytest.raises(Forbidden) as exc:
        await org.c.roles().set_data_scope(boss, admin_role, SetDataScope(data_scope=SELF))
    assert exc.value.code == "admin_only"
    # Someone who sees every row may give any scope.
    other = await org.role("other", SELF)
    await org.c.roles().set_data_scope(boss, other, SetDataScope(data_scope=ALL))


async def test_a_scoped_route_authenticates_the_caller_once(org: Org) -> None:
    below = await org.role("below", BELOW)
    lead = await org.user("lead", RND, below)
    outside = await org.user("outside", MARKETING)
    token = (await org.c.auth().login("lead", PASS)).access_token
    auth = org.c.auth()
    calls: list[str] = []
    real = auth.authenticate

    async def counted(raw: str) -> Principal:
        calls.append(raw)
        return await real(raw)

    auth.authenticate = counted  # type: ignore[method-assign,assignment]
    with TestClient(create_app(org.c)) as client:
        headers = {"Authorization": f"Bearer {token}"}
        r = client.put(
            f"/api/v1/permission/user/{outside}", headers=headers, json={"nickname": "x"}
        )
        assert r.status_code == 404 and r.json()["code"] == "user_not_found"
        assert client.get(f"/api/v1/permission/user/{lead}", headers=headers).status_code == 200
    assert len(calls) == 2
