"""Maps domain errors to HTTP answers `{"detail", "code"}`; nothing internal leaks out.

`detail` is always one sentence in the request's language. Where an answer concerns several
fields or rows, they are listed in `errors` as well: `[{loc, msg, type}]` for a value that
breaks the schema or a rule of a field, `[{row, column, message}]` for a rejected import.
"""

from __future__ import annotations

import traceback
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from loguru import logger
from starlette.exceptions import HTTPException as StarletteHTTPException

from core.reports.model import ImportRejected
from core.shared.errors import (
    BadRequest,
    Conflict,
    DomainError,
    Forbidden,
    InvalidInput,
    NotFound,
    ServiceUnavailable,
    TooLarge,
    TooManyRequests,
    Unauthorized,
    UnsupportedType,
)
from core.shared.language import negotiate_language
from entrypoints.http.messages import message, validation_message

STATUS: dict[type[DomainError], int] = {
    BadRequest: 400,
    Unauthorized: 401,
    Forbidden: 403,
    NotFound: 404,
    Conflict: 409,
    TooLarge: 413,
    UnsupportedType: 415,
    InvalidInput: 422,
    TooManyRequests: 429,
    ServiceUnavailable: 503,
}

HTTP_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media_type",
}


SOURCES = {"body", "query", "path", "header", "cookie"}


def _status(exc: DomainError) -> int:
    for cls in type(exc).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 400


def language_of(request: Request) -> str:
    """The language the request prefers among the product's (zh-CN when it names none)."""
    return negotiate_language(request.headers.get("accept-language"))


def error_body(request: Request, code: str, fallback: str = "") -> dict[str, Any]:
    """`{"detail", "code"}` with the catalogue's text of `code` in the request's language."""
    return {"detail": message(code, language_of(request), fallback), "code": code}


async def domain_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    status = _status(exc)
    headers: dict[str, str] = {}
    params: dict[str, object] = {"field": getattr(exc, "field", None) or "", "detail": exc.detail}
    if isinstance(exc, TooManyRequests):
        headers["Retry-After"] = str(exc.retry_after)
        params["retry_after"] = exc.retry_after
    # Core's English detail is the fallback of a code the catalogue lacks (a test keeps none).
    detail = message(exc.code, language_of(request), exc.detail, params)
    content: dict[str, Any] = {"detail": detail, "code": exc.code}
    if isinstance(exc, Unauthorized):
        headers["WWW-Authenticate"] = "Bearer"
    if isinstance(exc, InvalidInput) and exc.field:
        content["errors"] = [{"loc": ["body", exc.field], "msg": detail, "type": exc.code}]
    if isinstance(exc, ImportRejected):
        content["errors"] = [
            {"row": e.row, "column": e.column, "message": e.message} for e in exc.errors
        ]
    return JSONResponse(content, status_code=status, headers=headers)


async def validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    lang = language_of(request)
    details = []
    for e in exc.errors():
        loc = list(e.get("loc", ()))
        kind = str(e.get("type", ""))
        # ["body", "email"] names the field `email`; the first part says where it came from.
        parts = loc[1:] if loc and loc[0] in SOURCES else loc
        field = ".".join(str(p) for p in parts)
        details.append(
            {"loc": loc, "msg": validation_message(kind, field, lang, e.get("ctx")), "type": kind}
        )
    return JSONResponse(
        {
            "detail": one_line([str(d["msg"]) for d in details]),
            "code": "validation_error",
            "errors": details,
        },
        status_code=422,
    )


def one_line(messages: list[str], shown: int = 3) -> str:
    """The first few messages joined, with how many more there are."""
    line = "; ".join(messages[:shown])
    return f"{line} (+{len(messages) - shown})" if len(messages) > shown else line


async def http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = HTTP_CODES.get(exc.status_code, "http_error")
    return JSONResponse(
        error_body(request, code, str(exc.detail)),
        status_code=exc.status_code,
        headers=exc.headers,
    )


async def unhandled_error(request: Request, exc: Exception) -> JSONResponse:
    database = _database_error(exc)
    if database is not None:
        # A database driver's error: its message may quote the values of the statement (a
        # duplicate key, a password hash), so the log has the SQL with its placeholders, the
        # driver's error class and code, and where it happened; never its parameters.
        logger.error(
            "unhandled database error on {} {}: {} ({}) in: {}\n{}",
            request.method,
            request.url.path,
            type(database).__name__,
            _driver_error(database.orig),  # type: ignore[attr-defined]
            str(database.statement)[:2000],  # type: ignore[attr-defined]
            "".join(traceback.format_tb(exc.__traceback__)),
        )
    else:
        logger.opt(exception=exc).error(
            "unhandled error on {} {}", request.method, request.url.path
        )
    return JSONResponse(
        error_body(request, "internal_error", "internal server error"), status_code=500
    )


def _database_error(exc: BaseException) -> BaseException | None:
    """The SQLAlchemy DBAPI error in `exc`'s chain (a statement and the driver's error), if any."""
    seen: BaseException | None = exc
    for _ in range(10):
        if seen is None:
            return None
        if getattr(seen, "statement", None) is not None and hasattr(seen, "orig"):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def _driver_error(orig: object) -> str:
    args = getattr(orig, "args", ())
    # PyMySQL's error number is its first argument; psycopg names the SQLSTATE.
    code = args[0] if args and isinstance(args[0], int) else getattr(orig, "sqlstate", None)
    name = f"{type(orig).__module__}.{type(orig).__name__}"
    return f"{name} {code}" if code is not None else name


def install(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, domain_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(Exception, unhandled_error)
