"""Two-factor sign-in (TOTP) and the login captcha over HTTP, on the database server and Redis."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
import redis

from tests.integration.conftest import App, unique

V1 = "/api/v1"
LOGIN = f"{V1}/user/login"
CFG = f"{V1}/system/config-setting"


@pytest.fixture(scope="module")
def app(
    make_app: Callable[..., App], make_seeded_database: Callable[[], str], redis_prefix: str
) -> App:
    """An app on a database of its own (the tests switch config parameters and lock accounts),
    with its own Redis prefix (so no other app's cache holds those parameters)."""
    return make_app(
        database_url=make_seeded_database(),
        prefix=f"{redis_prefix}{unique('mfa')}:",
        captcha_after_failures=3,
    )


@pytest.fixture
def admin(app: App) -> dict[str, str]:
    # Per test: turning the admin's own 2FA on and off ends the admin's other sessions.
    return app.login("admin", "admin123")


@pytest.fixture(scope="module")
def store(app: App, redis_url: str) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    yield client
    client.close()


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _steady() -> None:
    """Waits out the last two seconds of a 30-second step, so a code computed here is of
    the step the server sees (a wait, not a timed assertion)."""
    left = 30 - time.time() % 30
    if left < 2:
        time.sleep(left + 0.1)


def _code(secret: str, steps: int = 0) -> str:
    return pyotp.TOTP(secret).at(datetime.now(UTC) + timedelta(seconds=30 * steps))


def _password_step(app: App, username: str, password: str) -> dict[str, object]:
    r = app.client.post(LOGIN, data={"username": username, "password": password})
    assert r.status_code == 200, r.text
    return dict(r.json())


def _param(app: App, admin: dict[str, str], key: str, value: str) -> None:
    listed = app.client.get(CFG, headers=admin, params={"key": key}).json()["items"]
    sid = next(i["id"] for i in listed if i["key"] == key)
    assert app.client.put(f"{CFG}/{sid}", headers=admin, json={"value": value}).status_code == 204


def _user_id(app: App, admin: dict[str, str], username: str) -> int:
    items = app.client.get(
        f"{V1}/permission/user", headers=admin, params={"username": username}
    ).json()["items"]
    return int(next(u["id"] for u in items if u["username"] == username))


def test_two_factor_sign_in_end_to_end(app: App, admin: dict[str, str]) -> None:
    c = app.client
    first = _bearer(str(_password_step(app, "opt", "opt123")["access_token"]))
    assert c.get(f"{V1}/user/2fa", headers=first).json() == {
        "enabled": False,
        "recovery_codes_left": 0,
    }
    setup = c.post(f"{V1}/user/2fa/setup", headers=first).json()
    assert setup["otpauth_uri"].startswith("otpauth://totp/FastAPI%20Vue%20Admin:opt?")
    assert setup["qr_svg"].lstrip().startswith("<svg")
    other = _bearer(str(_password_step(app, "opt", "opt123")["access_token"]))
    wrong = c.post(f"{V1}/user/2fa/enable", headers=first, json={"code": "000000"})
    assert (wrong.status_code, wrong.json()["code"]) == (400, "mfa_code_invalid")
    _steady()
    # The step before now (within the drift): the sign-in below uses the current one.
    enabled = c.post(
        f"{V1}/user/2fa/enable", headers=first, json={"code": _code(setup["secret"], -1)}
    )
    assert enabled.status_code == 200, enabled.text
    codes = enabled.json()["recovery_codes"]
    assert len(codes) == 10
    # Enabling ended the user's other session, not the caller's.
    assert c.get(f"{V1}/user/info", headers=other).json()["code"] == "token_revoked"
    assert c.get(f"{V1}/user/2fa", headers=first).json() == {
        "enabled": True,
        "recovery_codes_left": 10,
    }
    again = c.post(f"{V1}/user/2fa/setup", headers=first)
    assert (again.status_code, again.json()["code"]) == (409, "mfa_already_enabled")

    # Password, then a code.
    step = _password_step(app, "opt", "opt123")
    assert step["mfa_required"] is True and step["expires_in"] == 300
    assert "access_token" not in step
    code = _code(setup["secret"])
    r = c.post(f"{V1}/user/login/2fa", json={"mfa_token": step["mfa_token"], "code": code})
    assert r.status_code == 200, r.text
    assert c.get(f"{V1}/user/info", headers=_bearer(r.json()["access_token"])).status_code == 200
    # The same code again (and the used token again) is refused.
    step = _password_step(app, "opt", "opt123")
    replay = c.post(f"{V1}/user/login/2fa", json={"mfa_token": step["mfa_token"], "code": code})
    assert (replay.status_code, replay.json()["code"]) == (400, "mfa_code_invalid")
    # A recovery code works once.
    ok = c.post(f"{V1}/user/login/2fa", json={"mfa_token": step["mfa_token"], "code": codes[0]})
    assert ok.status_code == 200, ok.text
    step = _password_step(app, "opt", "opt123")
    used = c.post(f"{V1}/user/login/2fa", json={"mfa_token": step["mfa_token"], "code": codes[0]})
    assert (used.status_code, used.json()["code"]) == (400, "mfa_code_invalid")
    assert c.get(f"{V1}/user/2fa", headers=first).json()["recovery_codes_left"] == 9

    # An administrator resets it: the password alone signs in again, and sessions end.
    opt_id = _user_id(app, admin, "opt")
    assert c.delete(f"{V1}/permission/user/{opt_id}/2fa", headers=admin).status_code == 204
    assert c.get(f"{V1}/user/info", headers=first).json()["code"] == "token_revoked"
    assert "access_token" in _password_step(app, "opt", "opt123")
    gone = c.delete(f"{V1}/permission/user/{opt_id}/2fa", headers=admin)
    assert (gone.status_code, gone.json()["code"]) == (409, "mfa_not_enabled")


def test_disable_needs_the_password_and_a_code(app: App) -> None:
    c = app.client
    me = _bearer(str(_password_step(app, "admin", "admin123")["access_token"]))
    setup = c.post(f"{V1}/user/2fa/setup", headers=me).json()
    _steady()
    assert (
        c.post(f"{V1}/user/2fa/enable", headers=me, json={"code": _code(setup["secret"])})
    ).status_code == 200
    bad = c.post(f"{V1}/user/2fa/disable", headers=me, json={"password": "nope", "code": "000000"})
    assert (bad.status_code, bad.json()["code"]) == (400, "password_wrong")
    _steady()
    r = c.post(
        f"{V1}/user/2fa/disable",
        headers=me,
        json={"password": "admin123", "code": _code(setup["secret"], 1)},
    )
    assert r.status_code == 204, r.text
    assert c.get(f"{V1}/user/2fa", headers=me).json()["enabled"] is False
    assert "access_token" in _password_step(app, "admin", "admin123")


def test_bad_mfa_tokens_answer_401_with_their_code(app: App, admin: dict[str, str]) -> None:
    c = app.client
    access = admin["Authorization"].split(" ", 1)[1]
    for token in ("garbage", access, "a" * 2048):
        for path, body in (
            ("/login/2fa", {"mfa_token": token, "code": "123456"}),
            ("/login/2fa/setup", {"mfa_token": token}),
            ("/login/2fa/enable", {"mfa_token": token, "code": "123456"}),
        ):
            r = c.post(f"{V1}/user{path}", json=body)
            assert (r.status_code, r.json()["code"]) == (401, "mfa_token_invalid"), (path, r.text)
    too_long = c.post(f"{V1}/user/login/2fa", json={"mfa_token": "a" * 2049, "code": "1"})
    assert too_long.status_code == 422


def test_an_mfa_token_is_no_bearer_token(app: App) -> None:
    me = _bearer(str(_password_step(app, "admin", "admin123")["access_token"]))
    setup = app.client.post(f"{V1}/user/2fa/setup", headers=me).json()
    _steady()
    code = _code(setup["secret"])
    assert (
        app.client.post(f"{V1}/user/2fa/enable", headers=me, json={"code": code}).status_code == 200
    )
    try:
        step = _password_step(app, "admin", "admin123")
        r = app.client.get(f"{V1}/user/info", headers=_bearer(str(step["mfa_token"])))
        assert r.status_code == 401
    finally:
        _steady()
        off = app.client.post(
            f"{V1}/user/2fa/disable",
            headers=me,
            json={"password": "admin123", "code": _code(setup["secret"], 1)},
        )
        assert off.status_code == 204, off.text


def test_a_required_role_enrols_at_sign_in(app: App, admin: dict[str, str]) -> None:
    c = app.client
    username = unique("enrol")
    role_id = next(
        r["id"]
        for r in c.get(f"{V1}/permission/role", headers=admin, params={"code": "user"}).json()[
            "items"
        ]
        if r["code"] == "user"
    )
    created = c.post(
        f"{V1}/permission/user",
        headers=admin,
        json={"username": username, "password": "a fine passphrase", "role_ids": [role_id]},
    )
    assert created.status_code == 201, created.text
    _param(app, admin, "sys.account.mfa_required_roles", "user")
    try:
        step = _password_step(app, username, "a fine passphrase")
        assert step["mfa_enrol_required"] is True and "access_token" not in step
        token = step["mfa_token"]
        setup = c.post(f"{V1}/user/login/2fa/setup", json={"mfa_token": token}).json()
        _steady()
        r = c.post(
            f"{V1}/user/login/2fa/enable",
            json={"mfa_token": token, "code": _code(setup["secret"])},
        )
        assert r.status_code == 200, r.text
        assert len(r.json()["recovery_codes"]) == 10
        issued = r.json()["token"]["access_token"]
        assert c.get(f"{V1}/user/info", headers=_bearer(issued)).json()["username"] == username
        again = c.post(f"{V1}/user/login/2fa/setup", json={"mfa_token": token})
        assert (again.status_code, again.json()["code"]) == (401, "mfa_token_invalid")
        assert _password_step(app, username, "a fine passphrase")["mfa_required"] is True
    finally:
        _param(app, admin, "sys.account.mfa_required_roles", "")


def _captcha(app: App, store: redis.Redis, peer: object = None) -> tuple[str, str, bool]:
    client = peer or app.client
    r = client.get(f"{V1}/user/captcha")  # type: ignore[attr-defined]
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["image"].startswith("data:image/png;base64,")
    prefix = app.container.settings().redis_prefix
    code = store.get(f"{prefix}short:captcha:{body['captcha_id']}")
    assert isinstance(code, str) and len(code) == 4
    return body["captcha_id"], code, body["enabled"]


def test_three_failed_logins_ask_for_a_captcha_with_the_switch_off(
    app: App, store: redis.Redis
) -> None:
    peer = app.peer(client=("10.77.0.1", 40000))
    for _ in range(3):
        assert peer.post(LOGIN, data={"username": "user", "password": "wrong"}).status_code == 401
    r = peer.post(LOGIN, data={"username": "user", "password": "123456"})
    assert (r.status_code, r.json()["code"]) == (400, "captcha_invalid")
    captcha_id, code, enabled = _captcha(app, store, peer)
    assert enabled is False
    ok = peer.post(
        LOGIN,
        data={
            "username": "user",
            "password": "123456",
            "captcha_id": captcha_id,
            "captcha_code": code,
        },
    )
    assert ok.status_code == 200, ok.text
    spent = peer.post(
        LOGIN,
        data={
            "username": "user",
            "password": "123456",
            "captcha_id": captcha_id,
            "captcha_code": code,
        },
    )
    assert (spent.status_code, spent.json()["code"]) == (400, "captcha_invalid")


def test_with_the_switch_on_a_login_needs_the_captcha(
    app: App, admin: dict[str, str], store: redis.Redis
) -> None:
    _param(app, admin, "sys.account.captcha_enabled", "true")
    try:
        peer = app.peer(client=("10.77.0.2", 40000))
        form = {"username": "admin", "password": "admin123"}
        missing = peer.post(LOGIN, data=form)
        assert (missing.status_code, missing.json()["code"]) == (400, "captcha_invalid")
        captcha_id, code, enabled = _captcha(app, store, peer)
        assert enabled is True
        wrong = peer.post(LOGIN, data={**form, "captcha_id": captcha_id, "captcha_code": "????"})
        assert (wrong.status_code, wrong.json()["code"]) == (400, "captcha_invalid")
        captcha_id, code, _ = _captcha(app, store, peer)
        right = peer.post(
            LOGIN, data={**form, "captcha_id": captcha_id, "captcha_code": code.lower()}
        )
        assert right.status_code == 200, right.text
        logs = app.client.get(
            f"{V1}/system/log/login",
            headers=admin,
            params={"username": "admin", "status": "failed", "size": 100},
        )
        assert "captcha_invalid" in [i["message"] for i in logs.json()["items"]]
    finally:
        _param(app, admin, "sys.account.captcha_enabled", "false")
