"""Each use case called directly, without HTTP: its command holds only what it may change,
and the entity refuses what its module forbids, whoever the caller."""

from __future__ import annotations

import dataclasses

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


def _admin(c: Container) -> Principal:
    auth = c.auth()
    return auth.authenticate(auth.login("admin", "admin123").access_token)


def _user(c: Container, name: str = "carol") -> int:
    return c.users().create(
        id_of_admin(c), CreateUser(username=name, password=PASSWORD, email=f"{name}@example.com")
    )


def id_of_admin(c: Container) -> int:
    with c.uow() as uow:
        return id_of(uow.users.get_by_username("admin"))


def _stored_user(c: Container, user_id: int) -> User:
    with c.uow() as uow:
        user: User | None = uow.users.get(user_id)
    assert user is not None
    return user


def _role(c: Container, code: str) -> Role:
    with c.uow() as uow:
        role: Role | None = uow.roles.get_by_code(code)
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
    with pytest.raises(TypeError):
        UpdateUser(**{field: "x"})
    with pytest.raises(TypeError):
        UpdateProfile(**{field: "x"})


# --- users --------------------------------------------------------------------------------


def test_user_update_changes_contact_fields_only(seeded: Container) -> None:
    uid = _user(seeded)
    before = _stored_user(seeded, uid)
    name, digest, status = before.username, before.password_hash, before.status
    token = seeded.auth().login("carol", PASSWORD).access_token
    seeded.users().update(
        id_of_admin(seeded), uid, UpdateUser(nickname="Caz", email=None, phone="123")
    )
    after = _stored_user(seeded, uid)
    assert (after.nickname, after.email, after.phone) == ("Caz", None, "123")
    assert (after.username, after.password_hash, after.status) == (name, digest, status)
    # Not given is not cleared: the phone stays when only the nickname changes.
    seeded.users().update(id_of_admin(seeded), uid, UpdateUser(nickname="C"))
    assert _stored_user(seeded, uid).phone == "123"
    seeded.auth().authenticate(token)  # still signed in: nothing about access changed


def test_the_entity_takes_no_status_through_its_contact_change() -> None:
    user = User(username="dan", password_hash="h")
    with pytest.raises(TypeError):
        user.change_contact(status=DISABLED)  # type: ignore[call-arg]
    with pytest.raises(InvalidInput) as bad:
        user.set_status(7)
    assert bad.value.code == "status_invalid" and user.status == ENABLED


def test_disabling_goes_through_the_use_case_that_signs_out(seeded: Container) -> None:
    uid = _user(seeded)
    token = seeded.auth().login("carol", PASSWORD).access_token
    seeded.users().set_status(id_of_admin(seeded), uid, DISABLED)
    assert _stored_user(seeded, uid).status == DISABLED
    with pytest.raises(Exception) as revoked:
        seeded.auth().authenticate(token)
    assert getattr(revoked.value, "code", None) == "token_revoked"


def test_nobody_disables_their_own_account(seeded: Container) -> None:
    admin = id_of_admin(seeded)
    token = seeded.auth().login("admin", "admin123").access_token
    with pytest.raises(Conflict) as refused:
        seeded.users().set_status(admin, admin, DISABLED)
    assert refused.value.code == "cannot_disable_self"
    assert _stored_user(seeded, admin).status == ENABLED
    seeded.auth().authenticate(token)  # and the account keeps its sessions
    seeded.users().set_status(admin, admin, ENABLED)  # enabling oneself is harmless


def test_the_profile_refuses_a_new_address_but_takes_the_current_one(seeded: Container) -> None:
    uid = _user(seeded)
    auth = seeded.auth()
    me = auth.authenticate(auth.login("carol", PASSWORD).access_token)
    with pytest.raises(InvalidInput) as refused:
        seeded.profiles().update(me, UpdateProfile(email="thief@example.org"))
    assert refused.value.code == "email_change_needs_confirmation"
    seeded.profiles().update(me, UpdateProfile(nickname="C", email="carol@example.com"))
    stored = _stored_user(seeded, uid)
    assert (stored.nickname, stored.email) == ("C", "carol@example.com")


# --- roles --------------------------------------------------------------------------------


def test_no_role_takes_a_new_code(seeded: Container) -> None:
    # Labels, seeds and the sign-up parameter name roles by code: a rename would re-point them.
    assert "code" not in {f.name for f in dataclasses.fields(UpdateRole)}
    with pytest.raises(TypeError):
        UpdateRole(code="root")  # type: ignore[call-arg]
    admin = _admin(seeded)
    role = _role(seeded, "admin")
    seeded.roles().update(admin.user_id, id_of(role), UpdateRole(name="Root"))
    kept = _role(seeded, "admin")
    assert (kept.code, kept.name) == ("admin", "Root")


def test_the_admin_role_is_never_disabled_by_its_entity() -> None:
    role = Role(code="admin", name="a")
    with pytest.raises(Conflict):
        role.set_status(DISABLED)
    assert role.status == ENABLED


# --- menus and labels ---------------------------------------------------------------------


def test_a_menu_at_the_root_is_written_0_or_none(seeded: Container) -> None:
    admin = _admin(seeded).user_id
    menus = seeded.menus()
    mid = menus.create(admin, CreateMenu(name="top", title="Top", type=MenuType.DIR, parent_id=0))
    assert menus.get(mid).parent_id is None
    with seeded.uow() as uow:
        parent = id_of(uow.menus.get_by_name("permission"))
    menus.update(admin, mid, UpdateMenu(parent_id=parent, title="Moved"))
    assert (menus.get(mid).parent_id, menus.get(mid).title) == (parent, "Moved")
    menus.update(admin, mid, UpdateMenu(parent_id=0))
    assert menus.get(mid).parent_id is None and menus.get(mid).title == "Moved"


def test_a_label_is_renamed_only_to_a_well_formed_free_label(seeded: Container) -> None:
    admin = _admin(seeded).user_id
    labels = seeded.labels()
    lid = labels.create(admin, CreateLabel(label="perm:thing:get", name="Things"))
    with pytest.raises(InvalidInput) as bad:
        labels.update(admin, lid, UpdateLabel(label="things"))
    assert bad.value.code == "label_invalid"
    with pytest.raises(Conflict) as taken:
        labels.update(admin, lid, UpdateLabel(label="perm:user:get"))
    assert taken.value.code == "label_exists"
    labels.update(admin, lid, UpdateLabel(label="perm:thing:put"))
    assert (labels.get(lid).label, labels.get(lid).name) == ("perm:thing:put", "Things")


# --- config parameters and dictionaries ---------------------------------------------------


def test_a_config_key_changes_only_to_a_valid_free_key(seeded: Container) -> None:
    configs = seeded.configs()
    sid = configs.create(1, CreateConfig(name="A", key="app.a", value="1", sort=4))
    with pytest.raises(InvalidInput) as bad:
        configs.update(1, sid, UpdateConfig(key="has space"))
    assert bad.value.code == "config_key_invalid"
    configs.create(1, CreateConfig(name="B", key="app.b"))
    with pytest.raises(Conflict):
        configs.update(1, sid, UpdateConfig(key="app.b"))
    configs.update(1, sid, UpdateConfig(key="app.c"))
    stored = configs.get(sid)
    assert (stored.key, stored.name, stored.value, stored.sort) == ("app.c", "A", "1", 4)


def test_a_dictionary_type_carries_its_items_and_items_keep_known_classes(
    seeded: Container,
) -> None:
    d = seeded.dictionaries()
    tid = d.create_type(1, CreateDictType(code="size", name="Sizes"))
    iid = d.create_item(1, CreateDictItem(type_code="size", label="S", value="s"))
    with pytest.raises(InvalidInput) as bad:
        d.update_type(1, tid, UpdateDictType(code="Size!"))
    assert bad.value.code == "dict_code_invalid"
    d.update_type(1, tid, UpdateDictType(code="sizes"))
    assert d.get_item(iid).type_code == "sizes" and d.get_type(tid).name == "Sizes"
    with pytest.raises(InvalidInput) as css:
        d.update_item(1, iid, UpdateDictItem(css_class="neon"))
    assert css.value.code == "dict_css_class_invalid"
    d.update_item(1, iid, UpdateDictItem(css_class="info"))
    assert (d.get_item(iid).css_class, d.get_item(iid).label) == ("info", "S")


# --- jobs -----------------------------------------------------------------------


def test_a_job_update_changes_what_it_names_and_nothing_else(seeded: Container) -> None:
    jobs = seeded.jobs()
    jid = jobs.create(
        None,
        CreateJob(name="tidy", script="demo", cron="0 3 * * *", kwargs={"seconds": 0}, remark="r"),
    )
    jobs.update(None, jid, UpdateJob(cron="0 4 * * *"))
    job = jobs.get(jid).job
    assert (job.cron, job.name, job.remark, job.kwargs) == (
        "0 4 * * *",
        "tidy",
        "r",
        {"seconds": 0},
    )
    with pytest.raises(TypeError):
        UpdateJob(next_fire_time=None)  # type: ignore[call-arg]
    with pytest.raises(InvalidInput) as bad:
        jobs.update(None, jid, UpdateJob(status="sleeping"))
    assert bad.value.code == "job_invalid"
