"""The built dashboard: FastAPI's own frontend route, with caching and precompressed copies.

`app.frontend(...)` serves the files after every API route and answers a navigation request
(one that accepts HTML) for a path it has no file for with `index.html`, so the dashboard's
history-mode routes work on a reload. What it does not do is what the build prepared for:
`PrecompressedAssets` picks the brotli or gzip copy written beside a file
(`frontend/scripts/compress.mjs`) when the client accepts it, and sets the caching: a year
for the hashed files under `/assets/`, revalidation for everything else (`index.html` above
all, so a deployment is seen at once).
"""

from __future__ import annotations

import mimetypes
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from loguru import logger
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from entrypoints.http import errors

YEAR = "public, max-age=31536000, immutable"
# Precompressed copies written by the build, best first.
ENCODINGS = (("br", ".br"), ("gzip", ".gz"))
# Paths of the app itself: never a dashboard file, never the dashboard's page.
APP_PATHS = ("/api/", "/docs", "/redoc", "/openapi.json")


def install(app: FastAPI, dist: Path) -> None:
    """Serve the dashboard built into `dist`, when it has been built."""
    if not (dist / "index.html").is_file():
        logger.info("no built dashboard at {}; serving the API only", dist)
        return

    # Unknown API paths answer the API's 404, not the dashboard's page, even to a browser.
    @app.get("/api/{path:path}", include_in_schema=False)
    def unknown_api_path(path: str, request: Request) -> JSONResponse:
        return JSONResponse(errors.error_body(request, "not_found", "not found"), status_code=404)

    app.frontend("/", directory=dist, fallback="index.html", check_dir=True)
    app.add_middleware(PrecompressedAssets, root=dist)


def accepted_encodings(header: str) -> set[str]:
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
        allowed |= {name for name, _ in ENCODINGS} - refused
    return allowed - refused


class PrecompressedAssets:
    """Sends a file's precompressed copy when accepted, and the caching headers of the files."""

    def __init__(self, app: ASGIApp, root: Path) -> None:
        self.app = app
        self.root = root.resolve()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if (
            scope["type"] != "http"
            or scope["method"] not in ("GET", "HEAD")
            or path.startswith(APP_PATHS)
            or "\x00" in path
        ):
            await self.app(scope, receive, send)
            return
        cache = YEAR if path.startswith("/assets/") else "no-cache"
        coding, copy = self._copy(path, scope)
        if copy is not None:
            scope = {**scope, "path": copy, "raw_path": copy.encode()}
        media_type = mimetypes.guess_type(path)[0] if coding else None

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if message["status"] < 400:  # a missing file's 404 is not kept a year
                    headers["Cache-Control"] = cache
                if coding is not None:
                    headers.add_vary_header("Accept-Encoding")
                    if copy is not None and message["status"] in (200, 304):
                        headers["Content-Encoding"] = coding
                        if media_type:
                            headers["Content-Type"] = media_type
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def _copy(self, path: str, scope: Scope) -> tuple[str | None, str | None]:
        """(a coding the file has a copy in or None, the path of the copy to send or None)."""
        try:
            file = (self.root / path.lstrip("/")).resolve()
        except (OSError, ValueError):
            return None, None
        if not file.is_relative_to(self.root) or not file.is_file():
            return None, None
        present = [(c, s) for c, s in ENCODINGS if file.with_name(file.name + s).is_file()]
        if not present:
            return None, None
        accept = ""
        for name, value in scope.get("headers", []):
            if name == b"accept-encoding":
                accept = value.decode("latin-1")
        accepted = accepted_encodings(accept)
        for coding, suffix in present:
            if coding in accepted:
                return coding, path + suffix
        return present[0][0], None
