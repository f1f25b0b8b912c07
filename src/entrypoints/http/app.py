"""create_app(container): the FastAPI application, its routes, errors and middleware."""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import AsyncIterator, Awaitable, Iterable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from entrypoints.http import dashboard, docs, errors, openapi
from entrypoints.http.headers import SecurityHeadersMiddleware
from entrypoints.http.middleware import OperationLogMiddleware
from entrypoints.http.pages import PageCache
from entrypoints.http.reports import load as load_reports
from entrypoints.http.routing import API, ApiRouter, include

if TYPE_CHECKING:
    from bootstrap import Container


class AdminApp(FastAPI):
    """FastAPI with the security headers outside everything, Starlette's 500 answer included,
    and outside them the client's address and scheme as a trusted proxy reports them."""

    def __init__(self, *, trusted_proxies: list[str], **kwargs: Any) -> None:
        self.trusted_proxies = trusted_proxies
        super().__init__(**kwargs)

    def build_middleware_stack(self) -> ASGIApp:
        stack = SecurityHeadersMiddleware(super().build_middleware_stack())
        # X-Forwarded-For and -Proto are believed only from APP_TRUSTED_PROXIES (addresses or
        # networks); uvicorn's own copy of this middleware is off (`fva serve`), so the
        # setting is the one word on it.
        return cast(ASGIApp, ProxyHeadersMiddleware(cast(Any, stack), self.trusted_proxies))


# What /health answers: "ok" or "degraded", then each backing service and its state.
HEALTH = {
    "type": "object",
    "required": ["status"],
    "properties": {"status": {"type": "string", "enum": ["ok", "degraded"]}},
    "additionalProperties": {"type": "string"},
}


def create_app(container: Container) -> FastAPI:
    settings = container.settings()

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        # On the app's loop: the cache's invalidation listener and the scheduler are its tasks,
        # and the engine's connections are its own, so they go with it.
        await _awaited(container.init_resources())
        try:
            yield
        finally:
            try:
                await _awaited(container.shutdown_resources())
            finally:
                await container.dispose_engines()

    app = AdminApp(
        trusted_proxies=settings.trusted_proxies,
        title="FastAPI Vue Admin",
        version="0.1.0",
        description="Users, roles, menus, permission labels and the modules of a RuoYi-style back office.",
        lifespan=lifespan,
        # Served by entrypoints/http/docs.py from the app's own files, without inline script.
        docs_url=None,
        redoc_url=None,
        openapi_url=f"{API}/openapi.json",
    )
    app.state.container = container
    app.state.pages = PageCache(container.table_generations(), settings.list_cache_seconds)
    errors.install(app)

    specs = container.modules()
    # The reports the modules declare (entrypoints/http/reports/<name>.py), before the routes.
    app.state.reports = load_reports(r.name for spec in specs for r in spec.reports)
    for router in module_routers(spec.name for spec in specs):
        include(app, router)

    @app.get(
        f"{API}/health",
        tags=["health"],
        summary="liveness, database and cache status",
        responses={
            200: {"content": {"application/json": {"schema": HEALTH}}},
            503: {
                "description": "degraded: the database or the cache does not answer",
                "content": {"application/json": {"schema": HEALTH}},
            },
        },
    )
    async def health() -> JSONResponse:
        status = await container.health().check()
        healthy = all(v == "ok" for v in status.values())
        return JSONResponse(
            {"status": "ok" if healthy else "degraded", **status},
            status_code=200 if healthy else 503,
        )

    docs.install(app, f"{API}/openapi.json", app.title)
    dashboard.install(app, Path(settings.frontend_dist))
    openapi.install(app)  # the 4xx answers of every operation, derived from the operation

    app.add_middleware(OperationLogMiddleware, audit=container.audit())
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["*"],
            allow_headers=["*"],
            expose_headers=["Retry-After", "Content-Disposition"],
        )
    return app


async def _awaited(result: Awaitable[None] | None) -> None:
    """dependency-injector answers an awaitable when some resource is async, else None."""
    if result is not None:
        await result


ROUTERS = "entrypoints.http.routers"


def module_routers(names: Iterable[str]) -> list[ApiRouter]:
    """The routers of `entrypoints/http/routers/<name>.py` for each module, in list order.

    Every router a module's file defines is mounted, once (a router imported by another
    module's file is not mounted twice); a module without a file has no routes.
    """
    found: list[ApiRouter] = []
    for name in names:
        qualified = f"{ROUTERS}.{name}"
        if importlib.util.find_spec(qualified) is None:
            continue
        module = importlib.import_module(qualified)
        found.extend(
            value
            for value in vars(module).values()
            if isinstance(value, ApiRouter) and all(value is not r for r in found)
        )
    return found
