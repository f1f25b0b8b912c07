"""Changing one's own e-mail address: current password, a link to the new inbox, a notice to the old."""

from __future__ import annotations

import pytest

from bootstrap import Container
from core.rbac.commands import CreateUser, UpdateProfile
from core.rbac.model import Principal, User
from core.shared.errors import BadRequest, Conflict, InvalidInput, TooManyRequests, Unauthorized
from tests.unit import test_registration as registration
from tests.unit.fakes import FakeClock, Store
from tests.unit.test_registration import CONFIG, PASSWORD, FakeMailer, _link

# The fixtures of the registration tests: the same container, fake mailer and policy.
c = registration.c
mailer = registration.mailer
policy = registration.policy

IP = "10.0.9.1"


async def _account(c: Container, name: str = "mover", email: str | None = "old@example.com") -> int:
    return await c.users().create(1, CreateUser(username=name, email=email, password=PASSWORD))


def _email(store: Store, user_id: int) -> str | None:
    user: User = store.table(User)[user_id]
    return user.email


async def _ask(
    c: Container, uid: int, new: str = "new@example.com", password: str = PASSWORD
) -> int:
    return await c.email_changes().request(uid, new, password, IP, "en")


async def test_the_profile_no_longer_changes_the_email_at_once(c: Container, store: Store) -> None:
    # The hole: PUT /user/info {"email": ...} moved the account to the thief's inbox.
    uid = await _account(c)
    me = Principal(uid, "sid", frozenset(), "mover")
    with pytest.raises(InvalidInput) as err:
        await c.profiles().update(me, UpdateProfile(email="thief@example.org"))
    assert (err.value.code, err.value.field) == ("email_change_needs_confirmation", "email")
    assert _email(store, uid) == "old@example.com"
    # Forms send every field: the address the account has is accepted, the rest applies.
    await c.profiles().update(
        me, UpdateProfile(nickname="Mo", email="old@example.com", phone="123")
    )
    assert store.table(User)[uid].nickname == "Mo" and _email(store, uid) == "old@example.com"


async def test_the_change_needs_the_current_password(
    c: Container, mailer: FakeMailer, store: Store
) -> None:
    uid = await _account(c)
    with pytest.raises(InvalidInput) as err:
        await _ask(c, uid, password="not the password")
    assert (err.value.code, err.value.field) == ("current_password_wrong", "current_password")
    assert mailer.sent == [] and _email(store, uid) == "old@example.com"


async def test_the_new_address_confirms_and_the_old_one_is_told_first(
    c: Container, mailer: FakeMailer, store: Store
) -> None:
    uid = await _account(c)
    assert await _ask(c, uid) == CONFIG.link_ttl_seconds
    notice, link_mail = mailer.sent
    assert notice.to == ("old@example.com",) and "new@example.com" in notice.text
    assert "confirm-email" not in notice.text + (notice.html or "")
    assert link_mail.to == ("new@example.com",)
    token = _link(link_mail, "confirm-email")
    assert _email(store, uid) == "old@example.com"  # nothing changes before the link is opened
    pending = await c.email_changes().pending(token)
    assert (pending.username, pending.new_email) == ("mover", "new@example.com")
    await c.email_changes().confirm(token)
    assert _email(store, uid) == "new@example.com"
    with pytest.raises(BadRequest) as err:
        await c.email_changes().confirm(token)
    assert err.value.code == "token_used"


async def test_an_account_without_an_address_gets_only_the_link(
    c: Container, mailer: FakeMailer, store: Store
) -> None:
    uid = await _account(c, email=None)
    await _ask(c, uid)
    [only] = mailer.sent
    assert only.to == ("new@example.com",)
    await c.email_changes().confirm(_link(only, "confirm-email"))
    assert _email(store, uid) == "new@example.com"


async def test_both_languages(c: Container, mailer: FakeMailer) -> None:
    uid = await _account(c)
    await c.email_changes().request(uid, "new@example.com", PASSWORD, IP, "zh-CN")
    notice, link_mail = mailer.sent
    assert notice.subject == "您的邮箱地址即将变更" and link_mail.subject == "确认新的邮箱地址"


async def test_a_taken_address_is_409_when_asked_and_when_confirmed(
    c: Container, mailer: FakeMailer, store: Store
) -> None:
    uid = await _account(c)
    await _account(c, "holder", "held@example.com")
    with pytest.raises(Conflict) as err:
        await _ask(c, uid, "held@example.com")
    assert err.value.code == "email_exists"
    await _ask(c, uid, "free@example.com")
    token = _link(mailer.sent[-1], "confirm-email")
    await _account(c, "squatter", "free@example.com")
    with pytest.raises(Conflict) as err:
        await c.email_changes().confirm(token)
    assert err.value.code == "email_exists" and _email(store, uid) == "old@example.com"


async def test_the_same_address_or_a_bad_one_is_422(c: Container) -> None:
    uid = await _account(c)
    for address, code in (
        ("OLD@example.com", "email_unchanged"),
        ("not-an-address", "email_invalid"),
        ("x@y.z\r\nBcc: victim@example.com", "header_injection"),
    ):
        with pytest.raises(InvalidInput) as err:
            await _ask(c, uid, address)
        assert err.value.code == code


async def test_a_password_change_or_another_change_kills_the_link(
    c: Container, mailer: FakeMailer, store: Store
) -> None:
    uid = await _account(c)
    await _ask(c, uid, "first@example.com")
    first = _link(mailer.sent[-1], "confirm-email")
    await _ask(c, uid, "second@example.com")
    second = _link(mailer.sent[-1], "confirm-email")
    await c.email_changes().confirm(second)
    with pytest.raises(BadRequest) as err:  # the account's address is no longer the old one
        await c.email_changes().confirm(first)
    assert err.value.code == "token_invalid"
    await _ask(c, uid, "third@example.com")
    third = _link(mailer.sent[-1], "confirm-email")
    # The owner, told by the notice, changes the password: the thief's link dies.
    await c.users().reset_password(1, uid, "another fine passphrase")
    with pytest.raises(BadRequest) as err:
        await c.email_changes().confirm(third)
    assert err.value.code == "token_invalid" and _email(store, uid) == "second@example.com"


async def test_wrong_passwords_sign_the_user_out_and_are_limited(
    c: Container, mailer: FakeMailer, clock: FakeClock
) -> None:
    uid = await _account(c)
    token = (await c.auth().login("mover", PASSWORD)).access_token
    for _ in range(CONFIG.password_attempts - 1):
        with pytest.raises(InvalidInput):
            await _ask(c, uid, password="guess")
    await c.auth().authenticate(token)  # still signed in
    with pytest.raises(InvalidInput):
        await _ask(c, uid, password="guess")
    with pytest.raises(Unauthorized):  # the guessing session is gone
        await c.auth().authenticate(token)
    with pytest.raises(TooManyRequests) as err:
        await _ask(c, uid)  # even the right password, until the window ends
    assert err.value.code == "rate_limited"
    clock.advance(seconds=CONFIG.password_window_seconds + 1)
    await _ask(c, uid)
    assert mailer.sent[-1].to == ("new@example.com",)


async def test_requests_are_limited_per_new_address(c: Container, mailer: FakeMailer) -> None:
    uid = await _account(c)
    for _ in range(CONFIG.requests_per_email):
        await _ask(c, uid)
    with pytest.raises(TooManyRequests):
        await _ask(c, uid)


async def test_other_links_are_no_email_links(c: Container, mailer: FakeMailer) -> None:
    await _account(c)
    await (await c.recovery().request_reset("old@example.com", IP, "en"))()
    reset = _link(mailer.sent[-1], "reset-password")
    with pytest.raises(BadRequest) as err:
        await c.email_changes().confirm(reset)
    assert err.value.code == "token_invalid"
