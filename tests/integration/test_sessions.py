"""Sessions across two app instances on one database and one Redis (and in the embedded profile).

A session's record in Redis is what both instances read: a forced logout or a detected
refresh-token theft on one is obeyed by the other on its next request.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import jwt

from tests.integration.conftest import SECRET, App, unique

V1 = "/api/v1"
CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)


def _sign_in(app: App, username: str, password: str, **form: str) -> dict[str, object]:
    r = app.client.post(
        f"{V1}/user/login",
        data={"username": username, "password": password, **form},
        headers={"User-Agent": CHROME},
    )
    assert r.status_code == 200, r.text
    body: dict[str, object] = r.json()
    return body


def _bearer(body: dict[str, object]) -> dict[str, str]:
    return {"Authorization": f"Bearer {body['access_token']}"}


def _refresh(app: App, token: object) -> tuple[int, dict[str, object]]:
    r = app.client.post(f"{V1}/user/token/refresh", json={"refresh_token": token})
    return r.status_code, r.json()


def _info(app: App, body: dict[str, object]) -> int:
    return int(app.client.get(f"{V1}/user/info", headers=_bearer(body)).status_code)


def _claims(token: object) -> dict[str, object]:
    return dict(jwt.decode(str(token), SECRET, algorithms=["HS256"], options={"verify_iss": False}))


def _online(app: App, admin: dict[str, str], body: dict[str, object]) -> dict[str, object]:
    """The online-users row of this sign-in's session."""
    sid = _claims(body["access_token"])["sid"]
    r = app.client.get(f"{V1}/monitor/online", headers=admin, params={"size": 100})
    assert r.status_code == 200, r.text
    rows = [row for row in r.json()["items"] if row["session_id"] == sid]
    assert len(rows) == 1, r.json()
    return dict(rows[0])


def test_login_answers_the_session_body_and_remember_lengthens_it(
    make_app_for_test: Callable[..., App],
) -> None:
    a = make_app_for_test()
    body = _sign_in(a, "opt", "opt123")
    assert set(body) == {
        "access_token",
        "token_type",
        "expires_in",
        "refresh_token",
        "refresh_expires_in",
    }
    assert (body["token_type"], body["expires_in"], body["refresh_expires_in"]) == (
        "bearer",
        1800,
        86400,
    )
    assert _sign_in(a, "opt", "opt123", remember="true")["refresh_expires_in"] == 14 * 86400


def test_a_forced_logout_on_a_is_obeyed_on_b_and_logged(
    make_app_for_test: Callable[..., App],
) -> None:
    a, b = make_app_for_test(), make_app_for_test()
    admin = _bearer(_sign_in(a, "admin", "admin123"))
    victim = _sign_in(b, "opt", "opt123")
    assert _info(b, victim) == 200

    row = _online(a, admin, victim)
    assert (row["username"], row["browser"], row["os"], row["current"]) == (
        "opt",
        "Chrome 131",
        "Windows 10",
        False,
    )
    assert "refresh_token" not in row and "access_token" not in row
    assert (
        a.client.delete(f"{V1}/monitor/online/{row['session_id']}", headers=admin).status_code
        == 204
    )

    r = b.client.get(f"{V1}/user/info", headers=_bearer(victim))
    assert (r.status_code, r.json()["code"]) == (401, "token_revoked")
    assert _refresh(b, victim["refresh_token"]) == (401, _refresh(a, victim["refresh_token"])[1])
    again = a.client.delete(f"{V1}/monitor/online/{row['session_id']}", headers=admin)
    assert (again.status_code, again.json()["code"]) == (404, "session_not_found")

    log = a.client.get(f"{V1}/system/log/login", headers=admin, params={"username": "opt"})
    newest = log.json()["items"][0]
    assert (newest["status"], newest["message"]) == ("logout", "forced_logout")


def test_ending_all_of_a_users_sessions_and_the_listing_guard(
    make_app_for_test: Callable[..., App],
) -> None:
    a, b = make_app_for_test(), make_app_for_test()
    admin_body = _sign_in(a, "admin", "admin123")
    admin = _bearer(admin_body)
    one, two = _sign_in(a, "user", "123456"), _sign_in(b, "user", "123456")
    user_id = a.client.get(f"{V1}/user/info", headers=_bearer(one)).json()["id"]
    # The caller's own session is marked; the user's role has no label for the page.
    assert _online(a, admin, admin_body)["current"] is True
    assert _online(b, admin, one)["current"] is False
    assert a.client.get(f"{V1}/monitor/online", headers=_bearer(one)).status_code == 403

    assert a.client.delete(f"{V1}/monitor/online/user/{user_id}", headers=admin).status_code == 204
    assert _info(a, one) == 401 and _info(b, two) == 401
    again = b.client.delete(f"{V1}/monitor/online/user/{user_id}", headers=admin)
    assert (again.status_code, again.json()["code"]) == (404, "session_not_found")
    assert _info(a, admin_body) == 200


def test_a_refresh_on_a_works_on_b_and_a_replay_revokes_the_family_everywhere(
    make_app_for_test: Callable[..., App],
) -> None:
    a, b = make_app_for_test(), make_app_for_test()
    first = _sign_in(a, "opt", "opt123")
    status, second = _refresh(b, first["refresh_token"])
    assert status == 200 and second["refresh_token"] != first["refresh_token"]
    assert _info(a, second) == 200 and _info(b, second) == 200
    status, third = _refresh(a, second["refresh_token"])
    assert status == 200

    status, replay = _refresh(b, first["refresh_token"])  # a copy of the first comes back
    assert (status, replay["code"]) == (401, "refresh_reused")
    for app in (a, b):
        for pair in (first, second, third):
            assert _info(app, pair) == 401
    status, after = _refresh(a, third["refresh_token"])
    assert (status, after["code"]) == (401, "token_revoked")


def test_bad_refresh_tokens_are_401_with_their_codes(make_app_for_test: Callable[..., App]) -> None:
    a = make_app_for_test()
    body = _sign_in(a, "opt", "opt123")
    claims = _claims(body["refresh_token"])
    past = int((datetime.now(UTC) - timedelta(minutes=1)).timestamp())
    expired = jwt.encode({**claims, "exp": past}, SECRET, algorithm="HS256")
    foreign = jwt.encode(claims, "another-key-of-enough-length-0123456789", algorithm="HS256")
    cases = {
        "not a jwt": "refresh_invalid",
        str(body["access_token"]): "refresh_invalid",
        foreign: "refresh_invalid",
        expired: "token_expired",
    }
    for token, code in cases.items():
        status, answer = _refresh(a, token)
        assert (status, answer["code"]) == (401, code), token
    for bad in ({}, {"refresh_token": ""}, {"refresh_token": 5}, {"refresh_token": "x" * 5000}):
        r = a.client.post(f"{V1}/user/token/refresh", json=bad)
        assert r.status_code == 422, bad
    # None of that touched the session.
    assert _refresh(a, body["refresh_token"])[0] == 200


def test_an_access_token_without_typ_from_before_sessions_is_refused(
    make_app_for_test: Callable[..., App],
) -> None:
    a = make_app_for_test()
    body = _sign_in(a, "opt", "opt123")
    claims = _claims(body["access_token"])
    del claims["typ"]
    old = jwt.encode(claims, SECRET, algorithm="HS256")
    r = a.client.get(f"{V1}/user/info", headers={"Authorization": f"Bearer {old}"})
    assert (r.status_code, r.json()["code"]) == (401, "token_invalid")


def test_logout_ends_the_session_on_every_instance(make_app_for_test: Callable[..., App]) -> None:
    a, b = make_app_for_test(), make_app_for_test()
    body = _sign_in(a, "opt", "opt123")
    assert b.client.post(f"{V1}/user/logout", headers=_bearer(body)).status_code == 204
    assert _info(a, body) == 401
    assert _refresh(a, body["refresh_token"])[1]["code"] == "token_revoked"


def test_the_embedded_profile_keeps_sessions_in_memory(
    make_app_for_test: Callable[..., App],
) -> None:
    app = make_app_for_test(redis_url=None)
    admin_body = _sign_in(app, "admin", "admin123")
    victim = _sign_in(app, "opt", "opt123")
    status, fresh = _refresh(app, victim["refresh_token"])
    assert status == 200
    assert _refresh(app, victim["refresh_token"])[1]["code"] == "refresh_reused"
    assert _info(app, fresh) == 401
    again = _sign_in(app, "opt", "opt123")
    sid = _online(app, _bearer(admin_body), again)["session_id"]
    assert (
        app.client.delete(f"{V1}/monitor/online/{sid}", headers=_bearer(admin_body)).status_code
        == 204
    )
    assert _info(app, again) == 401


def test_only_an_admin_ends_an_admins_session(make_app_for_test: Callable[..., App]) -> None:
    """A holder of the online-users labels ends ordinary sessions, never an admin's (403)."""
    a = make_app_for_test()
    admin_body = _sign_in(a, "admin", "admin123")
    admin = _bearer(admin_body)
    labels = a.client.get(
        f"{V1}/permission/perm-label", headers=admin, params={"label": "perm:online", "size": 10}
    ).json()["items"]
    assert {lab["label"] for lab in labels} == {"perm:online:get", "perm:online:delete"}
    code = unique("online_op")
    role = a.client.post(
        f"{V1}/permission/role", headers=admin, json={"code": code, "name": code}
    ).json()["id"]
    r = a.client.put(
        f"{V1}/permission/role/{role}/perm-labels",
        headers=admin,
        json={"label_ids": [lab["id"] for lab in labels]},
    )
    assert r.status_code == 204, r.text
    name = unique("op")
    r = a.client.post(
        f"{V1}/permission/user",
        headers=admin,
        json={"username": name, "password": "Op-Passw0rd-x", "role_ids": [role]},
    )
    assert r.status_code == 201, r.text
    operator = _bearer(_sign_in(a, name, "Op-Passw0rd-x"))
    user = _sign_in(a, "user", "123456")
    admin_sid = _claims(admin_body["access_token"])["sid"]
    user_sid = _claims(user["access_token"])["sid"]

    refused = a.client.delete(f"{V1}/monitor/online/{admin_sid}", headers=operator)
    assert (refused.status_code, refused.json()["code"]) == (403, "permission_denied")
    admin_id = a.client.get(f"{V1}/user/info", headers=admin).json()["id"]
    refused = a.client.delete(f"{V1}/monitor/online/user/{admin_id}", headers=operator)
    assert refused.status_code == 403
    assert _info(a, admin_body) == 200  # still signed in
    assert a.client.delete(f"{V1}/monitor/online/{user_sid}", headers=operator).status_code == 204
    assert _info(a, user) == 401
