"""Sessions against fakes: the token pair, rotation, reuse, expiry, `typ`, last_seen, online users."""

from __future__ import annotations

from collections.abc import Awaitable

import pytest

from bootstrap import Container
from core.audit.model import LoginLog
from core.monitor.service import OnlineFilter
from core.rbac.model import Principal, TokenPair
from core.shared.errors import Forbidden, NotFound, Unauthorized
from core.shared.pagination import PageRequest
from core.shared.scope import RowScope
from tests.unit.fakes import FakeClock, Store

CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)


async def _login(
    c: Container, name: str = "admin", password: str = "admin123", remember: bool = False
) -> TokenPair:
    return await c.auth().login(name, password, "10.0.0.1", CHROME, remember=remember)


async def _principal(c: Container, pair: TokenPair) -> Principal:
    return await c.auth().authenticate(pair.access_token)


async def _code(awaitable: Awaitable[object]) -> str:
    with pytest.raises(Unauthorized) as exc:
        await awaitable
    return exc.value.code


async def test_login_answers_a_pair_with_the_lifetimes_of_the_settings(seeded: Container) -> None:
    s = seeded.settings()
    pair = await _login(seeded)
    assert pair.expires_in == s.access_token_minutes * 60 == 1800
    assert pair.refresh_expires_in == s.refresh_token_hours * 3600 == 86400
    remembered = await _login(seeded, remember=True)
    assert remembered.refresh_expires_in == s.refresh_remember_days * 86400


async def test_the_session_record_names_the_client(seeded: Container) -> None:
    pair = await _login(seeded)
    me = await _principal(seeded, pair)
    session = await seeded.token_store().get(me.user_id, me.sid)
    assert session is not None
    assert (session.browser, session.os, session.ip) == ("Chrome 131", "Windows 10", "10.0.0.1")
    assert len(session.sid) == 32 and session.sid not in (pair.access_token, pair.refresh_token)


async def test_a_refresh_rotates_and_the_old_refresh_token_then_ends_the_family(
    seeded: Container, store: Store
) -> None:
    sessions = seeded.sessions()
    first = await _login(seeded)
    second = await sessions.refresh(first.refresh_token)
    assert second.refresh_token != first.refresh_token
    # The access token of before still works: the session lives on.
    assert (await _principal(seeded, first)).sid == (await _principal(seeded, second)).sid
    third = await sessions.refresh(second.refresh_token)

    assert await _code(sessions.refresh(first.refresh_token, "6.6.6.6", "thief")) == (
        "refresh_reused"
    )
    for pair in (first, second, third):  # every token of the family now fails
        assert await _code(_principal(seeded, pair)) == "token_revoked"
    assert await _code(sessions.refresh(third.refresh_token)) == "token_revoked"
    row = store.live(LoginLog)[-1]
    assert (row.username, row.status, row.message, row.ip) == (
        "admin",
        "logout",
        "refresh_reused",
        "6.6.6.6",
    )


async def test_a_refresh_slides_the_session_and_keeps_remember(
    seeded: Container, clock: FakeClock
) -> None:
    pair = await _login(seeded, remember=True)
    for _ in range(3):  # 3 x 10 days: past the first 14 days, alive by sliding
        clock.advance(days=10)
        pair = await seeded.sessions().refresh(pair.refresh_token)
        assert pair.refresh_expires_in == 14 * 86400
    assert (await _principal(seeded, pair)).username == "admin"


async def test_an_unused_session_ends_with_its_refresh_lifetime(
    seeded: Container, clock: FakeClock
) -> None:
    pair = await _login(seeded)
    clock.advance(hours=24, seconds=1)
    assert await _code(seeded.sessions().refresh(pair.refresh_token)) == "token_expired"


async def test_an_expired_access_token_is_refused_but_its_refresh_token_still_works(
    seeded: Container, clock: FakeClock
) -> None:
    pair = await _login(seeded)
    clock.advance(minutes=31)
    assert await _code(_principal(seeded, pair)) == "token_expired"
    fresh = await seeded.sessions().refresh(pair.refresh_token)
    assert (await _principal(seeded, fresh)).username == "admin"


async def test_tokens_are_accepted_only_as_their_type(seeded: Container) -> None:
    pair = await _login(seeded)
    assert await _code(seeded.auth().authenticate(pair.refresh_token)) == "token_invalid"
    assert await _code(seeded.sessions().refresh(pair.access_token)) == "refresh_invalid"
    assert await _code(seeded.sessions().refresh("garbage")) == "refresh_invalid"


async def test_logout_ends_the_session_for_both_tokens(seeded: Container) -> None:
    pair = await _login(seeded)
    await seeded.auth().logout(await _principal(seeded, pair))
    assert await _code(_principal(seeded, pair)) == "token_revoked"
    assert await _code(seeded.sessions().refresh(pair.refresh_token)) == "token_revoked"


async def test_last_seen_is_written_at_most_once_a_minute(
    seeded: Container, clock: FakeClock
) -> None:
    pair = await _login(seeded)
    me = await _principal(seeded, pair)
    started = clock.now()

    async def last_seen() -> object:
        session = await seeded.token_store().get(me.user_id, me.sid)
        assert session is not None
        return session.last_seen

    clock.advance(seconds=59)
    await _principal(seeded, pair)
    assert await last_seen() == started
    clock.advance(seconds=1)
    await _principal(seeded, pair)
    assert await last_seen() == clock.now()


async def test_a_password_change_ends_every_session(seeded: Container) -> None:
    a, b = await _login(seeded, "opt", "opt123"), await _login(seeded, "opt", "opt123")
    await seeded.auth().change_password(await _principal(seeded, a), "opt123", "a-new-passphrase")
    for pair in (a, b):
        assert await _code(seeded.sessions().refresh(pair.refresh_token)) == "token_revoked"


async def test_revoke_all_can_spare_the_callers_own_session(seeded: Container) -> None:
    mine, other = await _login(seeded), await _login(seeded)
    me = await _principal(seeded, mine)
    assert await seeded.token_store().revoke_all(me.user_id, keep=me.sid) == 1
    assert (await _principal(seeded, mine)).sid == me.sid
    assert await _code(_principal(seeded, other)) == "token_revoked"


# --- online users ---------------------------------------------------------------------


async def test_online_users_newest_first_filtered_with_the_callers_own_marked(
    seeded: Container, clock: FakeClock
) -> None:
    online = seeded.online()
    await _login(seeded, "opt", "opt123")
    clock.advance(seconds=5)
    await seeded.auth().login("user", "123456", "192.168.1.9", "curl/8")
    clock.advance(seconds=5)
    me = await _principal(seeded, await _login(seeded))
    page = await online.online(me, OnlineFilter(), PageRequest(page=1, size=10))
    assert [(r.session.username, r.current) for r in page.items] == [
        ("admin", True),
        ("user", False),
        ("opt", False),
    ]
    assert (page.items[1].session.browser, page.items[1].session.os) == ("curl 8", "")
    by_name = await online.online(me, OnlineFilter(username="OP"), PageRequest())
    assert [r.session.username for r in by_name.items] == ["opt"]
    by_ip = await online.online(me, OnlineFilter(ip="192.168."), PageRequest())
    assert [r.session.username for r in by_ip.items] == ["user"]
    second = await online.online(me, OnlineFilter(), PageRequest(page=2, size=2))
    assert (second.total, [r.session.username for r in second.items]) == (3, ["opt"])


async def test_a_forced_logout_ends_the_session_and_is_logged(
    seeded: Container, store: Store
) -> None:
    victim = await seeded.auth().login("opt", "opt123", "10.9.9.9", "ua")
    sid = (await _principal(seeded, victim)).sid
    me = await _principal(seeded, await _login(seeded))
    await seeded.online().end(me, sid)
    assert await _code(_principal(seeded, victim)) == "token_revoked"
    row = store.live(LoginLog)[-1]
    assert (row.username, row.status, row.message, row.ip) == (
        "opt",
        "logout",
        "forced_logout",
        "10.9.9.9",
    )
    with pytest.raises(NotFound) as gone:
        await seeded.online().end(me, sid)
    assert gone.value.code == "session_not_found"


async def test_only_an_admin_ends_an_admins_session(seeded: Container, store: Store) -> None:
    admin_pair = await _login(seeded)
    admin = await _principal(seeded, admin_pair)
    opt = await _principal(seeded, await _login(seeded, "opt", "opt123"))
    user = await _principal(seeded, await seeded.auth().login("user", "123456"))
    with pytest.raises(Forbidden) as refused:
        await seeded.online().end(opt, admin.sid)
    assert refused.value.code == "permission_denied"
    with pytest.raises(Forbidden):
        await seeded.online().end_user(opt, admin.user_id)
    assert (await _principal(seeded, admin_pair)).sid == admin.sid  # still signed in
    await seeded.online().end_user(opt, user.user_id)  # a non-admin's: fine
    with pytest.raises(NotFound):
        await seeded.online().end_user(opt, user.user_id)  # none left


async def test_sessions_outside_the_callers_scope_are_hidden_and_not_found(
    seeded: Container,
) -> None:
    opt = await _principal(seeded, await _login(seeded, "opt", "opt123"))
    user = await _principal(seeded, await seeded.auth().login("user", "123456"))
    only_self = RowScope(owner=opt.user_id)
    page = await seeded.online().online(opt, OnlineFilter(), PageRequest(), only_self)
    assert {r.session.user_id for r in page.items} == {opt.user_id}
    with pytest.raises(NotFound):
        await seeded.online().end(opt, user.sid, only_self)
    with pytest.raises(NotFound):
        await seeded.online().end_user(opt, user.user_id, only_self)
    assert (await _principal(seeded, await seeded.auth().login("user", "123456"))).user_id


def test_the_access_lifetime_setting_still_answers_to_its_old_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from bootstrap import Settings

    monkeypatch.setenv("APP_TOKEN_TTL_MINUTES", "45")
    assert Settings(_env_file=None).access_token_minutes == 45
    monkeypatch.setenv("APP_ACCESS_TOKEN_MINUTES", "15")
    assert Settings(_env_file=None).access_token_minutes == 15
    monkeypatch.delenv("APP_TOKEN_TTL_MINUTES")
    monkeypatch.delenv("APP_ACCESS_TOKEN_MINUTES")
    assert Settings(_env_file=None).access_token_minutes == 30
