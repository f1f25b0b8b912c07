"""Every route, taken from the app's own route table: 401 without a token, 403 without its label."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from tests.integration.conftest import App, unique

PUBLIC = {
    ("POST", "/api/v1/user/login"),
    # a session's refresh token is its own credential (the access token may have expired)
    ("POST", "/api/v1/user/token/refresh"),
    # two-factor sign-in and the captcha: the caller has only a password, or nothing yet
    ("GET", "/api/v1/user/captcha"),
    ("POST", "/api/v1/user/login/2fa"),
    ("POST", "/api/v1/user/login/2fa/setup"),
    ("POST", "/api/v1/user/login/2fa/enable"),
    ("GET", "/api/v1/health"),
    # registration: the caller has no account yet
    ("POST", "/api/v1/user/register"),
    ("GET", "/api/v1/user/register/{token}"),
    ("PUT", "/api/v1/user/register/{token}"),
    ("POST", "/api/v1/user/forget-password"),
    ("PUT", "/api/v1/user/forget-password/{token}"),
    ("POST", "/api/v1/user/check/{field}/availability"),
    # an e-mail change link is opened by whoever reads the new inbox (the request needs a token)
    ("GET", "/api/v1/user/email/{token}"),
    ("PUT", "/api/v1/user/email/{token}"),
    # avatars are shown by <img> (no token): public by an unguessable name (decision in F)
    ("GET", "/api/v1/user/avatar/{name}"),
}


def _routes(app: App) -> list[tuple[str, str, tuple[str, ...] | None]]:
    """(method, path, labels) of every API operation, from the app's own OpenAPI document.

    labels is None for a public operation, () for one that needs only a signed-in caller.
    """
    out = []
    for path, ops in app.app.openapi()["paths"].items():
        for method, op in ops.items():
            security = op.get("security")
            labels = (
                None
                if not security
                else tuple(s for req in security for s in req.get("OAuth2PasswordBearer", []))
            )
            out.append((method.upper(), path, labels))
    return out


def _url(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "999999", path)


@pytest.fixture(scope="module")
def no_label_user(api: App, admin: dict[str, str]) -> dict[str, str]:
    """A user whose only role holds no label at all."""
    code = unique("none")
    rid = api.client.post(
        "/api/v1/permission/role", headers=admin, json={"code": code, "name": "Nothing"}
    ).json()["id"]
    name = unique("nolabel")
    api.client.post(
        "/api/v1/permission/user",
        headers=admin,
        json={"username": name, "password": "a fine passphrase", "role_ids": [rid]},
    )
    return api.login(name, "a fine passphrase")


def test_every_non_public_route_is_guarded(
    api: App, no_label_user: dict[str, str], make_app: Callable[..., App]
) -> None:
    routes = _routes(api)
    assert len(routes) >= 30, "the route table looks incomplete"
    unguarded = [(m, p) for m, p, labels in routes if labels is None and (m, p) not in PUBLIC]
    assert unguarded == [], "every route must declare its guard through require()"
    checked = 0
    for method, path, labels in routes:
        if (method, path) in PUBLIC:
            continue
        url = _url(path)
        anonymous = api.client.request(method, url)
        assert anonymous.status_code == 401, (method, path, anonymous.text)
        assert anonymous.json()["code"] == "not_authenticated"
        if labels:
            lacking = api.client.request(method, url, headers=no_label_user, json={})
            assert lacking.status_code == 403, (method, path, lacking.text)
            assert lacking.json()["code"] == "permission_denied"
        # A fresh admin token each time: the walk includes logout, which revokes the token it uses.
        as_admin = api.client.request(method, url, headers=api.login("admin", "admin123"), json={})
        assert as_admin.status_code not in (401, 403, 500), (method, path, as_admin.text)
        checked += 1
    assert checked == len(routes) - len(PUBLIC)


def test_labels_follow_the_verb_convention(api: App) -> None:
    for method, path, labels in _routes(api):
        for label in labels or ():
            assert re.fullmatch(r"perm:[a-z0-9-]+:(get|post|put|delete|[a-z]+)", label), (
                method,
                path,
                label,
            )
