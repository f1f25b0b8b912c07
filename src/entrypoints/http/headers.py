"""Security headers on every answer of the app: API, docs, dashboard files, errors and 404s.

One Content-Security-Policy serves the dashboard and the docs pages alike: neither has an inline
script (the docs' scripts are files, see docs.py), so `script-src 'self'` holds everywhere.
`style-src` allows inline styles: Element Plus and ReDoc set them at run time. config/nginx.conf
sends the same values for the files it serves itself.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
HEADERS = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
)
# Only over https (direct, or as a trusted proxy says): over plain http it would be ignored, and
# a browser that kept it from a test on localhost would refuse that host's http afterwards.
HSTS = ("Strict-Transport-Security", "max-age=31536000; includeSubDomains")


def _raw(pairs: tuple[tuple[str, str], ...]) -> list[tuple[bytes, bytes]]:
    return [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in pairs]


class SecurityHeadersMiddleware:
    """Pure ASGI, outermost: the header list is built once, each answer only appends it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._plain = _raw(HEADERS)
        self._https = _raw((*HEADERS, HSTS))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # The scheme the client used: a trusted proxy's X-Forwarded-Proto is applied outside us.
        extra = self._https if scope.get("scheme") == "https" else self._plain
        started = False

        async def with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message["headers"] = [*message.get("headers", ()), *extra]
            await send(message)

        try:
            await self.app(scope, receive, with_headers)
        except Exception:
            # Starlette re-raises after its 500 answer went out, for the server to log the
            # traceback again, with the driver's message and all: errors.py logged it already,
            # without what a failing SQL statement carried.
            if not started:
                raise
