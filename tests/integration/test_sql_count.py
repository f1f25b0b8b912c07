"""With warm caches, authenticating and authorising a request issues no SQL statement."""

from __future__ import annotations

from tests.integration.conftest import App, counting


def test_auth_and_authorisation_cost_no_sql(api: App) -> None:
    headers = api.login("opt", "opt123")
    token = headers["Authorization"].split()[1]
    auth = api.container.auth()
    principal = auth.authenticate(token)
    auth.authorize(principal, ("perm:user:get",))  # warm
    with counting(api) as statements:
        for _ in range(20):
            auth.authorize(auth.authenticate(token), ("perm:user:get",))
    assert statements == []


def test_a_protected_route_runs_only_its_own_query(api: App) -> None:
    headers = api.login("opt", "opt123")
    api.client.get("/api/v1/permission/user/999999", headers=headers)  # warm
    with counting(api) as statements:
        r = api.client.get("/api/v1/permission/user/999999", headers=headers)
    assert r.status_code == 404
    assert len(statements) == 1 and "t_users" in statements[0]
