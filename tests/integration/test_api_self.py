"""The caller's own account over HTTP, on MariaDB + Redis."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import jwt

from tests.integration.conftest import SECRET, App, unique

API = "/api/v1"


def _new_user(
    api: App,
    admin: dict[str, str],
    password: str = "a fine passphrase",
    roles: list[int] | None = None,
) -> str:
    name = unique("u")
    r = api.client.post(
        f"{API}/permission/user",
        headers=admin,
        json={"username": name, "password": password, "role_ids": roles or []},
    )
    assert r.status_code == 201, r.text
    return name


def test_login_answers_the_oauth2_shape(api: App) -> None:
    r = api.client.post(f"{API}/user/login", data={"username": "admin", "password": "admin123"})
    assert r.status_code == 200
    body = r.json()
    assert set(body) == {
        "access_token",
        "token_type",
        "expires_in",
        "refresh_token",
        "refresh_expires_in",
    }
    assert body["token_type"] == "bearer" and body["expires_in"] == 30 * 60
    assert body["refresh_expires_in"] == 24 * 3600
    claims = jwt.decode(
        body["access_token"], SECRET, algorithms=["HS256"], issuer="fastapi-vue-admin"
    )
    assert {"sub", "jti", "sid", "exp", "iat", "iss", "name"} <= set(claims)
    assert claims["typ"] == "access"
    refresh = jwt.decode(
        body["refresh_token"], SECRET, algorithms=["HS256"], issuer="fastapi-vue-admin"
    )
    assert (refresh["typ"], refresh["sid"]) == ("refresh", claims["sid"])
    assert "name" not in refresh


def test_wrong_password_and_unknown_user_give_the_same_401(api: App) -> None:
    a = api.client.post(f"{API}/user/login", data={"username": "admin", "password": "nope-nope"})
    b = api.client.post(
        f"{API}/user/login", data={"username": unique("ghost"), "password": "nope-nope"}
    )
    assert a.status_code == b.status_code == 401
    # No Accept-Language: the product's default language, zh-CN (as the mails).
    assert a.json() == b.json() == {"detail": "用户名或密码错误", "code": "bad_credentials"}


def test_info_routers_and_profile_update(api: App, admin: dict[str, str]) -> None:
    info = api.client.get(f"{API}/user/info", headers=admin).json()
    assert info["username"] == "admin" and info["roles"] == ["admin"]
    assert "password_hash" not in info and "password" not in str(info)
    routers = api.client.get(f"{API}/user/routers", headers=admin).json()
    assert routers["roles"] == ["admin"]
    assert "perm:user:delete" in routers["labels"]
    assert [m["name"] for m in routers["menus"]][:1] == ["permission"]

    name = _new_user(api, admin)
    headers = api.login(name, "a fine passphrase")
    r = api.client.put(f"{API}/user/info", headers=headers, json={"nickname": "Neo"})
    assert r.status_code == 200 and r.json()["nickname"] == "Neo"
    # The e-mail address changes only through POST /user/email (see test_email_change).
    r = api.client.put(f"{API}/user/info", headers=headers, json={"email": f"{name}@example.com"})
    assert r.status_code == 422 and r.json()["code"] == "email_change_needs_confirmation"
    sneaky = api.client.put(
        f"{API}/user/info", headers=headers, json={"nickname": "x", "roles": ["admin"], "status": 1}
    )
    assert sneaky.status_code == 422 and sneaky.json()["code"] == "validation_error"
    assert api.client.get(f"{API}/user/info", headers=headers).json()["nickname"] == "Neo"


def test_user_without_role_gets_no_role(api: App, admin: dict[str, str]) -> None:
    headers = api.login(_new_user(api, admin), "a fine passphrase")
    r = api.client.get(f"{API}/user/routers", headers=headers)
    assert r.status_code == 403 and r.json()["code"] == "no_role"


def test_logout_revokes_the_token(api: App) -> None:
    headers = api.login("user", "123456")
    assert api.client.post(f"{API}/user/logout", headers=headers).status_code == 204
    r = api.client.get(f"{API}/user/info", headers=headers)
    assert r.status_code == 401 and r.json()["code"] == "token_revoked"


def test_password_change_revokes_all_tokens_and_obeys_the_policy(
    api: App, admin: dict[str, str]
) -> None:
    name = _new_user(api, admin)
    one, two = api.login(name, "a fine passphrase"), api.login(name, "a fine passphrase")
    weak = api.client.put(
        f"{API}/user/password",
        headers=one,
        json={"old_password": "a fine passphrase", "new_password": "12345678"},
    )
    assert weak.status_code == 422 and weak.json()["code"] == "password_too_common"
    ok = api.client.put(
        f"{API}/user/password",
        headers=one,
        json={"old_password": "a fine passphrase", "new_password": "another fine one"},
    )
    assert ok.status_code == 204
    for headers in (one, two):
        assert api.client.get(f"{API}/user/info", headers=headers).status_code == 401
    assert (
        api.client.post(
            f"{API}/user/login", data={"username": name, "password": "a fine passphrase"}
        ).status_code
        == 401
    )
    api.login(name, "another fine one")


def test_tampered_unsigned_and_expired_tokens_are_401(api: App) -> None:
    good = api.login("user", "123456")["Authorization"].split()[1]
    claims = jwt.decode(good, SECRET, algorithms=["HS256"], issuer="fastapi-vue-admin")
    head, body, sig = good.split(".")
    tampered = f"{head}.{body}.{sig[:-4]}AAAA"
    unsigned = jwt.encode({**claims}, key=None, algorithm="none")  # type: ignore[arg-type]
    expired = jwt.encode(
        {**claims, "exp": int((datetime.now(UTC) - timedelta(seconds=5)).timestamp())},
        SECRET,
        algorithm="HS256",
    )
    other_key = jwt.encode(claims, "another-secret-of-sufficient-length!!", algorithm="HS256")
    for token in (tampered, unsigned, expired, other_key, "not-a-jwt"):
        r = api.client.get(f"{API}/user/info", headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 401, token
        assert r.json()["code"] in {"token_invalid", "token_expired"}


def test_login_throttle_gives_429_with_retry_after(api: App, admin: dict[str, str]) -> None:
    name = _new_user(api, admin)
    for _ in range(5):
        r = api.client.post(
            f"{API}/user/login", data={"username": name, "password": "wrong password"}
        )
        assert r.status_code == 401
    r = api.client.post(
        f"{API}/user/login", data={"username": name, "password": "a fine passphrase"}
    )
    assert r.status_code == 429 and r.json()["code"] == "login_throttled"
    assert 0 < int(r.headers["Retry-After"]) <= 900


def test_throttle_is_shared_by_instances(
    make_app: Callable[..., App], api: App, admin: dict[str, str]
) -> None:
    other = make_app()
    name = _new_user(api, admin)
    for i in range(5):
        target = api if i % 2 else other
        target.client.post(
            f"{API}/user/login", data={"username": name, "password": "wrong password"}
        )
    r = other.client.post(
        f"{API}/user/login", data={"username": name, "password": "a fine passphrase"}
    )
    assert r.status_code == 429


def test_logout_on_one_instance_is_honoured_by_another(
    make_app: Callable[..., App], api: App
) -> None:
    other = make_app()
    headers = api.login("opt", "opt123")
    assert other.client.get(f"{API}/user/info", headers=headers).status_code == 200
    api.client.post(f"{API}/user/logout", headers=headers)
    assert other.client.get(f"{API}/user/info", headers=headers).status_code == 401


def test_login_and_writes_are_logged_without_secrets(api: App, admin: dict[str, str]) -> None:
    password = "a very secret passphrase"
    name = _new_user(api, admin, password)
    headers = api.login(name, password)
    api.client.put(
        f"{API}/user/password",
        headers=headers,
        json={"old_password": password, "new_password": "yet another passphrase"},
    )
    logins = api.client.get(
        f"{API}/system/log/login", headers=admin, params={"username": name}
    ).json()
    assert logins["total"] >= 1 and logins["items"][0]["status"] == "success"
    ops = api.client.get(
        f"{API}/system/log/operation", headers=admin, params={"username": name}
    ).json()
    assert any(
        o["path"] == "/api/v1/user/password" and o["status_code"] == 204 for o in ops["items"]
    )
    dump = str(logins) + str(ops)
    assert (
        password not in dump
        and "yet another" not in dump
        and headers["Authorization"].split()[1] not in dump
    )


def test_health_reports_database_and_cache(api: App) -> None:
    r = api.client.get(f"{API}/health")
    assert r.status_code == 200
    assert r.json() == {"status": "ok", "database": "ok", "cache": "ok"}


def test_docs_are_served(api: App) -> None:
    assert api.client.get("/docs").status_code == 200
    assert api.client.get("/redoc").status_code == 200
    spec = api.client.get(f"{API}/openapi.json").json()
    assert "/api/v1/user/login" in spec["paths"]
