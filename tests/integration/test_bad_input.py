"""Bad input over HTTP: a clear 4xx with a stable code, never a 500, never a partial write."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jwt
import pytest

from tests.integration.conftest import SECRET, App, settings_for, unique

V1 = "/api/v1"
# The platform's lists; each module's slice runs these checks on its own (tests/integration/<m>/).
LISTS = [
    "/permission/user",
    "/permission/role",
    "/permission/perm-label",
    "/system/log/login",
    "/system/log/operation",
    "/system/config-setting",
    "/system/dict-type",
    "/system/dict-item",
    "/system/job",
    "/system/job-log",
]
# Every time filter of every list: the created range of all, and the lists' own ranges.
DATE_FILTERS = [(path, name) for path in LISTS for name in ("created_start", "created_end")] + [
    ("/system/job-log", "time_start"),
    ("/system/job-log", "time_end"),
]
# The exports take the filters of their module's list.
EXPORTS = ["/report/config_settings/export", "/report/dict_items/export"]
TOO_BIG = 2**31  # one past an INTEGER column's range


def _validation_error(r: Any) -> dict[str, Any]:
    assert r.status_code == 422, (r.status_code, r.text)
    body: dict[str, Any] = r.json()
    assert body["code"] == "validation_error", body
    assert isinstance(body["detail"], str) and body["detail"], body  # one sentence
    assert body["errors"] and all("loc" in e and "msg" in e for e in body["errors"]), body
    return body


@pytest.mark.parametrize("path", LISTS + EXPORTS)
def test_a_page_whose_offset_overflows_is_a_422_on_every_list(
    api: App, admin: dict[str, str], path: str
) -> None:
    r = api.client.get(V1 + path, headers=admin, params={"page": 2**63})
    assert _validation_error(r)["errors"][0]["loc"][-1] == "page"
    # The largest accepted page still answers, empty.
    r = api.client.get(V1 + path, headers=admin, params={"page": 1_000_000, "size": 100})
    if not path.endswith("/export"):
        assert r.status_code == 200 and r.json()["items"] == [], r.text


@pytest.mark.parametrize(("path", "name"), DATE_FILTERS)
@pytest.mark.parametrize("value", ["1e20", "-1e20", "inf", "9999-12-31T23:00:00-05:00"])
def test_a_time_filter_out_of_range_is_a_422(
    api: App, admin: dict[str, str], path: str, name: str, value: str
) -> None:
    r = api.client.get(V1 + path, headers=admin, params={name: value})
    assert _validation_error(r)["errors"][0]["loc"][-1] == name


@pytest.mark.parametrize(("path", "name"), DATE_FILTERS)
def test_time_filters_take_unix_milliseconds_and_seconds(
    api: App, admin: dict[str, str], path: str, name: str
) -> None:
    future = datetime.now(UTC) + timedelta(days=3650)
    for value in (int(future.timestamp() * 1000), int(future.timestamp())):
        r = api.client.get(V1 + path, headers=admin, params={name: value})
        assert r.status_code == 200, (value, r.text)


def test_milliseconds_and_seconds_select_the_same_rows(api: App, admin: dict[str, str]) -> None:
    key = unique("ms.")
    r = api.client.post(
        f"{V1}/system/config-setting", headers=admin, json={"name": "ms", "key": key}
    )
    assert r.status_code == 201, r.text
    before = datetime.now(UTC) - timedelta(minutes=5)
    seconds, millis = int(before.timestamp()), int(before.timestamp() * 1000)
    found = []
    for start in (seconds, millis, before.isoformat()):
        r = api.client.get(
            f"{V1}/system/config-setting",
            headers=admin,
            params={"key": key, "created_start": start},
        )
        assert r.status_code == 200, r.text
        found.append(r.json()["total"])
    assert found == [1, 1, 1]


WRITES: list[tuple[str, Callable[[], dict[str, Any]]]] = [
    ("/permission/role", lambda: {"code": unique("r"), "name": "r"}),
    (
        "/permission/menu",
        lambda: {"type": "menu", "name": unique("m"), "title": "m"},
    ),
    ("/system/config-setting", lambda: {"name": "n", "key": unique("k.")}),
]


@pytest.mark.parametrize(("path", "body"), WRITES, ids=[w[0] for w in WRITES])
@pytest.mark.parametrize("sort", [TOO_BIG, -TOO_BIG - 1, 2**63])
def test_an_int_beyond_its_column_is_a_422_on_create_and_update(
    api: App, admin: dict[str, str], path: str, body: Callable[[], dict[str, Any]], sort: int
) -> None:
    r = api.client.post(V1 + path, headers=admin, json={**body(), "sort": sort})
    assert _validation_error(r)["errors"][0]["loc"] == ["body", "sort"]
    r = api.client.post(V1 + path, headers=admin, json=body())
    assert r.status_code == 201, r.text
    row = r.json()["id"]
    r = api.client.put(f"{V1}{path}/{row}", headers=admin, json={"sort": sort})
    assert _validation_error(r)["errors"][0]["loc"] == ["body", "sort"]
    assert api.client.get(f"{V1}{path}/{row}", headers=admin).json()["sort"] == 0
    _delete(api, admin, f"{path}/{row}")


def test_a_dict_item_sort_beyond_its_column_is_a_422(api: App, admin: dict[str, str]) -> None:
    code = unique("t_")
    r = api.client.post(f"{V1}/system/dict-type", headers=admin, json={"code": code, "name": "t"})
    assert r.status_code == 201, r.text
    item = {"type_code": code, "label": "l", "value": "v"}
    r = api.client.post(f"{V1}/system/dict-item", headers=admin, json={**item, "sort": TOO_BIG})
    _validation_error(r)
    item_id = api.client.post(f"{V1}/system/dict-item", headers=admin, json=item).json()["id"]
    r = api.client.put(f"{V1}/system/dict-item/{item_id}", headers=admin, json={"sort": TOO_BIG})
    _validation_error(r)


@pytest.mark.parametrize("field", ["role_ids"])
def test_an_id_beyond_bigint_is_a_422(api: App, admin: dict[str, str], field: str) -> None:
    r = api.client.put(f"{V1}/permission/user/1/roles", headers=admin, json={field: [2**63]})
    _validation_error(r)


def _delete(api: App, headers: dict[str, str], path: str) -> None:
    """Rows this file made leave the shared database (other tests read its menu tree)."""
    r = api.client.delete(V1 + path, headers=headers)
    assert r.status_code == 204, r.text


def _created(api: App, headers: dict[str, str], path: str, body: dict[str, Any]) -> int:
    r = api.client.post(V1 + path, headers=headers, json=body)
    assert r.status_code == 201, r.text
    created: int = r.json()["id"] if "id" in r.json() else r.json()["items"][0]["id"]
    return created


NULLS: list[tuple[str, Callable[[], dict[str, Any]], str]] = [
    ("/permission/perm-label", lambda: {"label": f"perm:{unique('x')}:get"}, "label"),
    ("/permission/perm-label", lambda: {"label": f"perm:{unique('x')}:get"}, "status"),
    ("/permission/role", lambda: {"code": unique("r"), "name": "r"}, "name"),
    ("/permission/menu", lambda: {"type": "menu", "name": unique("m"), "title": "m"}, "title"),
    ("/permission/menu", lambda: {"type": "menu", "name": unique("m"), "title": "m"}, "type"),
    ("/system/config-setting", lambda: {"name": "n", "key": unique("k.")}, "key"),
    ("/system/config-setting", lambda: {"name": "n", "key": unique("k.")}, "value"),
    ("/system/dict-type", lambda: {"code": unique("t_"), "name": "t"}, "code"),
    (
        "/system/job",
        lambda: {"name": unique("j"), "script": "demo", "cron": "0 3 * * *"},
        "cron",
    ),
]


def _item_paths(api: App) -> list[str]:
    """Every operation of the document with a `{..._id}` path parameter that is a row id (an
    integer: a session id is an opaque string)."""
    paths = api.client.get("/api/v1/openapi.json").json()["paths"]

    def row_id(path: str) -> bool:
        name = path[path.rindex("{") + 1 : -1] if path.endswith("}") else ""
        params = [p for op in paths[path].values() for p in op.get("parameters", [])]
        return name.endswith("_id") and any(
            p["name"] == name and p["schema"].get("type") == "integer" for p in params
        )

    return [p for p in paths if row_id(p)]


@pytest.mark.parametrize("value", ["0", "-1", str(2**63)])
def test_a_path_id_outside_bigint_or_below_one_is_a_422(
    api: App, admin: dict[str, str], value: str
) -> None:
    """Never handed to the database: PostgreSQL refuses a BIGINT overflow with an error."""
    paths = _item_paths(api)
    assert len(paths) >= 10
    for path in paths:
        url = path[: path.rindex("{")] + value
        r = api.client.get(url, headers=admin)
        if r.status_code == 405:  # a path that only takes writes
            r = api.client.put(url, headers=admin, json={})
        if r.status_code == 405:  # ... or only deletes (refused before anything is deleted)
            r = api.client.delete(url, headers=admin)
        assert r.status_code == 422 and r.json()["code"] == "validation_error", (url, r.text)


@pytest.mark.parametrize(("path", "body", "field"), NULLS, ids=[f"{p}:{f}" for p, _, f in NULLS])
def test_null_on_a_non_nullable_update_field_is_a_422_and_changes_nothing(
    api: App,
    admin: dict[str, str],
    path: str,
    body: Callable[[], dict[str, Any]],
    field: str,
) -> None:
    row = _created(api, admin, path, body())

    def read() -> dict[str, Any]:
        got: dict[str, Any] = api.client.get(f"{V1}{path}/{row}", headers=admin).json()
        got.pop("next_fire_times", None)  # a job's next fires move on with the clock
        return got

    before = read()
    r = api.client.put(f"{V1}{path}/{row}", headers=admin, json={"remark": "x", field: None})
    assert _validation_error(r)["errors"][0]["loc"] == ["body", field]
    assert read() == before
    _delete(api, admin, f"{path}/{row}")


def test_null_on_own_profile_nickname_is_a_422(api: App, admin: dict[str, str]) -> None:
    r = api.client.put(f"{V1}/user/info", headers=admin, json={"nickname": None})
    assert _validation_error(r)["errors"][0]["loc"] == ["body", "nickname"]


def test_null_still_clears_a_nullable_field(api: App, admin: dict[str, str]) -> None:
    user = {"username": unique("nul"), "password": "a fine passphrase", "email": None}
    user_id = _created(api, admin, "/permission/user", {**user, "phone": "123"})
    r = api.client.put(f"{V1}/permission/user/{user_id}", headers=admin, json={"phone": None})
    assert r.status_code == 204, r.text
    assert api.client.get(f"{V1}/permission/user/{user_id}", headers=admin).json()["phone"] is None
    menu = _created(
        api, admin, "/permission/menu", {"type": "dir", "name": unique("d"), "title": "d"}
    )
    r = api.client.put(f"{V1}/permission/menu/{menu}", headers=admin, json={"parent_id": None})
    assert r.status_code == 204, r.text
    _delete(api, admin, f"/permission/menu/{menu}")
    _delete(api, admin, f"/permission/user/{user_id}")


def test_the_openapi_document_does_not_offer_null_where_it_is_refused(api: App) -> None:
    schemas = api.client.get(f"{V1}/openapi.json").json()["components"]["schemas"]
    label = schemas["LabelUpdate"]["properties"]["label"]
    assert label["type"] == "string" and "anyOf" not in label
    assert {"type": "null"} in schemas["MenuUpdate"]["properties"]["parent_id"]["anyOf"]
    assert schemas["RoleCreate"]["properties"]["sort"]["maximum"] == 2**31 - 1


def test_a_token_whose_expiry_overflows_is_a_401(api: App, admin: dict[str, str]) -> None:
    token = admin["Authorization"].split()[1]
    claims = jwt.decode(token, options={"verify_signature": False})
    for exp in (1e20, 2**70):
        forged = jwt.encode({**claims, "exp": exp}, SECRET, algorithm="HS256")
        r = api.client.get(f"{V1}/user/info", headers={"Authorization": f"Bearer {forged}"})
        assert r.status_code == 401, r.text
        assert r.json()["code"] == "token_invalid"


def test_a_nul_byte_in_a_dashboard_path_is_a_404(
    db_url: str, redis_url: str, redis_prefix: str, tmp_path: Path
) -> None:
    (tmp_path / "index.html").write_text("<!doctype html><title>dashboard</title>")
    settings = settings_for(db_url, redis_url, redis_prefix).model_copy(
        update={"frontend_dist": str(tmp_path)}
    )
    with App(settings) as app:
        # The history-mode fallback, for a browser's navigation.
        assert app.client.get("/some/route", headers={"Accept": "text/html"}).status_code == 200
        for path in ("/%00", "/assets/%00.js", "/a%00b"):
            r = app.client.get(path)
            assert r.status_code == 404, (path, r.status_code, r.text)
            assert r.json()["code"] == "not_found"


def test_text_with_a_nul_character_is_a_422_on_every_database(
    api: App, admin: dict[str, str]
) -> None:
    """PostgreSQL cannot store U+0000 (its driver raised a 500); every database refuses it alike."""
    key = unique("nul.")
    for path, body in (
        ("/system/config-setting", {"name": "n", "key": key, "value": "a\x00b"}),
        ("/permission/role", {"code": unique("nul_"), "name": "x\x00y"}),
        ("/system/dict-type", {"code": unique("nul_"), "name": "x\x00"}),
    ):
        r = api.client.post(f"{V1}{path}", headers=admin, json=body)
        assert r.status_code == 422 and r.json()["code"] == "invalid_input", (path, r.text)
    listed = api.client.get(f"{V1}/system/config-setting", headers=admin, params={"key": key})
    assert listed.json()["total"] == 0  # nothing was written
    r = api.client.get(f"{V1}/permission/user", headers=admin, params={"nickname": "a\x00"})
    assert r.status_code == 422 and r.json()["code"] == "invalid_input"
    r = api.client.post(f"{V1}/user/login", data={"username": "ad\x00min", "password": "x"})
    assert r.status_code == 422 and r.json()["code"] == "invalid_input"
