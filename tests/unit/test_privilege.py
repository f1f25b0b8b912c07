"""Privilege never grows and names are canonical: the rules called directly, against fakes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from bootstrap import Container
from core.config.commands import UpdateConfig
from core.rbac.commands import CreateRole, CreateUser, UpdateRole, UpdateUser
from core.rbac.model import Privileges, Role, User, canonical_username, check_username
from core.shared.errors import Forbidden, InvalidInput, TooManyRequests, Unauthorized
from tests.unit.fakes import FakeClock

FULL_WIDTH_OPT = "\uff4f\uff50\uff54"


async def _id(container: Container, username: str) -> int:
    async with container.uow() as uow:
        user: User | None = await uow.users.get_by_username(username)
        assert user is not None and user.id is not None
        return user.id


async def _role_id(container: Container, code: str) -> int:
    async with container.uow() as uow:
        role: Role | None = await uow.roles.get_by_code(code)
        assert role is not None and role.id is not None
        return role.id


async def _limited(container: Container, labels: set[str]) -> int:
    """A user whose only role holds exactly these labels."""
    admin = await _id(container, "admin")
    code = "limited" + str(len(labels))
    rid = await container.roles().create(admin, CreateRole(code=code, name=code))
    async with container.uow() as uow:
        ids = [lb.id for lb in await uow.labels.all() if lb.label in labels]
    await container.roles().set_labels(admin, rid, [i for i in ids if i is not None])
    return await container.users().create(
        admin, CreateUser(username=code + "user", password="a fine passphrase", role_ids=[rid])
    )


def test_covers_needs_every_label_and_menu_and_only_admin_covers_admin() -> None:
    mine = Privileges(admin=False, labels=frozenset({"a", "b"}), menus=frozenset({1, 2}))
    assert mine.covers(Privileges(False, frozenset({"a"}), frozenset({2})))
    assert not mine.covers(Privileges(False, frozenset({"a", "c"}), frozenset()))
    assert not mine.covers(Privileges(False, frozenset(), frozenset({3})))
    assert not mine.covers(Privileges(True, frozenset(), frozenset()))
    assert Privileges(True, frozenset(), frozenset()).covers(
        Privileges(True, mine.labels, mine.menus)
    )


def test_usernames_have_one_canonical_form() -> None:
    assert canonical_username("OPT") == canonical_username(FULL_WIDTH_OPT) == "opt"
    assert check_username("  Alice.Smith ") == "alice.smith"
    for bad in ("opt\u200b", "op\u0000t", "\u202eopt", "öpt", "ab"):
        with pytest.raises(InvalidInput) as refused:
            check_username(bad)
        assert refused.value.code == "username_invalid"


async def test_a_user_is_stored_under_its_canonical_name(seeded: Container) -> None:
    admin = await _id(seeded, "admin")
    uid = await seeded.users().create(
        admin, CreateUser(username="MixedCase", password="a fine passphrase")
    )
    assert (await seeded.users().get(uid))[0].username == "mixedcase"
    assert (await seeded.auth().login("MIXEDCASE", "a fine passphrase")).access_token


async def test_user_roles_cannot_exceed_the_actor(seeded: Container) -> None:
    actor = await _limited(seeded, {"perm:user:get", "perm:user:put"})
    users = seeded.users()
    own = (await users.get(actor))[1][0].id
    assert own is not None
    with pytest.raises(Forbidden) as refused:
        await users.set_roles(actor, actor, [own, await _role_id(seeded, "admin")])
    assert refused.value.code == "privilege_exceeded"
    with pytest.raises(Forbidden) as refused:
        await users.create(
            actor,
            CreateUser(
                username="sneaky",
                password="a fine passphrase",
                role_ids=[await _role_id(seeded, "opt")],
            ),
        )
    assert refused.value.code == "privilege_exceeded"


async def test_accounts_holding_admin_are_admins_to_change(seeded: Container) -> None:
    actor = await _limited(seeded, {"perm:user:get", "perm:user:put", "perm:user:delete"})
    admin = await _id(seeded, "admin")
    users = seeded.users()
    attempts: list[Callable[[], Awaitable[object]]] = [
        lambda: users.update(actor, admin, UpdateUser(email="attacker@example.com")),
        lambda: users.reset_password(actor, admin, "taken over now"),
        lambda: users.set_status(actor, admin, 0),
        lambda: users.set_roles(actor, admin, []),
        lambda: users.delete(actor, admin),
    ]
    for attempt in attempts:
        with pytest.raises(Forbidden) as refused:
            await attempt()
        assert refused.value.code == "admin_account_protected"
    user, roles, *_ = await users.get(admin)
    assert user.email is None and user.status == 1 and [r.code for r in roles] == ["admin"]


async def test_role_grants_cannot_exceed_the_actor(seeded: Container) -> None:
    actor = await _limited(seeded, {"perm:role:put"})
    async with seeded.uow() as uow:
        every = [lb.id for lb in await uow.labels.all() if lb.id is not None]
        menus = [m.id for m in await uow.menus.all() if m.id is not None]
    own = (await seeded.users().get(actor))[1][0].id
    assert own is not None
    roles = seeded.roles()
    grants: tuple[Callable[[], Awaitable[object]], ...] = (
        lambda: roles.set_labels(actor, own, every),
        lambda: roles.set_menus(actor, own, menus),
    )
    for attempt in grants:
        with pytest.raises(Forbidden) as refused:
            await attempt()
        assert refused.value.code == "privilege_exceeded"
    with pytest.raises(Forbidden):
        await roles.update(actor, await _role_id(seeded, "admin"), UpdateRole(remark="mine now"))


async def test_the_sign_up_role_is_resolved_exactly_and_never_admin(seeded: Container) -> None:
    configs = seeded.configs()
    admin = await _id(seeded, "admin")
    async with seeded.uow() as uow:
        setting = await uow.configs.get_by_key("sys.account.default_role")
        assert setting is not None and setting.id is not None
    for value in ("admin", "ADMIN", "no-such-role"):
        with pytest.raises(InvalidInput) as refused:
            await configs.update(admin, setting.id, UpdateConfig(value=value))
        assert refused.value.code == "default_role_invalid"
    await configs.update(admin, setting.id, UpdateConfig(value="user"))


async def test_failures_lock_the_account_for_that_client_only(
    seeded: Container, clock: FakeClock
) -> None:
    auth = seeded.auth()
    for _ in range(5):
        with pytest.raises(Unauthorized):
            await auth.login("opt", "wrong-password", "203.0.113.7")
    for name in ("opt", "OPT", FULL_WIDTH_OPT):
        with pytest.raises(TooManyRequests):
            await auth.login(name, "opt123", "203.0.113.7")
    with pytest.raises(Unauthorized):
        await auth.login("öpt", "opt123", "203.0.113.7")
    assert (await auth.login("opt", "opt123", "198.51.100.9")).access_token


async def test_one_client_failing_over_many_names_is_throttled(seeded: Container) -> None:
    auth = seeded.auth()
    ceiling = seeded.settings().ip_failure_ceiling
    for i in range(ceiling):
        with pytest.raises(Unauthorized):
            await auth.login(f"guess{i}", "whatever123", "203.0.113.8")
    with pytest.raises(TooManyRequests):
        await auth.login("opt", "opt123", "203.0.113.8")


async def test_guessing_the_current_password_ends_the_session(seeded: Container) -> None:
    """A stolen session gets the same few guesses at the password as a login, shared with
    the e-mail change, and loses itself at the limit."""
    auth = seeded.auth()
    issued = await auth.login("opt", "opt123")
    me = await auth.authenticate(issued.access_token)
    limit = seeded.settings().max_failed_logins
    for _ in range(limit):
        with pytest.raises(InvalidInput) as wrong:
            await auth.change_password(me, "a guess at it", "a brand new passphrase")
        assert wrong.value.code == "old_password_wrong"
    with pytest.raises(Unauthorized):
        await auth.authenticate(issued.access_token)
    with pytest.raises(TooManyRequests):
        await auth.change_password(me, "opt123", "a brand new passphrase")
    assert (await auth.login("opt", "opt123")).access_token
