"""Self-registration and password recovery, against fakes and the fake clock."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import replace

import pytest
from dependency_injector import providers

from adapters.memory.registration import InMemoryVerificationTokens
from bootstrap import Container, Settings
from core.rbac.commands import CreateUser
from core.rbac.model import User
from core.registration.model import Signup, token_digest
from core.registration.service import RegistrationConfig
from core.shared.errors import (
    BadRequest,
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    ServiceUnavailable,
    TooManyRequests,
    Unauthorized,
)
from core.shared.language import negotiate_language
from core.shared.mail import MailMessage
from tests.unit.fakes import FakeClock, Store

FRONT = "https://admin.example.com"
CONFIG = RegistrationConfig(
    frontend_url=FRONT,
    link_ttl_seconds=30 * 60,
    window_seconds=3600,
    requests_per_ip=4,
    requests_per_email=2,
    checks_per_ip=5,
)
PASSWORD = "a fine passphrase"


class FakeMailer:
    """Records every message it is given; while `down`, it fails after recording the attempt."""

    def __init__(self) -> None:
        self.sent: list[MailMessage] = []
        self.attempted: list[MailMessage] = []
        self.down = False

    async def send(self, message: MailMessage) -> None:
        self.attempted.append(message)
        if self.down:
            raise ServiceUnavailable("the mail service is unavailable", "mail_unavailable")
        self.sent.append(message)


class FakePolicy:
    """The registration policy an administrator would change at run time."""

    def __init__(self) -> None:
        self.open = True
        self.role = "user"

    async def is_open(self) -> bool:
        return self.open

    async def default_role(self) -> str:
        return self.role


@pytest.fixture
def mailer() -> FakeMailer:
    return FakeMailer()


@pytest.fixture
def policy() -> FakePolicy:
    return FakePolicy()


@pytest.fixture
def c(seeded: Container, clock: FakeClock, mailer: FakeMailer, policy: FakePolicy) -> Container:
    ticks = lambda: clock.now().timestamp()  # noqa: E731
    seeded.verification_tokens.override(providers.Singleton(InMemoryVerificationTokens, ticks))
    seeded.mailer.override(providers.Object(mailer))
    seeded.registration_config.override(providers.Object(CONFIG))
    seeded.registration_policy.override(providers.Object(policy))
    return seeded


def _link(message: MailMessage, page: str) -> str:
    found = re.findall(rf"{re.escape(FRONT)}/{page}/([A-Za-z0-9_-]+)", message.text)
    assert found, message.text
    assert all(token == found[0] for token in found)
    assert found[0] in (message.html or "")
    return str(found[0])


def _signup(name: str = "newbie", email: str | None = None, **kw: str) -> Signup:
    return Signup(
        username=name, email=email or f"{name}@example.com", password=PASSWORD, nickname="", **kw
    )


async def _register(c: Container, mailer: FakeMailer, signup: Signup, ip: str = "10.0.0.1") -> str:
    await c.registration().register(signup, ip, "en")
    return _link(mailer.sent[-1], "register")


def _user(store: Store, username: str) -> User:
    return next(u for u in store.live(User) if u.username == username)


# --- sign-up ---------------------------------------------------------------------------


async def test_register_mails_a_link_and_confirm_creates_the_user_with_the_default_role(
    c: Container, mailer: FakeMailer, store: Store
) -> None:
    assert await c.registration().register(_signup(), "10.0.0.1", "en") == 30 * 60
    (message,) = mailer.sent
    assert message.to == ("newbie@example.com",)
    token = _link(message, "register")
    assert (await c.registration().pending(token)).username == "newbie"
    assert [u for u in store.live(User) if u.username == "newbie"] == []  # nothing yet

    account = await c.registration().confirm(token)

    user = _user(store, "newbie")
    assert (account.user_id, account.username) == (user.id, "newbie")
    assert user.email == "newbie@example.com" and user.nickname == "newbie" and user.active
    assert user.password_hash == f"fake${PASSWORD}"
    issued = await c.auth().login("newbie", PASSWORD)
    principal = await c.auth().authenticate(issued.access_token)
    assert (await c.profiles().profile(principal)).role_codes == ["user"]
    assert (await c.profiles().routers(principal)).roles == ["user"]


async def test_the_store_keeps_a_hash_of_the_password_under_a_digest_of_the_token(
    c: Container, mailer: FakeMailer
) -> None:
    token = await _register(c, mailer, _signup())
    tokens = c.verification_tokens()
    assert await tokens.peek("register", token) is None  # the clear token is not a key
    ticket = await tokens.peek("register", token_digest(token))
    assert ticket is not None and not ticket.used
    assert ticket.payload["password_hash"] == f"fake${PASSWORD}"
    assert PASSWORD not in ticket.payload.values()


async def test_a_link_works_once(c: Container, mailer: FakeMailer) -> None:
    token = await _register(c, mailer, _signup())
    await c.registration().confirm(token)
    for use in (c.registration().confirm, c.registration().pending):
        with pytest.raises(BadRequest) as again:
            await use(token)
        assert again.value.code == "token_used"


async def test_a_link_expires(
    c: Container, mailer: FakeMailer, clock: FakeClock, store: Store
) -> None:
    token = await _register(c, mailer, _signup())
    clock.advance(minutes=29)
    assert (await c.registration().pending(token)).username == "newbie"
    clock.advance(minutes=1, seconds=1)
    for use in (c.registration().pending, c.registration().confirm):
        with pytest.raises(BadRequest) as late:
            await use(token)
        assert late.value.code == "token_expired"
    assert [u for u in store.live(User) if u.username == "newbie"] == []
    clock.advance(days=2)  # long forgotten by the store
    with pytest.raises(BadRequest) as gone:
        await c.registration().confirm(token)
    assert gone.value.code == "token_invalid"


@pytest.mark.parametrize("token", ["A" * 43, "not a token", "", "A" * 44, "../" * 15])
async def test_forged_links_are_invalid(c: Container, token: str) -> None:
    for use in (c.registration().pending, c.registration().confirm):
        with pytest.raises(BadRequest) as forged:
            await use(token)
        assert forged.value.code == "token_invalid"


async def test_a_registration_link_does_not_reset_a_password(
    c: Container, mailer: FakeMailer
) -> None:
    token = await _register(c, mailer, _signup())
    with pytest.raises(BadRequest) as wrong_kind:
        await c.recovery().reset(token, "another fine one")
    assert wrong_kind.value.code == "token_invalid"


async def test_username_or_email_of_a_live_account_is_refused(
    c: Container, mailer: FakeMailer
) -> None:
    await c.users().create(
        1, CreateUser(username="taken", email="taken@example.com", password=PASSWORD)
    )
    with pytest.raises(Conflict) as user:
        await c.registration().register(_signup("taken", "free@example.com"), "10.0.0.1", "en")
    assert user.value.code == "user_exists"
    with pytest.raises(Conflict) as email:
        await c.registration().register(_signup("free", "taken@example.com"), "10.0.0.2", "en")
    assert email.value.code == "email_exists"
    assert mailer.attempted == []


async def test_taken_meanwhile_is_refused_at_confirm_time(c: Container, mailer: FakeMailer) -> None:
    first = await _register(c, mailer, _signup("twin", "one@example.com"))
    second = await _register(c, mailer, _signup("twin", "two@example.com"), ip="10.0.0.2")
    await c.registration().confirm(first)
    with pytest.raises(Conflict) as late:
        await c.registration().confirm(second)
    assert late.value.code == "user_exists"

    third = await _register(c, mailer, _signup("other", "three@example.com"), ip="10.0.0.3")
    await c.users().create(
        1, CreateUser(username="squatter", email="three@example.com", password=PASSWORD)
    )
    with pytest.raises(Conflict) as email:
        await c.registration().confirm(third)
    assert email.value.code == "email_exists"


async def test_a_deleted_account_frees_its_username(c: Container, mailer: FakeMailer) -> None:
    uid = await c.users().create(
        1, CreateUser(username="gone", email="gone@example.com", password=PASSWORD)
    )
    await c.users().delete(1, uid)
    await c.registration().confirm(await _register(c, mailer, _signup("gone")))


async def test_closed_registration_refuses_every_step(
    c: Container, mailer: FakeMailer, policy: FakePolicy
) -> None:
    token = await _register(c, mailer, _signup())
    policy.open = False
    calls: list[Callable[[], Awaitable[object]]] = [
        lambda: c.registration().register(_signup("late"), "10.0.0.9", "en"),
        lambda: c.registration().pending(token),
        lambda: c.registration().confirm(token),
    ]
    for call in calls:
        with pytest.raises(Forbidden) as closed:
            await call()
        assert closed.value.code == "registration_closed"
    assert len(mailer.sent) == 1


async def test_no_default_role_means_an_account_without_role(
    c: Container, mailer: FakeMailer, policy: FakePolicy
) -> None:
    policy.role = ""
    await c.registration().confirm(await _register(c, mailer, _signup()))
    principal = await c.auth().authenticate((await c.auth().login("newbie", PASSWORD)).access_token)
    with pytest.raises(Forbidden) as no_role:
        await c.profiles().routers(principal)
    assert no_role.value.code == "no_role"


@pytest.mark.parametrize("role", ["admin", "no-such-role"])
async def test_a_default_role_that_is_admin_or_missing_is_refused(
    c: Container, mailer: FakeMailer, store: Store, policy: FakePolicy, role: str
) -> None:
    policy.role = role
    token = await _register(c, mailer, _signup())
    with pytest.raises(ServiceUnavailable) as refused:
        await c.registration().confirm(token)
    assert refused.value.code == "registration_misconfigured"
    assert [u for u in store.live(User) if u.username == "newbie"] == []
    policy.role = "user"
    await c.registration().confirm(token)  # the link was not used up


def test_settings_refuse_admin_as_the_default_role() -> None:
    with pytest.raises(ValueError, match="APP_REGISTRATION_DEFAULT_ROLE"):
        Settings(_env_file=None, registration_default_role="admin")


async def test_the_password_policy_and_username_rules_apply(
    c: Container, mailer: FakeMailer
) -> None:
    cases = [
        (replace(_signup(), password="12345678"), "password_too_common"),
        (replace(_signup(), password="short"), "password_length"),
        (replace(_signup(), password="newbie"), "password_length"),
        (replace(_signup(), username="x"), "username_invalid"),
        (replace(_signup(), email="not-an-address"), "email_invalid"),
    ]
    for signup, code in cases:
        with pytest.raises(InvalidInput) as bad:
            await c.registration().register(signup, "10.0.0.1", "en")
        assert bad.value.code == code
    assert mailer.attempted == []


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("nickname", "Neo\r\nBcc: victim@example.com"),
        ("nickname", "Neo\nX-Injected: 1"),
        ("email", "newbie@example.com\r\nBcc: victim@example.com"),
    ],
)
async def test_line_breaks_in_mail_fields_are_refused(
    c: Container, mailer: FakeMailer, field: str, value: str
) -> None:
    with pytest.raises(InvalidInput) as bad:
        await c.registration().register(replace(_signup(), **{field: value}), "10.0.0.1", "en")
    assert bad.value.code == "header_injection"
    assert mailer.attempted == []


async def test_line_breaks_in_a_reset_address_are_refused(c: Container, mailer: FakeMailer) -> None:
    with pytest.raises(InvalidInput) as bad:
        await c.recovery().request_reset("a@example.com\r\nBcc: b@example.com", "10.0.0.1", "en")
    assert bad.value.code == "header_injection"


async def test_a_failed_send_is_503_and_the_pending_registration_stays_valid(
    c: Container, mailer: FakeMailer
) -> None:
    mailer.down = True
    with pytest.raises(ServiceUnavailable) as down:
        await c.registration().register(_signup(), "10.0.0.1", "en")
    assert down.value.code == "mail_unavailable"
    # Had the message got out after all, its link would still work...
    token = _link(mailer.attempted[-1], "register")
    # ...and asking again with the same data mails a new one.
    mailer.down = False
    again = await _register(c, mailer, _signup())
    assert again != token
    await c.registration().confirm(token)
    with pytest.raises(Conflict):
        await c.registration().confirm(again)


# --- rates -----------------------------------------------------------------------------


async def test_registrations_are_limited_per_email(
    c: Container, mailer: FakeMailer, clock: FakeClock
) -> None:
    for n in range(CONFIG.requests_per_email):
        await c.registration().register(_signup(), f"10.0.0.{n}", "en")
    with pytest.raises(TooManyRequests) as limited:
        await c.registration().register(_signup(), "10.0.1.1", "en")
    assert limited.value.code == "rate_limited"
    assert 0 < limited.value.retry_after <= CONFIG.window_seconds
    # The address is counted case-blind.
    with pytest.raises(TooManyRequests):
        await c.registration().register(_signup(email="NEWBIE@example.com"), "10.0.1.2", "en")
    assert len(mailer.sent) == CONFIG.requests_per_email
    clock.advance(seconds=CONFIG.window_seconds + 1)
    await c.registration().register(_signup(), "10.0.1.3", "en")


async def test_registrations_are_limited_per_ip(c: Container, mailer: FakeMailer) -> None:
    for n in range(CONFIG.requests_per_ip):
        await c.registration().register(_signup(f"user{n}"), "10.9.9.9", "en")
    with pytest.raises(TooManyRequests):
        await c.registration().register(_signup("one-more"), "10.9.9.9", "en")
    await c.registration().register(_signup("elsewhere"), "10.9.9.8", "en")


async def test_reset_requests_are_limited_per_email_and_ip(
    c: Container, mailer: FakeMailer
) -> None:
    recovery = c.recovery()
    for n in range(CONFIG.requests_per_email):
        await (await recovery.request_reset("someone@example.com", f"10.0.0.{n}", "en"))()
    with pytest.raises(TooManyRequests):
        await recovery.request_reset("someone@example.com", "10.0.0.99", "en")
    for n in range(CONFIG.requests_per_ip):
        await (await recovery.request_reset(f"x{n}@example.com", "10.7.7.7", "en"))()
    with pytest.raises(TooManyRequests):
        await recovery.request_reset("y@example.com", "10.7.7.7", "en")


# --- availability ----------------------------------------------------------------------


async def test_availability_of_usernames_and_emails(c: Container, mailer: FakeMailer) -> None:
    await c.users().create(
        1, CreateUser(username="taken", email="taken@example.com", password=PASSWORD)
    )
    await _register(c, mailer, _signup("pending"))
    reg = c.registration()
    assert await reg.availability("username", "taken", "10.0.0.1") is False
    assert await reg.availability("username", "pending", "10.0.0.1") is True  # not an account yet
    assert await reg.availability("email", "taken@example.com", "10.0.0.1") is False
    assert await reg.availability("email", "free@example.com", "10.0.0.1") is True
    with pytest.raises(NotFound) as unknown:
        await reg.availability("phone", "123", "10.0.0.2")
    assert unknown.value.code == "field_not_checkable"
    await reg.availability("username", "fifth", "10.0.0.1")
    with pytest.raises(TooManyRequests):
        await reg.availability("username", "again", "10.0.0.1")


# --- password recovery -----------------------------------------------------------------


@pytest.fixture
async def member(c: Container) -> int:
    return await c.users().create(
        1,
        CreateUser(username="member", email="member@example.com", nickname="M", password=PASSWORD),
    )


async def _reset_link(c: Container, mailer: FakeMailer, email: str = "member@example.com") -> str:
    await (await c.recovery().request_reset(email, "10.0.0.1", "en"))()
    return _link(mailer.sent[-1], "reset-password")


async def test_an_unknown_address_gets_the_same_answer_and_no_mail(
    c: Container, mailer: FakeMailer, member: int
) -> None:
    unknown = await c.recovery().request_reset("nobody@example.com", "10.0.0.1", "en")
    known = await c.recovery().request_reset("member@example.com", "10.0.0.2", "en")
    await unknown()  # neither raises: the answer was given before, and is the same
    await known()
    assert [m.to for m in mailer.sent] == [("member@example.com",)]


async def test_reset_sets_the_password_and_signs_out_everywhere(
    c: Container, mailer: FakeMailer, member: int
) -> None:
    auth = c.auth()
    old_token = (await auth.login("member", PASSWORD)).access_token
    token = await _reset_link(c, mailer)
    await c.recovery().reset(token, "another fine one")
    with pytest.raises(Unauthorized) as revoked:
        await auth.authenticate(old_token)
    assert revoked.value.code == "token_revoked"
    with pytest.raises(Unauthorized):
        await auth.login("member", PASSWORD)
    assert (await auth.login("member", "another fine one")).access_token
    with pytest.raises(BadRequest) as again:
        await c.recovery().reset(token, "yet another fine one")
    assert again.value.code == "token_used"


async def test_a_refused_new_password_leaves_the_link_usable(
    c: Container, mailer: FakeMailer, member: int
) -> None:
    token = await _reset_link(c, mailer)
    for weak, code in (("12345678", "password_too_common"), ("member", "password_length")):
        with pytest.raises(InvalidInput) as bad:
            await c.recovery().reset(token, weak)
        assert bad.value.code == code
    await c.recovery().reset(token, "another fine one")


async def test_a_reset_link_expires(
    c: Container, mailer: FakeMailer, member: int, clock: FakeClock
) -> None:
    token = await _reset_link(c, mailer)
    clock.advance(minutes=31)
    with pytest.raises(BadRequest) as late:
        await c.recovery().reset(token, "another fine one")
    assert late.value.code == "token_expired"
    await c.auth().login("member", PASSWORD)


async def test_a_password_change_kills_outstanding_reset_links(
    c: Container, mailer: FakeMailer, member: int
) -> None:
    first, second = await _reset_link(c, mailer), await _reset_link(c, mailer)
    assert first != second
    await c.recovery().reset(first, "another fine one")
    with pytest.raises(BadRequest) as stale:
        await c.recovery().reset(second, "a third fine one")
    assert stale.value.code == "token_invalid"


async def test_a_disabled_account_gets_no_reset_mail(
    c: Container, mailer: FakeMailer, member: int
) -> None:
    await c.users().set_status(1, member, 0)
    await (await c.recovery().request_reset("member@example.com", "10.0.0.1", "en"))()
    assert mailer.sent == []


async def test_reset_lifts_the_login_lock(c: Container, mailer: FakeMailer, member: int) -> None:
    for _ in range(5):
        with pytest.raises(Unauthorized):
            await c.auth().login("member", "wrong password")
    with pytest.raises(TooManyRequests):
        await c.auth().login("member", PASSWORD)
    await c.recovery().reset(await _reset_link(c, mailer), "another fine one")
    assert (await c.auth().login("member", "another fine one")).access_token


async def test_a_failed_reset_mail_gives_the_same_answer(
    c: Container, mailer: FakeMailer, member: int
) -> None:
    mailer.down = True
    work = await c.recovery().request_reset("member@example.com", "10.0.0.1", "en")
    await work()  # the failure stays inside: the answer was the same
    assert len(mailer.attempted) == 1 and mailer.sent == []


# --- mails -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "lang"),
    [
        (None, "zh-CN"),
        ("", "zh-CN"),
        ("en", "en"),
        ("en-US,en;q=0.9", "en"),
        ("zh-CN,zh;q=0.9,en;q=0.8", "zh-CN"),
        ("fr-FR,fr;q=0.9,en;q=0.5", "en"),
        ("en;q=0.4,zh-TW;q=0.8", "zh-CN"),
        ("de", "zh-CN"),
        ("en;q=0", "zh-CN"),
        ("en;q=abc", "zh-CN"),
    ],
)
def test_language_negotiation(header: str | None, lang: str) -> None:
    assert negotiate_language(header) == lang


async def test_mails_are_bilingual_and_escape_html(c: Container, mailer: FakeMailer) -> None:
    signup = replace(_signup(), nickname="<b>Neo</b> & co")
    await c.registration().register(signup, "10.0.0.1", "zh-CN")
    await c.registration().register(replace(signup, email="n2@example.com"), "10.0.0.2", "en")
    zh, en = mailer.sent
    assert zh.subject == "确认注册" and en.subject == "Confirm your registration"
    assert "30" in zh.text and "30 minutes" in en.text
    assert "<b>Neo</b> & co" in en.text
    assert en.html is not None and "&lt;b&gt;Neo&lt;/b&gt; &amp; co" in en.html
    assert "<b>Neo</b>" not in en.html
    assert _link(zh, "register") != _link(en, "register")
