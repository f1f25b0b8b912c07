"""The error answers of every operation in the OpenAPI document, derived from the operation.

Clients and fuzzers learn from the document which statuses an operation can give, and each
error answer has the one shape `{"detail", "code"}` (`ErrorOut`). Rather than a `responses=`
on every route, the statuses follow from what the document already says of the operation:

- 401 (and 503 `cache_unavailable`, decision 7) when it needs a bearer token;
- 403 when it requires permission labels (scopes);
- 404 when it has path parameters (an id or a name that may not exist);
- 422 when it takes parameters or a body (a value that breaks the schema or a rule);
- 409 when it writes (POST, PUT, PATCH, DELETE): a natural key taken, a row in use;
- 400 when it takes a body (one that cannot be parsed at all), and 413 for an upload too.

What a route declares itself (`responses=` on the route or its router) is kept and wins.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI

from entrypoints.http.schemas.common import ErrorOut

ERROR_REF = {"$ref": "#/components/schemas/ErrorOut"}
DESCRIPTIONS = {
    400: "Bad request: a body that cannot be parsed (`bad_request`, `upload_invalid`, ...)",
    401: "Not authenticated (`not_authenticated`, `token_invalid`, `token_expired`)",
    403: "Forbidden: the caller lacks the label (`permission_denied`, ...)",
    404: "Not found (`not_found` or a module's own code)",
    409: "Conflict with the current state (`conflict`, a key that is taken, ...)",
    413: "The upload is too large (`payload_too_large`)",
    422: "Invalid input (`validation_error`, with the fields in `errors`)",
    503: "A backing service does not answer (`cache_unavailable`, `database_unavailable`)",
}
WRITES = frozenset({"post", "put", "patch", "delete"})
METHODS = WRITES | {"get", "head", "options", "trace"}


def statuses(method: str, operation: dict[str, Any]) -> set[int]:
    """The error statuses an operation can answer, judged from its own description."""
    out: set[int] = set()
    security = operation.get("security") or []
    if security:
        out |= {401, 503}
        if any(scopes for requirement in security for scopes in requirement.values()):
            out.add(403)
    parameters = operation.get("parameters") or []
    if any(p.get("in") == "path" for p in parameters):
        out.add(404)
    body = operation.get("requestBody")
    if parameters or body:
        out.add(422)
    if method in WRITES:
        out.add(409)
    if body:
        out.add(400)  # FastAPI's "There was an error parsing the body", an unreadable upload
        if "multipart/form-data" in body.get("content", {}):
            out.add(413)
    return out


def document_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """Adds the derived error answers to every operation of `schema`, in place."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault(
        "ErrorOut", ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
    )
    for item in schema.get("paths", {}).values():
        for method, operation in item.items():
            if method not in METHODS:
                continue
            responses = operation.setdefault("responses", {})
            for status in sorted(statuses(method, operation)):
                responses.setdefault(str(status), {"description": DESCRIPTIONS[status]})
            for status, response in responses.items():
                if status.isdigit() and int(status) >= 400:
                    _error_shape(int(status), response)
    # FastAPI's own 422 shape is replaced by ours everywhere; drop it when nothing uses it.
    for name in ("HTTPValidationError", "ValidationError"):
        others = {k: v for k, v in components.items() if k not in ("HTTPValidationError", name)}
        used = f"#/components/schemas/{name}" in json.dumps([schema["paths"], others])
        if name in components and not used:
            del components[name]
    return schema


def _error_shape(status: int, response: dict[str, Any]) -> None:
    """An error answer is `ErrorOut` in JSON unless its route declared a shape of its own."""
    content = response.setdefault("content", {})
    declared = content.get("application/json", {}).get("schema", {})
    if not declared or declared.get("$ref", "").endswith("/HTTPValidationError"):
        content["application/json"] = {"schema": dict(ERROR_REF)}
    if not response.get("description"):
        response["description"] = DESCRIPTIONS.get(status, "Error")


def install(app: FastAPI) -> None:
    """Makes `app.openapi()` build the document once, with the derived error answers."""
    base = app.openapi  # FastAPI's builder, which caches the document in app.openapi_schema

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document_errors(base())
        assert app.openapi_schema is not None
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
