"""Two-factor sign-in (TOTP) and the login captcha, against fakes and a fake clock."""

from __future__ import annotations

from datetime import timedelta

import pyotp
import pytest
from dependency_injector import providers

from adapters.memory.mfa import InMemoryShortLivedValues
from bootstrap import Container
from core.audit.model import LoginLog
from core.config.commands import UpdateConfig
from core.config.model import CAPTCHA_ENABLED, MFA_REQUIRED_ROLES, ConfigSetting
from core.rbac.mfa import CAPTCHA_KEY
from core.rbac.model import MfaChallenge, Principal, TokenPair, User, recovery_digest
from core.rbac.service import AuthPolicy
from core.shared.errors import BadRequest, Conflict, Forbidden, TooManyRequests, Unauthorized
from tests.unit.fakes import FakeClock, Store


@pytest.fixture
async def mfa(container: Container, clock: FakeClock) -> Container:
    """The seeded container with the captcha after 3 failures (its default) and the short-lived
    values on the fake clock."""
    ticks = lambda: clock.now().timestamp()  # noqa: E731
    container.short_lived.override(providers.Singleton(InMemoryShortLivedValues, ticks))
    container.auth_policy.override(providers.Object(AuthPolicy(captcha_after_failures=3)))
    await container.seed().run()
    return container


async def _principal(c: Container, username: str, password: str) -> Principal:
    issued = await c.auth().login(username, password)
    return await c.auth().authenticate(issued.access_token)


async def _turn_on(
    c: Container, clock: FakeClock, username: str, password: str
) -> tuple[str, list[str]]:
    """Turns 2FA on for the user; its secret and recovery codes. The clock moves a step on,
    so the enabling code's step is behind."""
    me = await _principal(c, username, password)
    setup = await c.two_factor().setup(me)
    codes = await c.two_factor().enable(me, pyotp.TOTP(setup.secret).at(clock.now()))
    clock.advance(seconds=30)
    return setup.secret, codes


async def _challenge(c: Container, username: str, password: str) -> MfaChallenge:
    result = await c.auth().sign_in(username, password)
    assert isinstance(result, MfaChallenge)
    return result


async def _set(c: Container, store: Store, key: str, value: str) -> None:
    setting = next(s for s in store.live(ConfigSetting) if s.key == key)
    assert setting.id is not None
    await c.configs().update(1, setting.id, UpdateConfig(value=value))


def _totp(secret: str, clock: FakeClock, steps: int = 0) -> str:
    return pyotp.TOTP(secret).at(clock.now() + timedelta(seconds=30 * steps))


# --- TOTP ---------------------------------------------------------------------------------


async def test_a_user_with_2fa_signs_in_with_the_password_then_a_code(
    mfa: Container, clock: FakeClock, store: Store
) -> None:
    secret, _ = await _turn_on(mfa, clock, "opt", "opt123")
    challenge = await _challenge(mfa, "opt", "opt123")
    assert not challenge.enrol and challenge.expires_in == 300
    issued = await mfa.auth().login_2fa(challenge.mfa_token, _totp(secret, clock), "10.0.0.9")
    assert (await mfa.auth().authenticate(issued.access_token)).username == "opt"
    success = [x for x in store.live(LoginLog) if x.status == "success"]
    assert success[-1].message == "mfa" and success[-1].ip == "10.0.0.9"
    # The password alone no longer gives tokens.
    with pytest.raises(Unauthorized) as exc:
        await mfa.auth().login("opt", "opt123")
    assert exc.value.code == "mfa_required"


async def test_codes_within_one_step_of_drift_pass_and_further_ones_fail(
    mfa: Container, clock: FakeClock
) -> None:
    secret, _ = await _turn_on(mfa, clock, "opt", "opt123")
    for steps in (2, -2):
        challenge = await _challenge(mfa, "opt", "opt123")
        with pytest.raises(BadRequest) as exc:
            await mfa.auth().login_2fa(challenge.mfa_token, _totp(secret, clock, steps))
        assert exc.value.code == "mfa_code_invalid"
    challenge = await _challenge(mfa, "opt", "opt123")
    assert await mfa.auth().login_2fa(challenge.mfa_token, _totp(secret, clock, 1))


async def test_a_code_is_good_once_and_so_is_any_code_of_an_earlier_step(
    mfa: Container, clock: FakeClock
) -> None:
    secret, _ = await _turn_on(mfa, clock, "opt", "opt123")
    code = _totp(secret, clock)
    earlier = _totp(secret, clock, -1)  # within the drift, but before the step now used
    await mfa.auth().login_2fa((await _challenge(mfa, "opt", "opt123")).mfa_token, code)
    for replayed in (code, earlier):
        challenge = await _challenge(mfa, "opt", "opt123")
        with pytest.raises(BadRequest) as exc:
            await mfa.auth().login_2fa(challenge.mfa_token, replayed)
        assert exc.value.code == "mfa_code_invalid"
    clock.advance(seconds=30)
    assert await mfa.auth().login_2fa(
        (await _challenge(mfa, "opt", "opt123")).mfa_token, _totp(secret, clock)
    )


async def test_the_secret_is_stored_sealed(mfa: Container, clock: FakeClock, store: Store) -> None:
    from core.rbac.model import UserMfa

    secret, _ = await _turn_on(mfa, clock, "opt", "opt123")
    (row,) = store.live(UserMfa)
    assert secret not in row.secret and row.enabled
    assert mfa.secret_box().open(row.secret) == secret


# --- recovery codes -----------------------------------------------------------------------


async def test_a_recovery_code_signs_in_once(
    mfa: Container, clock: FakeClock, store: Store
) -> None:
    from core.rbac.model import RecoveryCode

    _, codes = await _turn_on(mfa, clock, "opt", "opt123")
    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(len(c) == 11 and c[5] == "-" for c in codes)
    assert {r.code_hash for r in store.live(RecoveryCode)} == {recovery_digest(c) for c in codes}
    typed = codes[0].upper().replace("-", " ")  # case and the dash do not matter
    assert await mfa.auth().login_2fa((await _challenge(mfa, "opt", "opt123")).mfa_token, typed)
    with pytest.raises(BadRequest):
        await mfa.auth().login_2fa((await _challenge(mfa, "opt", "opt123")).mfa_token, codes[0])
    me = await _principal_2fa(mfa, codes[1])
    assert await mfa.two_factor().status(me) == (True, 8)


async def _principal_2fa(c: Container, code: str) -> Principal:
    issued = await c.auth().login_2fa((await _challenge(c, "opt", "opt123")).mfa_token, code)
    return await c.auth().authenticate(issued.access_token)


# --- mfa tokens and throttling ------------------------------------------------------------


async def test_bad_mfa_tokens_are_refused_with_one_code(mfa: Container, clock: FakeClock) -> None:
    secret, _ = await _turn_on(mfa, clock, "opt", "opt123")
    access = (await mfa.auth().login("admin", "admin123")).access_token
    expired = (await _challenge(mfa, "opt", "opt123")).mfa_token
    used = (await _challenge(mfa, "opt", "opt123")).mfa_token
    await mfa.auth().login_2fa(used, _totp(secret, clock))
    clock.advance(seconds=301)
    for token in ("garbage", access, expired, used):
        with pytest.raises(Unauthorized) as exc:
            await mfa.auth().login_2fa(token, _totp(secret, clock))
        assert exc.value.code == "mfa_token_invalid"


async def test_five_wrong_codes_end_the_token(
    mfa: Container, clock: FakeClock, store: Store
) -> None:
    secret, _ = await _turn_on(mfa, clock, "opt", "opt123")
    token = (await _challenge(mfa, "opt", "opt123")).mfa_token
    for _ in range(4):
        with pytest.raises(BadRequest):
            await mfa.auth().login_2fa(token, "000000")
    with pytest.raises(TooManyRequests) as ended:
        await mfa.auth().login_2fa(token, "000000")
    assert ended.value.code == "mfa_throttled"
    with pytest.raises(Unauthorized) as exc:
        await mfa.auth().login_2fa(token, _totp(secret, clock))  # even the right code
    assert exc.value.code == "mfa_token_invalid"
    failed = [x.message for x in store.live(LoginLog) if x.status == "failed"]
    assert failed.count("mfa_invalid") == 5
    # A new sign-in gets a new token.
    assert await mfa.auth().login_2fa(
        (await _challenge(mfa, "opt", "opt123")).mfa_token, _totp(secret, clock)
    )


async def test_ten_wrong_codes_lock_the_second_factor_for_the_window(
    mfa: Container, clock: FakeClock
) -> None:
    secret, _ = await _turn_on(mfa, clock, "opt", "opt123")
    for _ in range(2):
        token = (await _challenge(mfa, "opt", "opt123")).mfa_token
        for _ in range(4):
            with pytest.raises(BadRequest):
                await mfa.auth().login_2fa(token, "000000")
    token = (await _challenge(mfa, "opt", "opt123")).mfa_token
    with pytest.raises(BadRequest):
        await mfa.auth().login_2fa(token, "000000")
    with pytest.raises(TooManyRequests) as locked:
        await mfa.auth().login_2fa(token, "000000")  # the tenth
    assert locked.value.code == "mfa_throttled" and locked.value.retry_after > 60
    fresh = (await _challenge(mfa, "opt", "opt123")).mfa_token
    with pytest.raises(TooManyRequests):
        await mfa.auth().login_2fa(fresh, _totp(secret, clock))  # even the right code waits
    clock.advance(minutes=15, seconds=1)
    fresh = (await _challenge(mfa, "opt", "opt123")).mfa_token
    assert await mfa.auth().login_2fa(fresh, _totp(secret, clock))


# --- enrolment, required roles ------------------------------------------------------------


async def test_a_holder_of_a_required_role_enrols_at_sign_in(
    mfa: Container, clock: FakeClock, store: Store
) -> None:
    await _set(mfa, store, MFA_REQUIRED_ROLES, " opt , nobody")
    assert isinstance(await mfa.auth().sign_in("user", "123456"), TokenPair)  # not listed
    challenge = await _challenge(mfa, "opt", "opt123")
    assert challenge.enrol
    with pytest.raises(Unauthorized) as wrong_purpose:
        await mfa.auth().login_2fa(challenge.mfa_token, "123456")
    assert wrong_purpose.value.code == "mfa_token_invalid"
    with pytest.raises(Conflict) as not_set_up:
        await mfa.auth().enrol_enable(challenge.mfa_token, "123456")
    assert not_set_up.value.code == "mfa_not_set_up"
    setup = await mfa.auth().enrol_setup(challenge.mfa_token)
    assert setup.otpauth_uri.startswith("otpauth://totp/") and "opt" in setup.otpauth_uri
    assert "issuer=FastAPI%20Vue%20Admin" in setup.otpauth_uri and "<svg" in setup.qr_svg
    codes, issued = await mfa.auth().enrol_enable(challenge.mfa_token, _totp(setup.secret, clock))
    assert len(codes) == 10
    assert (await mfa.auth().authenticate(issued.access_token)).username == "opt"
    with pytest.raises(Unauthorized):  # spent
        await mfa.auth().enrol_setup(challenge.mfa_token)
    clock.advance(seconds=30)
    again = await _challenge(mfa, "opt", "opt123")
    assert not again.enrol  # now a code, not an enrolment


async def test_enabling_ends_the_other_sessions_but_the_callers(
    mfa: Container, clock: FakeClock
) -> None:
    other = (await mfa.auth().login("opt", "opt123")).access_token
    mine = (await mfa.auth().login("opt", "opt123")).access_token
    me = await mfa.auth().authenticate(mine)
    setup = await mfa.two_factor().setup(me)
    with pytest.raises(BadRequest):
        await mfa.two_factor().enable(me, "000000")
    await mfa.two_factor().enable(me, _totp(setup.secret, clock))
    with pytest.raises(Unauthorized) as exc:
        await mfa.auth().authenticate(other)
    assert exc.value.code == "token_revoked"
    assert await mfa.auth().authenticate(mine)
    with pytest.raises(Conflict) as again:
        await mfa.two_factor().setup(me)
    assert again.value.code == "mfa_already_enabled"


async def test_disabling_needs_the_password_and_a_code(mfa: Container, clock: FakeClock) -> None:
    secret, codes = await _turn_on(mfa, clock, "opt", "opt123")
    me = await _principal_2fa(mfa, _totp(secret, clock))
    clock.advance(seconds=30)
    with pytest.raises(BadRequest) as wrong_password:
        await mfa.two_factor().disable(me, "not-it", _totp(secret, clock))
    assert wrong_password.value.code == "password_wrong"
    with pytest.raises(BadRequest) as wrong_code:
        await mfa.two_factor().disable(me, "opt123", "000000")
    assert wrong_code.value.code == "mfa_code_invalid"
    await mfa.two_factor().disable(me, "opt123", codes[0])  # a recovery code will do
    assert await mfa.two_factor().status(me) == (False, 0)
    assert isinstance(await mfa.auth().sign_in("opt", "opt123"), TokenPair)
    with pytest.raises(Conflict) as off:
        await mfa.two_factor().disable(me, "opt123", codes[1])
    assert off.value.code == "mfa_not_enabled"


async def test_an_admin_resets_a_users_second_factor(
    mfa: Container, clock: FakeClock, store: Store
) -> None:
    await _turn_on(mfa, clock, "opt", "opt123")
    ids = {u.username: u.id or 0 for u in store.live(User)}
    user = await _principal(mfa, "user", "123456")
    admin = await _principal(mfa, "admin", "admin123")
    with pytest.raises(Forbidden):
        await mfa.two_factor().reset(user, ids["opt"])  # a weaker account cannot
    await mfa.two_factor().reset(admin, ids["opt"])
    assert isinstance(await mfa.auth().sign_in("opt", "opt123"), TokenPair)
    with pytest.raises(Conflict) as off:
        await mfa.two_factor().reset(admin, ids["opt"])
    assert off.value.code == "mfa_not_enabled"


# --- captcha ------------------------------------------------------------------------------


async def _captcha(c: Container) -> tuple[str, str]:
    issued = await c.captcha().issue("10.9.9.9")
    assert issued.png.startswith(b"\x89PNG")
    code = await c.short_lived().get(CAPTCHA_KEY.format(issued.captcha_id))
    assert code is not None and len(code) == 4
    return issued.captcha_id, code


async def test_a_captcha_is_good_once_and_for_two_minutes(mfa: Container, clock: FakeClock) -> None:
    captcha_id, code = await _captcha(mfa)
    assert await mfa.captcha().passes(captcha_id, code.lower())  # case does not matter
    assert not await mfa.captcha().passes(captcha_id, code)
    captcha_id, code = await _captcha(mfa)
    assert not await mfa.captcha().passes(captcha_id, "????")
    assert not await mfa.captcha().passes(captcha_id, code)  # a wrong try spent it
    captcha_id, code = await _captcha(mfa)
    clock.advance(seconds=121)
    assert not await mfa.captcha().passes(captcha_id, code)


async def test_with_the_switch_on_every_login_passes_a_captcha_first(
    mfa: Container, store: Store
) -> None:
    await _set(mfa, store, CAPTCHA_ENABLED, "true")
    assert (await mfa.captcha().issue("10.9.9.9")).enabled
    for given in ({}, {"captcha_id": "nope", "captcha_code": "ABCD"}):
        with pytest.raises(BadRequest) as exc:
            await mfa.auth().login("admin", "admin123", **given)  # type: ignore[arg-type]
        assert exc.value.code == "captcha_invalid"
    # Before the password: a wrong password with no captcha is a captcha error, not counted.
    with pytest.raises(BadRequest):
        await mfa.auth().login("admin", "wrong-password")
    captcha_id, code = await _captcha(mfa)
    assert await mfa.auth().login("admin", "admin123", captcha_id=captcha_id, captcha_code=code)
    failed = [x.message for x in store.live(LoginLog) if x.status == "failed"]
    assert failed == ["captcha_invalid"] * 3


async def test_three_failures_in_a_row_ask_for_a_captcha_with_the_switch_off(
    mfa: Container, clock: FakeClock
) -> None:
    auth = mfa.auth()
    assert not (await mfa.captcha().issue("10.9.9.9")).enabled
    for _ in range(3):
        with pytest.raises(Unauthorized):
            await auth.login("opt", "wrong-password", "10.1.1.1")
    with pytest.raises(BadRequest) as exc:
        await auth.login("opt", "opt123", "10.1.1.1")
    assert exc.value.code == "captcha_invalid"
    # The account's own count asks for it from another client too.
    with pytest.raises(BadRequest):
        await auth.login("opt", "opt123", "10.2.2.2")
    assert await auth.login("user", "123456", "10.2.2.2")  # another account, another client
    captcha_id, code = await _captcha(mfa)
    assert await auth.login("opt", "opt123", "10.1.1.1", captcha_id=captcha_id, captcha_code=code)
    clock.advance(minutes=15, seconds=1)
    assert await auth.login("opt", "opt123", "10.2.2.2")  # the window passed


async def test_codes_in_other_scripts_are_just_wrong(mfa: Container, clock: FakeClock) -> None:
    await _turn_on(mfa, clock, "opt", "opt123")
    # Full-width digits, Arabic-Indic digits, a mix, and letters beyond ASCII.
    for code in ("\uff11" * 6, "\u0661" * 6, "12345\uff16", "\u00fc" * 11):
        challenge = await _challenge(mfa, "opt", "opt123")
        with pytest.raises(BadRequest) as exc:
            await mfa.auth().login_2fa(challenge.mfa_token, code)
        assert exc.value.code == "mfa_code_invalid"
