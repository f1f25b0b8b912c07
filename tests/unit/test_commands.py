"""Each use case called directly, without HTTP: its command holds only what it may change,
and the entity refuses what its module forbids, whoever the caller."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from bootstrap import Container
from core.config.commands import CreateConfig, UpdateConfig
from core.dictionary.commands import (
    CreateDictItem,
    CreateDictType,
    UpdateDictItem,
    UpdateDictType,
)
from core.jobs.commands import CreateJob, UpdateJob
from core.rbac.commands import (
    CreateLabel,
    CreateMenu,
    CreateUser,
    UpdateLabel,
    UpdateMenu,
    UpdateProfile,
    UpdateRole,
    UpdateUser,
)
from core.rbac.model import DISABLED, ENABLED, MenuType, Principal, Role, User
from core.shared.commands import UNSET, given
from core.shared.errors import Conflict, InvalidInput
from tests.unit.fakes import id_of

PASSWORD = "a fine passphrase"


async def _admin(c: Container) -> Principal:
    auth = c.auth()
    return await auth.authenticate((await auth.login("admin", "admin123")).access_token)


async def _user(c: Container, name: str = "carol") -> int:
    return await c.users().create(
        await id_of_admin(c),
        CreateUser(username=name, password=PASSWORD, email=f"{name}@example.com"),
    )


async def id_of_admin(c: Container) -> int:
    async with c.uow() as uow:
        return id_of(await uow.users.get_by_username("admin"))


async def _stored_user(c: Container, user_id: int) -> User:
    async with c.uow() as uow:
        user: User | None = await uow.users.get(user_id)
    assert user is not None
    return user


async def _role(c: Container, code: str) -> Role:
    async with c.uow() as uow:
        role: Role | None = await uow.roles.get_by_code(code)
    assert role is not None
    return role


# --- the sentinel and the commands themselves --------------------------------------------


def test_unset_is_not_none_and_given_picks_the_new_value() -> None:
    assert UNSET is not None and not UNSET and repr(UNSET) == "UNSET"
    assert given(UNSET, "old") == "old"
    assert given(None, "old") is None
    assert given("new", "old") == "new"


def test_commands_are_frozen_and_keyword_only() -> None:
    cmd = UpdateUser(nickname="x")
    with pytest.raises(dataclasses.FrozenInstanceError):
        cmd.nickname = "y"  # type: ignore[misc]
    with pytest.raises(TypeError):
        UpdateUser("x")  # type: ignore[call-arg]


@pytest.mark.parametrize("field", ["username", "password_hash", "status", "id", "is_deleted"])
def test_an_account_update_has_no_field_for_name_hash_or_status(field: str) -> None:
    given: dict[str, Any] = {field: "x"}
    with pytest.raises(TypeError):
        UpdateUser(**given)
    with pytest.raises(TypeError):
        UpdateProfile(**given)


# --- users --------------------------------------------------------------------------------


async def test_user_update_changes_contact_fields_only(seeded: Container) -> None:
    uid = await _user(seeded)
    before = await _stored_user(seeded, uid)
    name, digest, status = before.username, before.password_hash, before.status
    token = (await seeded.auth().login("carol", PASSWORD)).access_token
    await seeded.users().update(
        await id_of_admin(seeded), uid, UpdateUser(nickname="Caz", email=None, phone="123")
    )
    after = await _stored_user(seeded, uid)
    assert (after.nickname, after.email, after.phone) == ("Caz", None, "123")
    assert (after.username, after.password_hash, after.status) == (name, digest, status)
    # Not given is not cleared: the phone stays when only the nickname changes.
    await seeded.users().update(await id_of_admin(seeded), uid, UpdateUser(nickname="C"))
    assert (await _stored_user(seeded, uid)).phone == "123"
    await seeded.auth().authenticate(token)  # still signed in: nothing about access changed


async def test_the_entity_takes_no_status_through_its_contact_change() -> None:
    user = User(username="dan", password_hash="h")
    with pytest.raises(TypeError):
        user.change_contact(status=DISABLED)  # type: ignore[call-arg]
    with pytest.raises(InvalidInput) as bad:
        user.set_status(7)
    assert bad.value.code == "status_invalid" and user.status == ENABLED


async def test_disabling_goes_through_the_use_case_that_signs_out(seeded: Container) -> None:
    uid = await _user(seeded)
    token = (await seeded.auth().login("carol", PASSWORD)).access_token
    await seeded.users().set_status(await id_of_admin(seeded), uid, DISABLED)
    assert (await _stored_user(seeded, uid)).status == DISABLED
    with pytest.raises(Exception) as revoked:
        await seeded.auth().authenticate(token)
    assert getattr(revoked.value, "code", None) == "token_revoked"


async def test_nobody_disables_their_own_account(seeded: Container) -> None:
    admin = await id_of_admin(seeded)
    token = (await seeded.auth().login("admin", "admin123")).access_token
    with pytest.raises(Conflict) as refused:
        await seeded.users().set_status(admin, admin, DISABLED)
    assert refused.value.code == "cannot_disable_self"
    assert (await _stored_user(seeded, admin)).status == ENABLED
    await seeded.auth().authenticate(token)  # and the account keeps its sessions
    await seeded.users().set_status(admin, admin, ENABLED)  # enabling oneself is harmless


async def test_the_profile_refuses_a_new_address_but_takes_the_current_one(
    seeded: Container,
) -> None:
    uid = await _user(seeded)
    auth = seeded.auth()
    me = await auth.authenticate((await auth.login("carol", PASSWORD)).access_token)
    with pytest.raises(InvalidInput) as refused:
        await seeded.profiles().update(me, UpdateProfile(email="thief@example.org"))
    assert refused.value.code == "email_change_needs_confirmation"
    await seeded.profiles().update(me, UpdateProfile(nickname="C", email="carol@example.com"))
    stored = await _stored_user(seeded, uid)
    assert (stored.nickname, stored.email) == ("C", "carol@example.com")


# --- roles --------------------------------------------------------------------------------


async def test_no_role_takes_a_new_code(seeded: Container) -> None:
    # Labels, seeds and the sign-up parameter name roles by code: a rename would re-point them.
    assert "code" not in {f.name for f in dataclasses.fields(UpdateRole)}
    with pytest.raises(TypeError):
        UpdateRole(code="root")  # type: ignore[call-arg]
    admin = await _admin(seeded)
    role = await _role(seeded, "admin")
    await seeded.roles().update(admin.user_id, id_of(role), UpdateRole(name="Root"))
    kept = await _role(seeded, "admin")
    assert (kept.code, kept.name) == ("admin", "Root")


async def test_the_admin_role_is_never_disabled_by_its_entity() -> None:
    role = Role(code="admin", name="a")
    with pytest.raises(Conflict):
        role.set_status(DISABLED)
    assert role.status == ENABLED


# --- menus and labels ---------------------------------------------------------------------


async def test_a_menu_at_the_root_is_written_0_or_none(seeded: Container) -> None:
    admin = (await _admin(seeded)).user_id
    menus = seeded.menus()
    mid = await menus.create(
        admin, CreateMenu(name="top", title="Top", type=MenuType.DIR, parent_id=0)
    )
    assert (await menus.get(mid)).parent_id is None
    async with seeded.uow() as uow:
        parent = id_of(await uow.menus.get_by_name("permission"))
    await menus.update(admin, mid, UpdateMenu(parent_id=parent, title="Moved"))
    assert ((await menus.get(mid)).parent_id, (await menus.get(mid)).title) == (parent, "Moved")
    await menus.update(admin, mid, UpdateMenu(parent_id=0))
    assert (await menus.get(mid)).parent_id is None and (await menus.get(mid)).title == "Moved"


async def test_a_label_is_renamed_only_to_a_well_formed_free_label(seeded: Container) -> None:
    admin = (await _admin(seeded)).user_id
    labels = seeded.labels()
    lid = await labels.create(admin, CreateLabel(label="perm:thing:get", name="Things"))
    with pytest.raises(InvalidInput) as bad:
        await labels.update(admin, lid, UpdateLabel(label="things"))
    assert bad.value.code == "label_invalid"
    with pytest.raises(Conflict) as taken:
        await labels.update(admin, lid, UpdateLabel(label="perm:user:get"))
    assert taken.value.code == "label_exists"
    await labels.update(admin, lid, UpdateLabel(label="perm:thing:put"))
    assert ((await labels.get(lid)).label, (await labels.get(lid)).name) == (
        "perm:thing:put",
        "Things",
    )


# --- config parameters and dictionaries ---------------------------------------------------


async def test_a_config_key_changes_only_to_a_valid_free_key(seeded: Container) -> None:
    configs = seeded.configs()
    sid = await configs.create(1, CreateConfig(name="A", key="app.a", value="1", sort=4))
    with pytest.raises(InvalidInput) as bad:
        await configs.update(1, sid, UpdateConfig(key="has space"))
    assert bad.value.code == "config_key_invalid"
    await configs.create(1, CreateConfig(name="B", key="app.b"))
    with pytest.raises(Conflict):
        await configs.update(1, sid, UpdateConfig(key="app.b"))
    await configs.update(1, sid, UpdateConfig(key="app.c"))
    stored = await configs.get(sid)
    assert (stored.key, stored.name, stored.value, stored.sort) == ("app.c", "A", "1", 4)


async def test_a_dictionary_type_carries_its_items_and_items_keep_known_classes(
    seeded: Container,
) -> None:
    d = seeded.dictionaries()
    tid = await d.create_type(1, CreateDictType(code="size", name="Sizes"))
    iid = await d.create_item(1, CreateDictItem(type_code="size", label="S", value="s"))
    with pytest.raises(InvalidInput) as bad:
        await d.update_type(1, tid, UpdateDictType(code="Size!"))
    assert bad.value.code == "dict_code_invalid"
    await d.update_type(1, tid, UpdateDictType(code="sizes"))
    assert (await d.get_item(iid)).type_code == "sizes" and (await d.get_type(tid)).name == "Sizes"
    with pytest.raises(InvalidInput) as css:
        await d.update_item(1, iid, UpdateDictItem(css_class="neon"))
    assert css.value.code == "dict_css_class_invalid"
    await d.update_item(1, iid, UpdateDictItem(css_class="info"))
    assert ((await d.get_item(iid)).css_class, (await d.get_item(iid)).label) == ("info", "S")


# --- jobs -----------------------------------------------------------------------


async def test_a_job_update_changes_what_it_names_and_nothing_else(seeded: Container) -> None:
    jobs = seeded.jobs()
    jid = await jobs.create(
        None,
        CreateJob(name="tidy", script="demo", cron="0 3 * * *", kwargs={"seconds": 0}, remark="r"),
    )
    await jobs.update(None, jid, UpdateJob(cron="0 4 * * *"))
    job = (await jobs.get(jid)).job
    assert (job.cron, job.name, job.remark, job.kwargs) == (
        "0 4 * * *",
        "tidy",
        "r",
        {"seconds": 0},
    )
    with pytest.raises(TypeError):
        UpdateJob(next_fire_time=None)  # type: ignore[call-arg]
    with pytest.raises(InvalidInput) as bad:
        await jobs.update(None, jid, UpdateJob(status="sleeping"))
    assert bad.value.code == "job_invalid"
