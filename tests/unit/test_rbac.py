"""Authorisation and the administration rules, against fakes."""

from __future__ import annotations

import pytest

from bootstrap import Container
from core.rbac.commands import (
    CreateMenu,
    CreateUser,
    UpdateLabel,
    UpdateMenu,
    UpdateProfile,
    UpdateRole,
)
from core.rbac.model import AccessTable, Menu, MenuType, check_password_policy
from core.shared.errors import Conflict, Forbidden, InvalidInput, NotFound
from tests.unit.fakes import Store, id_of


async def _login(c: Container, username: str, password: str):  # type: ignore[no-untyped-def]
    auth = c.auth()
    return await auth.authenticate((await auth.login(username, password)).access_token)


def test_access_table_rule() -> None:
    table = AccessTable(
        roles={1: "admin", 2: "opt"},
        label_roles={"perm:x:get": frozenset({2}), "perm:x:put": frozenset()},
    )
    assert table.allows(frozenset({1}), ("perm:anything:delete",))  # admin passes everything
    assert table.allows(frozenset({2}), ("perm:x:put", "perm:x:get"))  # any of the labels
    assert not table.allows(frozenset({2}), ("perm:x:put",))
    assert not table.allows(frozenset({3}), ("perm:x:get",))  # role 3 is not live
    assert not table.allows(frozenset(), ("perm:x:get",))
    assert table.labels_of(frozenset({2})) == ["perm:x:get"]


async def test_opt_reads_but_does_not_write_users(seeded: Container) -> None:
    opt = await _login(seeded, "opt", "opt123")
    await seeded.auth().authorize(opt, ("perm:user:get",))
    with pytest.raises(Forbidden):
        await seeded.auth().authorize(opt, ("perm:user:post",))


async def test_revoking_a_label_is_refused_on_the_next_check(seeded: Container) -> None:
    admin = await _login(seeded, "admin", "admin123")
    opt = await _login(seeded, "opt", "opt123")
    await seeded.auth().authorize(opt, ("perm:log:get",))  # warms the cache
    role, _, label_ids, _ = await seeded.roles().get(next(iter(opt.role_ids)))
    async with seeded.uow() as uow:
        log_label = await uow.labels.get_by_label("perm:log:get")
    await seeded.roles().set_labels(admin.user_id, id_of(role), label_ids - {id_of(log_label)})
    with pytest.raises(Forbidden):
        await seeded.auth().authorize(opt, ("perm:log:get",))


async def test_disabling_a_label_takes_it_away(seeded: Container) -> None:
    admin = await _login(seeded, "admin", "admin123")
    opt = await _login(seeded, "opt", "opt123")
    await seeded.auth().authorize(opt, ("perm:role:get",))
    async with seeded.uow() as uow:
        label_id = id_of(await uow.labels.get_by_label("perm:role:get"))
    await seeded.labels().update(admin.user_id, label_id, UpdateLabel(status=0))
    with pytest.raises(Forbidden):
        await seeded.auth().authorize(opt, ("perm:role:get",))


async def test_new_role_assignment_applies_at_once(seeded: Container) -> None:
    admin = await _login(seeded, "admin", "admin123")
    user = await _login(seeded, "user", "123456")
    with pytest.raises(Forbidden):
        await seeded.auth().authorize(user, ("perm:user:get",))
    async with seeded.uow() as uow:
        opt_role = await uow.roles.get_by_code("opt")
    await seeded.users().set_roles(admin.user_id, user.user_id, [id_of(opt_role)])
    again = await seeded.auth().authenticate(
        (await seeded.auth().login("user", "123456")).access_token
    )
    await seeded.auth().authorize(again, ("perm:user:get",))


async def test_admin_role_is_protected(seeded: Container) -> None:
    admin = await _login(seeded, "admin", "admin123")
    async with seeded.uow() as uow:
        admin_role = await uow.roles.get_by_code("admin")
    with pytest.raises(Conflict) as deleted:
        await seeded.roles().delete(admin.user_id, id_of(admin_role))
    assert deleted.value.code == "admin_role_protected"
    with pytest.raises(Conflict):
        await seeded.roles().update(admin.user_id, id_of(admin_role), UpdateRole(status=0))
    with pytest.raises(Conflict) as demote:
        await seeded.users().set_roles(admin.user_id, admin.user_id, [])
    assert demote.value.code == "cannot_demote_self"
    with pytest.raises(Conflict):
        await seeded.users().delete(admin.user_id, admin.user_id)


async def test_usernames_are_unique_among_live_users_only(seeded: Container) -> None:
    admin = await _login(seeded, "admin", "admin123")
    users = seeded.users()
    uid = await users.create(
        admin.user_id, CreateUser(username="alice", password="correct horse battery")
    )
    with pytest.raises(Conflict) as dup:
        await users.create(
            admin.user_id, CreateUser(username="alice", password="correct horse battery")
        )
    assert dup.value.code == "user_exists"
    await users.delete(admin.user_id, uid)
    again = await users.create(
        admin.user_id, CreateUser(username="alice", password="correct horse battery")
    )
    assert again != uid
    with pytest.raises(NotFound):
        await users.get(uid)


async def test_user_create_checks_roles_and_policy(seeded: Container) -> None:
    admin = await _login(seeded, "admin", "admin123")
    with pytest.raises(InvalidInput) as roles:
        await seeded.users().create(
            admin.user_id,
            CreateUser(username="bob", password="correct horse battery", role_ids=[9999]),
        )
    assert roles.value.code == "role_not_found"
    with pytest.raises(InvalidInput) as weak:
        await seeded.users().create(
            admin.user_id, CreateUser(username="bob", password="password123")
        )
    assert weak.value.code == "password_too_common"


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("short", "password_length"),
        ("x" * 129, "password_length"),
        ("12345678", "password_too_common"),
        ("aaaaaaaaaa", "password_too_common"),
        ("Password1", "password_too_common"),
        ("carol-smith", "password_is_username"),
    ],
)
def test_password_policy_refuses(password: str, code: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        check_password_policy(password, username="carol-smith")
    assert exc.value.code == code


def test_password_policy_accepts_long_plain_passphrases() -> None:
    check_password_policy("correct horse battery staple")
    check_password_policy("x" * 7 + "y")
    check_password_policy("密码是一首很长的诗句")


async def test_profile_update_refuses_roles_and_status(seeded: Container) -> None:
    user = await _login(seeded, "user", "123456")
    # The command has no such field: nobody, HTTP or not, can ask for it.
    with pytest.raises(TypeError):
        UpdateProfile(status=0)  # type: ignore[call-arg]
    profile = await seeded.profiles().update(user, UpdateProfile(nickname="Someone"))
    assert profile.fields["nickname"] == "Someone"
    assert profile.role_codes == ["user"]


async def test_user_with_no_role_gets_no_role(seeded: Container) -> None:
    admin = await _login(seeded, "admin", "admin123")
    await seeded.users().create(
        admin.user_id, CreateUser(username="lonely", password="correct horse battery")
    )
    lonely = await _login(seeded, "lonely", "correct horse battery")
    with pytest.raises(Forbidden) as exc:
        await seeded.profiles().routers(lonely)
    assert exc.value.code == "no_role"


async def test_routers_show_the_roles_menus_with_their_ancestors(seeded: Container) -> None:
    opt = await seeded.profiles().routers(await _login(seeded, "opt", "opt123"))
    names = {n.menu.name: [c.menu.name for c in n.children] for n in opt.menus}
    assert names["permission"] == ["rbac_user", "rbac_role", "rbac_menu", "rbac_label"]
    assert "perm:user:get" in opt.labels and "perm:user:post" not in opt.labels
    admin = await seeded.profiles().routers(await _login(seeded, "admin", "admin123"))
    user_menu = next(n for n in admin.menus if n.menu.name == "permission").children[0]
    # add, edit, delete, and export (the reports module's button)
    assert [b.menu.type for b in user_menu.children] == [MenuType.BUTTON] * 4


async def test_menu_parent_rules(seeded: Container) -> None:
    button = Menu(name="b", title="b", type=MenuType.BUTTON)
    with pytest.raises(InvalidInput):
        button.check_parent(None)
    with pytest.raises(InvalidInput):
        button.check_parent(Menu(id=1, name="d", title="d", type=MenuType.DIR))
    Menu(name="m", title="m", type=MenuType.MENU).check_parent(
        Menu(id=1, name="d", title="d", type=MenuType.DIR)
    )
    admin = await _login(seeded, "admin", "admin123")
    async with seeded.uow() as uow:
        perm = await uow.menus.get_by_name("permission")
        child = await uow.menus.get_by_name("rbac_user")
    with pytest.raises(Conflict):
        await seeded.menus().delete(admin.user_id, id_of(perm))
    with pytest.raises(InvalidInput):
        await seeded.menus().update(admin.user_id, id_of(perm), UpdateMenu(parent_id=id_of(child)))


async def test_an_unknown_parent_menu_is_invalid_input_naming_the_field(seeded: Container) -> None:
    # A bad id in the body is a 422, as an unknown role id is, not a 404 of the route.
    admin = await _login(seeded, "admin", "admin123")
    menu = CreateMenu(name="orphan", title="o", type=MenuType.MENU, parent_id=987654)
    with pytest.raises(InvalidInput) as exc:
        await seeded.menus().create(admin.user_id, menu)
    assert (exc.value.code, exc.value.field) == ("parent_menu_not_found", "parent_id")
    async with seeded.uow() as uow:
        perm = await uow.menus.get_by_name("permission")
    with pytest.raises(InvalidInput):
        await seeded.menus().update(admin.user_id, id_of(perm), UpdateMenu(parent_id=987654))


async def test_seed_is_idempotent_and_respects_operator_edits(
    seeded: Container, store: Store
) -> None:
    admin = await _login(seeded, "admin", "admin123")
    async with seeded.uow() as uow:
        opt = await uow.roles.get_by_code("opt")
    await seeded.roles().set_labels(admin.user_id, id_of(opt), [])
    before = {k: len(v) for k, v in store.rows.items()}, {k: set(v) for k, v in store.links.items()}
    report = await seeded.seed().run()
    assert report.created == {}
    after = {k: len(v) for k, v in store.rows.items()}, {k: set(v) for k, v in store.links.items()}
    assert after == before


async def test_production_seed_creates_only_admin_with_a_random_password(
    container: Container, store: Store
) -> None:
    from core.rbac.model import User

    report = await container.seed().run(production=True)
    assert [u.username for u in store.live(User)] == ["admin"]
    secret = report.generated_admin_password
    assert secret and secret != "admin123" and len(secret) >= 16
    assert (await container.auth().login("admin", secret)).access_token
