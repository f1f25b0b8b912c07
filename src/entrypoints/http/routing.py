"""The API's routers: under `/api/v1`, each declining at once the paths outside its prefix.

FastAPI tries an app's routes one by one, and in FastAPI 0.165 each try costs several
microseconds (scope bookkeeping, then the route's regular expression). With about a hundred
routes, a request paid up to a few hundred microseconds before its handler ran: more than a
whole bare request. A router whose prefix is not in the path cannot hold the route, so it says
no with one substring test, and only the router that can hold the route tries its routes.

How FastAPI tries an included router is not public API: fastapi is pinned exactly in
pyproject.toml, and tests/unit/test_routing.py fails when an upgrade changes it.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, FastAPI
from starlette.routing import Match
from starlette.types import Scope

API = "/api/v1"


class ApiRouter(APIRouter):
    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        # A substring test, so a root path in front of /api/v1 changes nothing; a path that
        # merely contains the prefix elsewhere falls through to the full match, as before.
        if self.prefix and API + self.prefix not in scope["path"]:
            return Match.NONE, {}
        return super().matches(scope)


def include(app: FastAPI, router: ApiRouter, **options: Any) -> None:
    """Mount `router` under /api/v1, the prefix its guard assumes."""
    app.include_router(router, prefix=API, **options)
