"""With warm caches, authenticating and authorising a request issues no SQL statement."""

from __future__ import annotations

from tests.integration.conftest import App, counting


def test_auth_and_authorisation_cost_no_sql(api: App) -> None:
    headers = api.login("opt", "opt123")
    token = headers["Authorization"].split()[1]
    api.run(_authenticate_and_authorize, api, token, 1)  # warm
    with counting(api) as statements:
        api.run(_authenticate_and_authorize, api, token, 20)
    assert statements == []


async def _authenticate_and_authorize(api: App, token: str, times: int) -> None:
    auth = api.container.auth()
    for _ in range(times):
        await auth.authorize(await auth.authenticate(token), ("perm:user:get",))


def test_a_protected_route_runs_only_its_own_query(api: App) -> None:
    headers = api.login("opt", "opt123")
    api.client.get("/api/v1/permission/user/999999", headers=headers)  # warm
    with counting(api) as statements:
        r = api.client.get("/api/v1/permission/user/999999", headers=headers)
    assert r.status_code == 404
    assert len(statements) == 1 and "t_users" in statements[0]
