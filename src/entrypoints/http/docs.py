"""/docs and /redoc from the app's own files: no CDN, and no inline script for the CSP to allow.

Swagger UI's and ReDoc's bundles come from the `fastapi-offline` package (its `static/`
folder; its code is not used). The pages are FastAPI's own `get_swagger_ui_html` and
`get_redoc_html`, with each inline `<script>` moved into a file served next to the bundles, so
the one Content-Security-Policy of the app (`script-src 'self'`) covers the docs too.
Everything under `/docs-assets/<tag>/` is immutable: the tag changes with the files.
"""

from __future__ import annotations

import hashlib
import importlib.util
import re
from collections.abc import Awaitable, Callable
from functools import cache
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from entrypoints.http.errors import error_body

ASSETS = "/docs-assets"
OAUTH2_REDIRECT = "/docs/oauth2-redirect"
IMMUTABLE = "public, max-age=31536000, immutable"
TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".png": "image/png",
}
REDOC_LOGO = b"https://cdn.redoc.ly/redoc/logo-mini.svg"
_BASE = "@@docs-assets@@"  # where the tagged assets' path goes, once the tag is known
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)


def _bundle_dir() -> Path:
    spec = importlib.util.find_spec("fastapi_offline")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the fastapi-offline package (Swagger UI and ReDoc files) is missing")
    return Path(next(iter(spec.submodule_search_locations))) / "static"


@cache
def _bundles() -> dict[str, bytes]:
    """Swagger UI's and ReDoc's files, read once per process (3 MB; every app shares them)."""
    folder = _bundle_dir()
    files = {
        name: (folder / name).read_bytes()
        for name in ("swagger-ui-bundle.js", "swagger-ui.css", "redoc.standalone.js", "favicon.png")
    }
    # ReDoc's sidebar shows a logo from Redocly's CDN: the CSP would block it (and offline it
    # fails anyway). An empty image fails at once, and ReDoc then leaves the logo out.
    files["redoc.standalone.js"] = files["redoc.standalone.js"].replace(REDOC_LOGO, b"data:,")
    return files


def _externalise(html: str, name: str) -> tuple[str, bytes]:
    """The page with its one inline script replaced by a `<script src>` of `name`, and the script."""
    scripts = _INLINE_SCRIPT.findall(html)
    if len(scripts) != 1:
        raise RuntimeError(f"expected one inline script in FastAPI's page for {name}")
    page = _INLINE_SCRIPT.sub(f'<script src="{_BASE}/{name}"></script>', html)
    return page, scripts[0].strip().encode("utf-8") + b"\n"


def install(app: FastAPI, openapi_url: str, title: str) -> None:
    """Routes /docs, /redoc, the OAuth2 redirect page, their assets and /openapi.json."""
    blobs = dict(_bundles())  # the bundles and, below, the pages' own scripts
    swagger, blobs["swagger-init.js"] = _externalise(
        bytes(
            get_swagger_ui_html(
                openapi_url=openapi_url,
                title=f"{title} - Swagger UI",
                oauth2_redirect_url=OAUTH2_REDIRECT,
                swagger_js_url=f"{_BASE}/swagger-ui-bundle.js",
                swagger_css_url=f"{_BASE}/swagger-ui.css",
                swagger_favicon_url=f"{_BASE}/favicon.png",
                # No badge from the public validator: it would send the document's URL away.
                swagger_ui_parameters={**(app.swagger_ui_parameters or {}), "validatorUrl": None},
            ).body
        ).decode("utf-8"),
        "swagger-init.js",
    )
    redirect, blobs["oauth2-redirect.js"] = _externalise(
        bytes(get_swagger_ui_oauth2_redirect_html().body).decode("utf-8"), "oauth2-redirect.js"
    )
    redoc = bytes(
        get_redoc_html(
            openapi_url=openapi_url,
            title=f"{title} - ReDoc",
            redoc_js_url=f"{_BASE}/redoc.standalone.js",
            redoc_favicon_url=f"{_BASE}/favicon.png",
            with_google_fonts=False,
        ).body
    ).decode("utf-8")
    # The tag changes with the files, so they may be cached for good.
    digest = hashlib.sha256()
    for name in sorted(blobs):
        digest.update(name.encode() + b"\0" + blobs[name])
    tag = digest.hexdigest()[:12]
    base = f"{ASSETS}/{tag}"
    pages = {"/docs": swagger, OAUTH2_REDIRECT: redirect, "/redoc": redoc}
    for path, html in pages.items():
        app.add_api_route(
            path, _page(html.replace(_BASE, base)), methods=["GET"], include_in_schema=False
        )

    @app.get(f"{ASSETS}/{{asset_tag}}/{{name}}", include_in_schema=False)
    async def docs_asset(request: Request, asset_tag: str, name: str) -> Response:
        body = blobs.get(name)
        if asset_tag != tag or body is None:
            return JSONResponse(error_body(request, "not_found", "not found"), status_code=404)
        return Response(
            body,
            media_type=TYPES[Path(name).suffix],
            headers={"Cache-Control": IMMUTABLE},
        )

    @app.get("/openapi.json", include_in_schema=False)
    def openapi_at_root() -> RedirectResponse:
        # Where tools look first; the document itself lives under the API's prefix.
        return RedirectResponse(openapi_url, status_code=308)


def _page(html: str) -> Callable[[], Awaitable[HTMLResponse]]:
    async def page() -> HTMLResponse:
        return HTMLResponse(html, headers={"Cache-Control": "no-cache"})

    return page
