"""create_app(container): the FastAPI application, its routes, errors and middleware."""

from __future__ import annotations

import importlib
import importlib.util
import mimetypes
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from anyio import to_thread
from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, JSONResponse, Response
from loguru import logger
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp

from entrypoints.http import docs, errors, openapi
from entrypoints.http.clientip import ClientIp
from entrypoints.http.headers import SecurityHeadersMiddleware
from entrypoints.http.middleware import OperationLogMiddleware
from entrypoints.http.pages import PageCache
from entrypoints.http.reports import load as load_reports
from entrypoints.http.routing import API, ApiRouter, include

if TYPE_CHECKING:
    from bootstrap import Container


class AdminApp(FastAPI):
    """FastAPI with the security headers outside everything, Starlette's 500 answer included."""

    def __init__(self, *, client_ip: ClientIp, **kwargs: Any) -> None:
        self.client_ip = client_ip
        super().__init__(**kwargs)

    def build_middleware_stack(self) -> ASGIApp:
        return SecurityHeadersMiddleware(super().build_middleware_stack(), self.client_ip)


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
        # Blocking handlers share a few threads: with more, they contend for the GIL and a
        # list under load got slower and its p99 several times longer (decision 18).
        to_thread.current_default_thread_limiter().total_tokens = settings.threads
        await run_in_threadpool(container.init_resources)
        try:
            yield
        finally:
            await run_in_threadpool(container.shutdown_resources)

    app = AdminApp(
        client_ip=ClientIp(settings.trusted_proxies),
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
    app.state.client_ip = app.client_ip
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
    def health() -> JSONResponse:
        status = container.health().check()
        healthy = all(v == "ok" for v in status.values())
        return JSONResponse(
            {"status": "ok" if healthy else "degraded", **status},
            status_code=200 if healthy else 503,
        )

    docs.install(app, f"{API}/openapi.json", app.title)
    _serve_dashboard(app, Path(settings.frontend_dist))
    openapi.install(app)  # the 4xx answers of every operation, derived from the operation

    app.add_middleware(
        OperationLogMiddleware, audit=container.audit(), client_ip=app.state.client_ip
    )
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["*"],
            allow_headers=["*"],
            expose_headers=["Retry-After", "Content-Disposition"],
        )
    return app


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


# Precompressed copies written by the build (frontend/scripts/compress.mjs), best first.
_ENCODINGS = (("br", ".br"), ("gzip", ".gz"))


def _accepted_encodings(header: str) -> set[str]:
    """The codings an Accept-Encoding header allows (`q=0` refuses; `*` allows the rest)."""
    allowed: set[str] = set()
    refused: set[str] = set()
    for part in header.lower().split(","):
        coding, _, params = part.strip().partition(";")
        coding = coding.strip()
        if not coding:
            continue
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        (allowed if q > 0 else refused).add(coding)
    if "*" in allowed:
        allowed |= {name for name, _ in _ENCODINGS} - refused
    return allowed - refused


def _dashboard_file(file: Path, accept_encoding: str, cache: str) -> FileResponse:
    """`file`, or its precompressed copy when the client accepts that coding."""
    headers = {"Cache-Control": cache}
    media_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    variants = [(name, file.with_name(file.name + suffix)) for name, suffix in _ENCODINGS]
    present = [(name, path) for name, path in variants if path.is_file()]
    if present:
        # Caches must keep the raw and the compressed answers apart.
        headers["Vary"] = "Accept-Encoding"
        accepted = _accepted_encodings(accept_encoding)
        for name, path in present:
            if name in accepted:
                headers["Content-Encoding"] = name
                return FileResponse(path, media_type=media_type, headers=headers)
    return FileResponse(file, media_type=media_type, headers=headers)


def _serve_dashboard(app: FastAPI, dist: Path) -> None:
    """Serve the built dashboard with history-mode fallback, when it has been built."""
    index = dist / "index.html"
    if not index.is_file():
        logger.info("no built dashboard at {}; serving the API only", dist)
        return
    root = dist.resolve()

    @app.get("/{path:path}", include_in_schema=False)
    def dashboard(path: str, request: Request) -> Response:
        # A NUL byte (`GET /%00`) cannot name a file: resolving it would raise, so a 404.
        if path.startswith(("api/", "docs", "redoc")) or "\x00" in path:
            return JSONResponse(
                errors.error_body(request, "not_found", "not found"), status_code=404
            )
        accept_encoding = request.headers.get("accept-encoding", "")
        candidate = (root / path).resolve()
        if path and candidate.is_file() and candidate.is_relative_to(root):
            cache = (
                "public, max-age=31536000, immutable" if "/assets/" in f"/{path}" else "no-cache"
            )
            return _dashboard_file(candidate, accept_encoding, cache)
        return _dashboard_file(index, accept_encoding, "no-cache")
