"""The OpenAPI document lists the error answers each operation can give, in the one error shape."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.conftest import App

V1 = "/api/v1"
ERROR = {"$ref": "#/components/schemas/ErrorOut"}


@pytest.fixture(scope="module")
def spec(api: App) -> dict[str, Any]:
    document: dict[str, Any] = api.client.get(f"{V1}/openapi.json").json()
    return document


def _operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, op)
        for path, ops in spec["paths"].items()
        for method, op in ops.items()
        if method in {"get", "post", "put", "patch", "delete"}
    ]


def test_every_operation_lists_the_errors_its_shape_implies(spec: dict[str, Any]) -> None:
    missing = []
    for method, path, op in _operations(spec):
        statuses = set(op["responses"])
        security = op.get("security") or []
        expected = set()
        if security:
            expected.add("401")
        if any(scopes for req in security for scopes in req.values()):
            expected.add("403")
        if "{" in path:
            expected.add("404")
        if op.get("parameters") or op.get("requestBody"):
            expected.add("422")
        if method != "get":
            expected.add("409")
        if op.get("requestBody"):
            expected.add("400")
        if "multipart/form-data" in op.get("requestBody", {}).get("content", {}):
            expected.add("413")
        if expected - statuses:
            missing.append((method, path, sorted(expected - statuses)))
    assert missing == []


def test_every_error_answer_has_the_error_shape(spec: dict[str, Any]) -> None:
    out = spec["components"]["schemas"]["ErrorOut"]
    assert set(out["required"]) == {"detail", "code"}
    wrong = []
    for method, path, op in _operations(spec):
        for status, response in op["responses"].items():
            if int(status) < 400 or path.endswith("/health"):
                continue
            if response["content"]["application/json"]["schema"] != ERROR:
                wrong.append((method, path, status))
            assert response["description"]
    assert wrong == []
    # FastAPI's own 422 shape is gone: ours carries `code` too.
    assert "HTTPValidationError" not in spec["components"]["schemas"]


@pytest.mark.parametrize(
    ("method", "path", "statuses"),
    [
        ("put", "/permission/perm-label/{label_id}", {"401", "403", "404", "409", "422"}),
        ("get", "/permission/user", {"401", "403", "422"}),
        ("get", "/user/info", {"401"}),
        ("post", "/user/login", {"401", "422", "429"}),
        ("get", "/user/routers", {"401", "403"}),
        ("post", "/system/backup/restore", {"400", "401", "403", "413"}),
        ("post", "/report/{name}/import", {"400", "401", "403", "404", "413"}),
        ("get", "/report/{name}/export", {"401", "403", "404", "422"}),
        ("get", "/user/register/{token}", {"400", "404", "422"}),
    ],
)
def test_known_operations_list_their_answers(
    spec: dict[str, Any], method: str, path: str, statuses: set[str]
) -> None:
    assert statuses <= set(spec["paths"][V1 + path][method]["responses"])


def test_public_reads_do_not_claim_auth_errors(spec: dict[str, Any]) -> None:
    health = spec["paths"][f"{V1}/health"]["get"]["responses"]
    assert set(health) == {"200", "503"}
    assert "401" not in spec["paths"][f"{V1}/user/register/{{token}}"]["get"]["responses"]


def test_declared_statuses_are_the_ones_given(api: App, admin: dict[str, str]) -> None:
    # A few real answers, each of a status the document lists for its operation.
    spec = api.client.get(f"{V1}/openapi.json").json()
    cases = [
        ("get", "/permission/perm-label/{label_id}", "/permission/perm-label/999999", admin),
        ("get", "/permission/perm-label/{label_id}", "/permission/perm-label/1", {}),
        ("put", "/permission/perm-label/{label_id}", "/permission/perm-label/1", admin),
    ]
    for method, template, url, headers in cases:
        r = api.client.request(method.upper(), V1 + url, headers=headers, json={"label": None})
        assert str(r.status_code) in spec["paths"][V1 + template][method]["responses"]
        body = r.json()
        assert set(body) <= {"detail", "code", "errors"} and isinstance(body["detail"], str)
