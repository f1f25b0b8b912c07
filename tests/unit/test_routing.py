"""`ApiRouter` leans on how FastAPI 0.165 tries an included router (its `matches`), which is
not public API: fastapi is pinned exactly, and this test fails when that changes."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from starlette.routing import Match
from starlette.types import Scope

from entrypoints.http.routing import ApiRouter, include


class CountingRoute(APIRoute):
    tries = 0

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        CountingRoute.tries += 1
        return super().matches(scope)


def _app() -> FastAPI:
    app = FastAPI()
    users = ApiRouter(prefix="/users", route_class=CountingRoute)

    @users.get("/{user_id}")
    def one(user_id: int) -> dict[str, Any]:
        return {"id": user_id}

    roles = ApiRouter(prefix="/roles")

    @roles.get("/{role_id}")
    def role(role_id: int) -> dict[str, Any]:
        return {"role": role_id}

    include(app, users)
    include(app, roles)
    return app


def test_a_router_whose_prefix_is_not_in_the_path_tries_none_of_its_routes() -> None:
    client = TestClient(_app())
    CountingRoute.tries = 0
    assert client.get("/api/v1/roles/3").json() == {"role": 3}
    assert CountingRoute.tries == 0  # the users router declined without trying its route
    assert client.get("/api/v1/users/7").json() == {"id": 7}
    assert CountingRoute.tries > 0
